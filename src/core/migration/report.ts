/**
 * The sign-off report: one Markdown document with the before/after, the preflight, every step with
 * its timing and who confirmed it, the downtime (predicted vs measured), and the checksums of every
 * file carried. Built only from the journal, so it never contains a secret the journal does not.
 */
import type { StepDefinition } from './stepTypes';
import type { DowntimeWindow, Journal, JsonValue, StepState } from './types';
import { formatDurationMs, markdownCell } from '../shared/format';
import { jsonObjects } from './steps/common';

const cell = markdownCell;

function files(j: Readonly<Journal>): { step: string; path: string; size: JsonValue; sha256: JsonValue }[] {
  const out: { step: string; path: string; size: JsonValue; sha256: JsonValue }[] = [];
  for (const [id, st] of Object.entries(j.steps)) {
    const o = st.outputs;
    if (typeof o.path === 'string' && typeof o.sha256 === 'string') out.push({ step: id, path: o.path, size: o.size ?? null, sha256: o.sha256 });
    for (const k of jsonObjects(o.kept)) out.push({ step: `${id} (${cell(k.snapshotId)})`, path: cell(k.path), size: k.size ?? null, sha256: k.sha256 ?? null });
    // Other kept files, e.g. the source's logs.
    for (const k of jsonObjects(o.files)) out.push({ step: `${id} (${cell(k.label)})`, path: cell(k.path), size: k.size ?? null, sha256: k.sha256 ?? null });
  }
  return out;
}

/** Who or what vouches for a step: Verified (a check, named), Confirmed (a person), Overridden (a person over a failing check). */
function confirmation(st: StepState | undefined): string {
  const c = st?.confirmation;
  const v = st?.verification;
  if (st?.status === 'done' && v?.ok) {
    if (v.basis === 'override') return `Overridden by ${c?.by ?? '?'}: ${c?.override ?? ''} (${c?.at ?? v.at})`;
    if (v.basis === 'person') return `Confirmed by ${c?.by ?? '?'} (${c?.at ?? v.at})`;
    return `Verified (${v.check ?? 'API'})${c?.method === 'person' ? `, confirmed by ${c.by}` : ''} (${v.at})`;
  }
  return c ? `${c.method === 'person' ? c.by : 'verified through the API'} (${c.at})` : '';
}

export function renderReport(journal: Readonly<Journal>, steps: readonly StepDefinition[]): string {
  const L: string[] = [
    ...beforeAndAfter(journal),
    ...preflightSection(journal),
    ...stepsSection(journal, steps),
    ...downtimeSection(journal),
    ...configSection(journal),
    ...filesSection(journal),
    ...cleanupSection(journal),
  ];
  L.push('', '## Sign-off', '', '| Role | Name | Date | Signature |', '|---|---|---|---|', '| Technical Contact | | | |', '| App owner | | | |', '');
  return L.join('\n');
}

function beforeAndAfter(j: Readonly<Journal>): string[] {
  const i = j.input;
  const pre = j.steps.preflight?.outputs ?? {};
  const L: string[] = [];
  L.push(`# Migration report: ${i.source.name}`, '');
  L.push(`- Run: \`${j.name}\` (${i.flavour === 'v3-to-v4' ? 'Mendix Cloud v3 → v4' : 'node/region move'}), status **${j.status}**`);
  L.push(`- Created ${j.createdAt}, last change ${j.updatedAt}`);
  if (j.abort) L.push(`- Aborted ${j.abort.at}: ${j.abort.reason} (source ${j.abort.sourceTouched ? 'was restarted' : 'untouched'})`);
  L.push('', '## Before and after', '', '| | Before (source) | After (target) |', '|---|---|---|');
  const redeploy = j.steps['relink.redeploy']?.outputs ?? {};
  const test = j.steps['cutover.start-target']?.outputs ?? j.steps['test.start-target']?.outputs ?? {};
  L.push(`| Node | ${cell(i.source.nodeSubdomain)} | ${cell(i.target.nodeSubdomain)} |`);
  L.push(`| Environment | ${cell(i.source.environment)} | ${cell(i.target.environment)} |`);
  L.push(`| URL | ${cell(pre.sourceUrl)} | ${cell(redeploy.url ?? test.url)} |`);
  L.push(`| Mendix version | ${cell(pre.sourceMendixVersion)} | ${cell(redeploy.mendixVersion ?? '')} |`);
  L.push(`| Model version | ${cell(pre.sourceModelVersion)} | ${cell(redeploy.modelVersion ?? j.steps['test.start-target']?.outputs.modelVersion ?? '')} |`);
  L.push(`| Package | ${cell(j.steps['package.download']?.outputs.name)} | ${cell(redeploy.packageId ?? j.steps['package.upload']?.outputs.packageId)} |`);
  L.push(`| Project ID | ${cell(i.source.projectId)} | ${cell(i.source.projectId)} (temporary app A: ${cell(i.target.tempAppA.projectId)}) |`);
  return L;
}

function preflightSection(j: Readonly<Journal>): string[] {
  const report = jsonObjects(j.steps.preflight?.outputs.report);
  if (!report.length) return [];
  return ['', '## Preflight', '', '| Check | Result | Detail |', '|---|---|---|', ...report.map((r) => `| ${cell(r.title)} | ${cell(r.result).toUpperCase()} | ${cell(r.detail)} |`)];
}

function stepsSection(j: Readonly<Journal>, steps: readonly StepDefinition[]): string[] {
  const L = ['', '## Steps', '', '| # | Step | Kind | Status | Duration | Verified / confirmed |', '|---|---|---|---|---|---|'];
  steps.forEach((s, n) => {
    const st = j.steps[s.id];
    L.push(`| ${n + 1} | ${cell(s.title)} | ${s.kind} | ${st?.status ?? 'pending'} | ${formatDurationMs(st?.durationMs)} | ${cell(confirmation(st))} |`);
  });
  return L;
}

function downtimeSection(j: Readonly<Journal>): string[] {
  const L: string[] = ['', '## Downtime', ''];
  L.push(`- Predicted from the rehearsal: ${formatDurationMs(j.cutover.predictedDowntimeMs) || 'not yet'}`);
  L.push(`- Measured (source stopped → target started): ${formatDurationMs(j.cutover.measuredDowntimeMs) || 'not yet'}`);
  if (j.cutover.predictedDowntimeMs && j.cutover.measuredDowntimeMs) {
    const err = Math.abs(j.cutover.predictedDowntimeMs - j.cutover.measuredDowntimeMs) / j.cutover.measuredDowntimeMs;
    L.push(`- Prediction error: ${(err * 100).toFixed(1)} %`);
  }
  L.push(...downtimeWindows(j));
  const rollbacks = j.cutover.rollbacks ?? (j.cutover.rollback ? [j.cutover.rollback] : []);
  if (rollbacks.length) {
    L.push('', '### Rollbacks', '', '| # | When | Why | Result | Undone steps |', '|---|---|---|---|---|');
    rollbacks.forEach((r, n) =>
      L.push(`| ${n + 1} | ${r.at} | ${cell(r.reason)} | ${r.result === 'source-restarted' ? 'source restarted' : 'FAILED: the source may be stopped'}${r.detail ? ` (${cell(r.detail)})` : ''} | ${cell((r.undone ?? []).join(', ') || '—')} |`),
    );
  }
  if (j.rehearsals.length) {
    L.push('', '### Rehearsals', '', '| # | Started | Step durations |', '|---|---|---|');
    j.rehearsals.forEach((r, n) => L.push(`| ${n + 1} | ${r.startedAt} | ${cell(Object.entries(r.durationsMs).map(([k, v]) => `${k} ${formatDurationMs(v)}`).join(', '))} |`));
  }
  return L;
}

const ENDED_BY: Readonly<Record<NonNullable<DowntimeWindow['endedBy']>, string>> = {
  'target-started': 'the target started',
  'target-confirmed': 'a person confirmed the target runs (ended at the latest then)',
  'source-restarted': 'rollback: the source restarted',
};

function downtimeWindows(j: Readonly<Journal>): string[] {
  const windows = j.cutover.downtimes ?? [];
  if (!windows.length) return [];
  const L = ['', '### Downtime windows of the source', '', '| # | Source stopped | Ended | Ended by | Duration |', '|---|---|---|---|---|'];
  windows.forEach((w, n) => {
    const ms = w.endedAt ? Date.parse(w.endedAt) - Date.parse(w.startedAt) : undefined;
    const by = w.endedBy ? ENDED_BY[w.endedBy] : 'still down';
    L.push(`| ${n + 1} | ${w.startedAt} | ${w.endedAt ?? '—'} | ${by} | ${formatDurationMs(ms) || '—'} |`);
  });
  const closed = windows.filter((w) => w.endedAt !== undefined);
  const totalMs = closed.reduce((sum, w) => sum + (Date.parse(w.endedAt ?? w.startedAt) - Date.parse(w.startedAt)), 0);
  const open = windows.length - closed.length;
  L.push('', `- Total downtime of the source: ${formatDurationMs(totalMs) || '0 s'} over ${windows.length} window${windows.length === 1 ? '' : 's'}${open ? ` (${open} still open: the source is down now)` : ''}`);
  return L;
}

function configSection(j: Readonly<Journal>): string[] {
  const diff = jsonObjects(j.steps['config.apply']?.outputs.diffBefore);
  if (!diff.length) return [];
  return [
    '',
    '## Configuration differences found (constant values masked)',
    '',
    '| Area | Name | Source | Target before | Applied by API |',
    '|---|---|---|---|---|',
    ...diff.map((d) => `| ${cell(d.area)} | ${cell(d.name)} | ${cell(d.source)} | ${cell(d.target)} | ${d.writable === true ? 'yes' : 'no (portal)'} |`),
  ];
}

function filesSection(j: Readonly<Journal>): string[] {
  const f = files(j);
  if (!f.length) return [];
  return ['', '## Files and checksums', '', '| Step | File | Size (bytes) | SHA-256 |', '|---|---|---|---|', ...f.map((x) => `| ${cell(x.step)} | ${cell(x.path)} | ${cell(x.size)} | \`${cell(x.sha256)}\` |`)];
}

function cleanupSection(j: Readonly<Journal>): string[] {
  const cleanup = j.steps['finish.cleanup']?.outputs ?? {};
  const decided = jsonObjects(cleanup.decisions);
  const notes = Array.isArray(cleanup.notes) ? cleanup.notes.map(cell) : [];
  if (!decided.length && !notes.length) return [];
  const L = ['', '## Clean-up', ''];
  if (decided.length) {
    L.push('| What | Id | Decision | By | When |', '|---|---|---|---|---|');
    for (const d of decided) L.push(`| ${cell(d.kind)} | ${cell(d.id)} | ${cell(d.decision)} | ${cell(d.by)} | ${cell(d.at)} |`);
  }
  for (const n of notes) L.push(`- ${n}`);
  return L;
}
