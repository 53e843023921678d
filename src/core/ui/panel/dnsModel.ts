/** A propagation report (and TTL readiness) → the panel's DNS section: one row per resolver. */
import type { PropagationReport } from '../../dns/propagation';
import type { ReadinessReport } from '../../dns/ttlReadiness';
import type { DnsModel } from './protocol';

/** `<domain>.cname.mendix.net`: the CNAME target Mendix Cloud v4 expects. */
export function expectedCname(domain: string): string {
  return `${domain.replace(/\.$/, '').toLowerCase()}.cname.mendix.net`;
}

export function emptyDnsModel(domain: string, watching = false, paused = false): DnsModel {
  return { domain, expected: expectedCname(domain), watching, paused, rows: [], percentage: 0, complete: false, etaNote: 'Not checked yet.' };
}

export function dnsModelFrom(report: PropagationReport, readiness: ReadinessReport | undefined, watching: boolean, paused: boolean): DnsModel {
  const a = report.authoritative;
  const domain = report.domain.replace(/\.$/, '');
  const model: DnsModel = {
    domain,
    expected: (report.expected ?? expectedCname(domain)).replace(/\.$/, ''),
    checkedAt: report.checkedAt,
    watching: watching && !report.complete,
    paused,
    authoritative: {
      // With a target host the switch can happen inside cname.mendix.net: show where the chain ends.
      value: report.target
        ? `${a.chainText || a.error || '—'} (target ${report.target.host.replace(/\.$/, '')}: ${report.target.addresses.join(', ') || 'unresolved'})`
        : a.value || a.error || '—',
      ok: a.status === 'matches',
      servers: a.servers.map((s) => s.server).join(', '),
    },
    rows: report.results.map((r) => {
      const shown = report.target ? r.chainText || r.value : r.value;
      const row: DnsModel['rows'][number] = { name: r.name, location: r.location, value: shown || r.error || r.status, status: r.status, ok: r.status === 'matches' };
      if (r.expiresAt) row.expiresAt = r.expiresAt;
      if (r.remainingTtl !== undefined) row.remainingTtl = r.remainingTtl;
      return row;
    }),
    percentage: report.percentage,
    complete: report.complete,
    etaNote: report.etaNote,
  };
  if (a.ttl !== undefined && model.authoritative) model.authoritative.ttl = a.ttl;
  if (report.eta) model.eta = report.eta;
  if (readiness) model.readiness = { status: readiness.status, messages: [...readiness.messages], warnings: [...readiness.warnings] };
  return model;
}
