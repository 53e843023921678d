/**
 * What the DNS-lab tests share: resolver descriptors for the lab's unbound instances, and following a
 * watch until every resolver has flipped, checking each flip against the expiry the first report
 * predicted and the last flip against its ETA.
 */
import { strict as assert } from 'node:assert';
import type { PropagationReport } from '../../../src/core/dns/propagation';
import type { ResolverDescriptor } from '../../../src/core/dns/resolvers';
import type { DnsLab } from './dnsLab';

/** Resolvers flip in the second after their TTL reaches 0, and the tests poll every ≤ 0.5 s. */
export const TOLERANCE_MS = 2000;

export function labResolvers(lab: DnsLab): ResolverDescriptor[] {
  return lab.resolverHosts.map((h, i) => ({ name: `unbound-${i}`, operator: 'test', location: h, addresses: [lab.resolverAddress(i)] }));
}

export interface Flips {
  reports: PropagationReport[];
  /** Check time of each resolver's first `matches`. */
  flippedAt: Map<string, number>;
  /** Check time of each resolver's last `old`. */
  seenOldAt: Map<string, number>;
  /** Last actual flip minus the first report's ETA. */
  etaErrorMs: number;
}

/**
 * Follows the watch until it completes (or 15 s past the ETA), then asserts that no resolver flipped
 * before its predicted expiry, each flipped right after it and in the order primed, and that the ETA
 * matches the last flip. `onReport` sees every report (e.g. to check what a flipped resolver holds).
 */
export async function followFlips(
  first: PropagationReport,
  resolvers: readonly ResolverDescriptor[],
  watch: AsyncGenerator<PropagationReport, void, void>,
  onReport: (r: PropagationReport, newlyFlipped: string[]) => void = () => undefined,
): Promise<Flips> {
  assert.ok(first.eta !== undefined, 'the first report gives an ETA');
  const eta = Date.parse(first.eta);
  const expiresAt = first.results.map((r) => Date.parse(r.expiresAt ?? ''));
  const flippedAt = new Map<string, number>();
  const seenOldAt = new Map<string, number>();
  const reports: PropagationReport[] = [];
  for await (const report of watch) {
    reports.push(report);
    const at = Date.parse(report.checkedAt);
    const newly: string[] = [];
    for (const r of report.results) {
      if (r.status === 'matches' && !flippedAt.has(r.name)) {
        flippedAt.set(r.name, at);
        newly.push(r.name);
      }
      if (r.status === 'old') seenOldAt.set(r.name, at);
    }
    onReport(report, newly);
    if (at - eta > 15_000) break;
  }
  const last = reports[reports.length - 1];
  assert.equal(last.complete, true, 'all resolvers flipped');
  assert.equal(last.percentage, 100);

  for (let i = 0; i < resolvers.length; i++) {
    const name = resolvers[i].name;
    const flip = flippedAt.get(name) ?? NaN;
    const lastOld = seenOldAt.get(name) ?? 0;
    // No early flip: the old answer stays until the cached TTL is (almost) gone...
    assert.ok(lastOld >= expiresAt[i] - TOLERANCE_MS, `${name} still old ${expiresAt[i] - lastOld} ms before its expiry`);
    // ...and the flip comes right after it.
    assert.ok(Math.abs(flip - expiresAt[i]) <= TOLERANCE_MS, `${name} flipped ${flip - expiresAt[i]} ms from its expiry`);
  }
  const flips = resolvers.map((r) => flippedAt.get(r.name) ?? NaN);
  assert.ok(flips.every((f, i) => i === 0 || flips[i - 1] < f), 'each resolver flips at its own time, in the order primed');
  const etaErrorMs = Math.max(...flips) - eta;
  console.log(`      ETA vs last actual flip: ${etaErrorMs} ms (ETA ${first.etaSeconds} s after the change, ${reports.length} checks)`);
  assert.ok(Math.abs(etaErrorMs) <= TOLERANCE_MS, `ETA off by ${etaErrorMs} ms`);
  return { reports, flippedAt, seenOldAt, etaErrorMs };
}
