/** The doctor's report as text (CLI) and Markdown (VS Code), grouped by scope, missing items first in each group. */
import { markdownCell } from '../shared/format';
import type { AccessItem, AccessReport, AccessStatus } from './accessCheck';

const MARK: Record<AccessStatus, string> = { ok: '✓', missing: '✗', unknown: '?' };
const ORDER: Record<AccessStatus, number> = { missing: 0, unknown: 1, ok: 2 };

function groups(items: readonly AccessItem[]): [string, AccessItem[]][] {
  const out = new Map<string, AccessItem[]>();
  for (const i of items) out.set(i.scope, [...(out.get(i.scope) ?? []), i]);
  return [...out.entries()].map(([scope, list]) => [scope, [...list].sort((a, b) => ORDER[a.status] - ORDER[b.status])]);
}

export function summaryLine(r: AccessReport): string {
  const missing = r.items.filter((i) => i.status === 'missing').length;
  const unknown = r.items.filter((i) => i.status === 'unknown').length;
  if (r.ok) return `All ${r.items.length} checks passed: these credentials have what the migration needs.`;
  return `${missing} missing, ${unknown} not determinable, ${r.items.length - missing - unknown} ok (read-only checks; nothing was changed).`;
}

export function formatAccessReport(r: AccessReport): string {
  const lines = [`Access check for ${r.username ?? '(no user name)'} at ${r.checkedAt}`, ''];
  for (const [scope, list] of groups(r.items)) {
    lines.push(scope === 'account' ? 'Account' : scope);
    for (const i of list) {
      lines.push(`  ${MARK[i.status]} ${i.title}: ${i.detail}`);
      if (i.status !== 'ok' && i.grant) lines.push(`      → ${i.grant}`);
    }
    lines.push('');
  }
  lines.push(summaryLine(r));
  return lines.join('\n');
}

const cell = markdownCell;

export function accessReportMarkdown(r: AccessReport): string {
  const lines = [`# Mendix access check`, '', `User: ${r.username ?? '(no user name)'} · ${r.checkedAt}`, '', `**${summaryLine(r)}**`, ''];
  for (const [scope, list] of groups(r.items)) {
    lines.push(`## ${scope === 'account' ? 'Account' : scope}`, '', '| | Check | Detail | Where to grant it |', '|---|---|---|---|');
    for (const i of list) lines.push(`| ${MARK[i.status]} | ${cell(i.title)} | ${cell(i.detail)} | ${i.status === 'ok' ? '' : cell(i.grant ?? '')} |`);
    lines.push('');
  }
  lines.push('Only read calls were made. What stays a portal or Support step: linking nodes, uploading a backup, custom domains and app-level certificates, the URL change and offboarding.', '');
  return lines.join('\n');
}
