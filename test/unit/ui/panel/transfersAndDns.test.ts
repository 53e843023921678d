import { strict as assert } from 'node:assert';
import type { PropagationReport, ResolverResult } from '../../../../src/core/dns/propagation';
import type { WatchOptions } from '../../../../src/core/dns/watch';
import { dnsModelFrom, expectedCname } from '../../../../src/core/ui/panel/dnsModel';
import { DnsWatch } from '../../../../src/core/ui/panel/dnsWatch';
import type { DnsModel } from '../../../../src/core/ui/panel/protocol';
import { TransferBoard } from '../../../../src/core/ui/panel/transfers';
import { createLogger } from '../../../../src/core/shared/logger';

describe('transfer board', () => {
  it('computes rate and ETA over the recent window and restarts on a new file', () => {
    let now = 0;
    const b = new TransferBoard(() => now);
    b.update('package.download', 'Download a.mda', 0, 10_000_000);
    now = 1000;
    const r = b.update('package.download', 'Download a.mda', 1_000_000, 10_000_000);
    assert.equal(r.rate, 1_000_000);
    assert.equal(r.etaSeconds, 9);
    assert.equal(r.done, false);
    now = 2000;
    const fresh = b.update('package.download', 'Upload a.mda', 500, 10_000_000);
    assert.equal(fresh.rate, 0, 'a new transfer starts its own rate');
    assert.equal(b.finish('package.download')?.done, true);
    assert.equal(b.finish('package.download'), undefined, 'finishing twice reports nothing new');
  });
});

function result(name: string, status: ResolverResult['status'], value: string, remainingTtl?: number): ResolverResult {
  return { name, operator: name, location: 'Loopback', status, endpoint: '127.0.0.2:53', chain: [], value, chainText: value, remainingTtl, expiresAt: remainingTtl ? new Date(Date.parse('2026-11-22T02:00:00Z') + remainingTtl * 1000).toISOString() : undefined, latencyMs: 1 };
}

function report(results: ResolverResult[], authTtl = 300): PropagationReport {
  const matches = results.filter((r) => r.status === 'matches').length;
  return {
    domain: 'orders.example.com.',
    expected: 'orders.example.com.cname.mendix.net.',
    checkedAt: '2026-11-22T02:00:00.000Z',
    authoritative: { source: 'given', isApex: false, chain: [], ttl: authTtl, servers: [{ server: '127.0.0.1:5353', chain: [], authority: [], latencyMs: 1 }], status: 'matches', value: 'CNAME orders.example.com.cname.mendix.net.', chainText: '' },
    results,
    groups: [],
    counts: { matches, old: results.length - matches, nxdomain: 0, servfail: 0, timeout: 0, unreachable: 0 },
    percentage: Math.round((matches / results.length) * 100),
    complete: matches === results.length,
    eta: '2026-11-22T02:01:00.000Z',
    etaSeconds: 60,
    etaNote: 'when the last old answer expires',
    warnings: [],
    wallMs: 3,
  };
}

describe('DNS section model', () => {
  it('has one row per resolver with ✓ only for the expected CNAME', () => {
    const m = dnsModelFrom(report([result('r1', 'matches', 'CNAME new.'), result('r2', 'old', 'CNAME old.', 42)]), undefined, true, false);
    assert.equal(m.expected, 'orders.example.com.cname.mendix.net');
    assert.deepEqual(
      m.rows.map((r) => [r.name, r.ok, r.remainingTtl]),
      [
        ['r1', true, undefined],
        ['r2', false, 42],
      ],
    );
    assert.equal(m.percentage, 50);
    assert.equal(m.authoritative?.ok, true);
    assert.equal(m.authoritative?.ttl, 300);
    assert.equal(m.watching, true);
    assert.equal(expectedCname('Orders.Example.com.'), 'orders.example.com.cname.mendix.net');
  });
});

describe('DNS watch for the panel', () => {
  it('stops querying while paused and starts a fresh check on resume', async () => {
    const calls: WatchOptions[] = [];
    let release: (() => void) | undefined;
    async function* fakeWatch(opts: WatchOptions): AsyncGenerator<PropagationReport, void, void> {
      calls.push(opts);
      yield report([result('r1', 'old', 'CNAME old.', 10)]);
      await new Promise<void>((r) => {
        release = r;
        opts.signal?.addEventListener('abort', () => r(), { once: true });
      });
      if (opts.signal?.aborted) return;
      yield report([result('r1', 'matches', 'CNAME new.')]);
    }
    const models: DnsModel[] = [];
    const w = new DnsWatch('orders.example.com', () => ({ resolvers: [], authoritative: ['127.0.0.1:5353'], timeoutMs: 100 }), (m) => models.push(m), createLogger(() => undefined), fakeWatch);
    w.start();
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.length, 1);
    assert.equal(calls[0].expected, 'orders.example.com.cname.mendix.net');
    assert.equal(models[models.length - 1].rows[0].ok, false);
    w.pause();
    await w.settled();
    assert.equal(calls[0].signal?.aborted, true, 'hidden panel: the watch is aborted');
    assert.equal(models[models.length - 1].paused, true);
    w.resume();
    await new Promise((r) => setImmediate(r));
    assert.equal(calls.length, 2, 'visible again: a fresh check');
    release?.();
    await w.settled();
    const last = models[models.length - 1];
    assert.equal(last.rows[0].ok, true);
    assert.equal(last.complete, true);
    assert.equal(last.watching, false);
    assert.ok(last.readiness, 'TTL readiness is evaluated');
  });
});
