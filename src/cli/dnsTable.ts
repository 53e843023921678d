/** Human-readable rendering of a propagation report for the terminal. */
import type { CaaReport } from '../core/dns/caa';
import type { PropagationReport, ResolverResult } from '../core/dns/propagation';
import type { HttpSmokeReport } from '../core/tls/httpSmoke';
import type { TlsReport } from '../core/tls/tlsCheck';
import { formatDuration } from '../core/shared/format';

const MARK: Record<string, string> = { matches: '✓', old: '…', nxdomain: '✗', servfail: '✗', timeout: '?', unreachable: '?', unknown: '?' };

function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) =>
    r
      .map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i])))
      .join('  ')
      .trimEnd();
  return [line(head), line(widths.map((w) => '-'.repeat(w))), ...rows.map(line)].join('\n');
}

function row(r: ResolverResult): string[] {
  return [
    r.name,
    r.location,
    `${MARK[r.status]} ${r.status}`,
    r.remainingTtl === undefined ? '' : `${r.remainingTtl}`,
    `${Math.round(r.latencyMs)} ms`,
    r.chainText || r.value || r.error || r.rcode || '',
  ];
}

export function formatPropagation(report: PropagationReport): string {
  const out: string[] = [];
  out.push(`${report.domain}${report.expected ? `  expected: ${report.expected}` : ''}   (checked ${report.checkedAt})`);
  const a = report.authoritative;
  const servers = a.servers.map((s) => s.server).join(', ');
  const authLine =
    a.status === 'unknown'
      ? `Authoritative: unknown (${a.error ?? 'no answer'})`
      : `Authoritative${a.zone ? ` for ${a.zone}` : ''} [${servers}]: ${a.chainText || a.rcode || ''}${a.ttl === undefined ? '' : `  TTL ${a.ttl} s`}  ${MARK[a.status]} ${a.status}`;
  out.push(authLine);
  const t = report.target;
  if (t !== undefined) {
    out.push(
      `Chain end [${t.sources.join(', ') || 'zones'}]: ${t.chainEnd.join(', ') || 'no address'}  ${t.endOk ? MARK.matches : MARK.old} ` +
        `${t.endOk ? 'at' : 'not at'} the target ${t.host} (${t.addresses.join(', ') || 'unresolved'})` +
        `${t.sharedName ? `, both chains meet at ${t.sharedName}` : ''}${t.error ? `  (${t.error})` : ''}`,
    );
  }
  out.push('');
  out.push(table(['RESOLVER', 'LOCATION', 'STATUS', 'TTL', 'LATENCY', 'ANSWER'], report.results.map(row)));
  out.push('', 'Answers:');
  for (const g of report.groups) out.push(`  ${String(g.resolvers.length).padStart(3)}  ${g.status.padEnd(11)} ${g.value || '—'}`);
  const answered = report.results.length - report.counts.timeout - report.counts.unreachable;
  const when = report.eta === undefined ? 'unknown' : report.etaSeconds === 0 ? 'now' : `${report.eta} (in ${formatDuration(report.etaSeconds ?? 0)})`;
  out.push('', `Propagation: ${report.percentage} % (${report.counts.matches}/${answered} answering resolvers)${report.complete ? ' — complete' : ''}`);
  out.push(`ETA: ${when} — ${report.etaNote}`);
  for (const w of report.warnings) out.push(`Warning: ${w}`);
  return out.join('\n');
}

export function formatCaa(report: CaaReport): string {
  const lines = [`CAA: ${report.message}`];
  for (const r of report.records) lines.push(`  ${r.owner} CAA ${r.flags} ${r.tag} "${r.value}"`);
  if (report.error) lines.push(`  (${report.error})`);
  return lines.join('\n');
}

export function formatTls(r: TlsReport): string {
  const lines = [`TLS ${r.host}:${r.port} (SNI ${r.servername}): ${r.ok ? '✓ ok' : '✗ problems'}`];
  if (r.protocol) lines.push(`  protocol ${r.protocol}${r.protocolOk ? '' : ' (below TLS 1.2)'}`);
  if (r.chain.length > 0) lines.push(`  chain ${r.chain.map((c) => c.subject).join(' ← ')}`);
  if (r.daysToExpiry !== undefined) lines.push(`  expires in ${r.daysToExpiry} day(s) (${r.chain[0]?.validTo ?? '?'})`);
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  return lines.join('\n');
}

export function formatHttp(r: HttpSmokeReport): string {
  const lines = [`HTTP ${r.startUrl}: ${r.ok ? '✓ ok' : '✗ problems'} in ${Math.round(r.latencyMs)} ms`];
  for (const h of r.hops) lines.push(`  ${h.url} → ${h.status ?? h.error ?? '?'}${h.location ? ` (${h.location})` : ''} ${Math.round(h.latencyMs)} ms`);
  if (r.hsts) lines.push(`  HSTS ${r.hsts}`);
  for (const p of r.problems) lines.push(`  ✗ ${p}`);
  return lines.join('\n');
}
