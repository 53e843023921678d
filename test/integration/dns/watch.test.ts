import { strict as assert } from 'node:assert';
import type { PropagationReport, ResolverResult, ResolverStatus } from '../../../src/core/dns/propagation';
import { nextDelay, watchPropagation, watchUntilDone } from '../../../src/core/dns/watch';
import { rr, startFakeDnsServer, type FakeDnsServer } from './fakeDnsServer';

const DOMAIN = 'app.example.test';
const EXPECTED = 'app.example.test.cname.mendix.net.';

function reportWith(results: Array<[ResolverStatus, number | undefined]>): PropagationReport {
  return {
    results: results.map(([status, ttl], i): ResolverResult => ({
      name: `r${i}`, operator: '', location: '', status, endpoint: '', chain: [], value: '', chainText: '', latencyMs: 1, ...(ttl === undefined ? {} : { remainingTtl: ttl }),
    })),
  } as PropagationReport;
}

describe('watchPropagation', () => {
  describe('nextDelay', () => {
    const opts = { minIntervalMs: 1000, maxIntervalMs: 30_000, backoffFactor: 2 };
    it('starts at the minimum and doubles while nothing changes, up to the maximum', () => {
      const r = reportWith([['old', 3600]]);
      assert.equal(nextDelay(r, undefined, false, opts), 1000);
      assert.equal(nextDelay(r, 1000, false, opts), 2000);
      assert.equal(nextDelay(r, 16_000, false, opts), 30_000);
      assert.equal(nextDelay(r, 30_000, false, opts), 30_000);
    });
    it('goes back to the minimum when an answer changed', () => {
      assert.equal(nextDelay(reportWith([['old', 3600]]), 16_000, true, opts), 1000);
    });
    it('wakes up just after the soonest old TTL runs out, never below the minimum', () => {
      const r = reportWith([['old', 5], ['nxdomain', 9], ['matches', 1], ['timeout', undefined]]);
      assert.equal(nextDelay(r, 16_000, false, opts), 5600);
      assert.equal(nextDelay(reportWith([['old', 0]]), 16_000, false, opts), 1000);
    });
  });

  describe('iteration', () => {
    let auth: FakeDnsServer;
    let res: FakeDnsServer;
    afterEach(async () => {
      await auth?.close();
      await res?.close();
    });

    it('yields a report per check, with backoff sleeps, and stops once complete', async () => {
      auth = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
      let asked = 0;
      // The resolver holds the old answer (TTL 2 s, then 1 s) and flips on the third query.
      res = await startFakeDnsServer(() => {
        asked++;
        return asked >= 3 ? { answers: [rr.cname(DOMAIN, EXPECTED, 300)] } : { answers: [rr.cname(DOMAIN, 'old.example.net', 3 - asked)] };
      });
      const sleeps: number[] = [];
      const scheduled: number[] = [];
      const seen: Array<[number, boolean]> = [];
      const last = await watchUntilDone(
        {
          domain: DOMAIN,
          expected: EXPECTED,
          resolvers: [{ name: 'r', operator: 't', location: 'l', addresses: [res.address] }],
          authoritative: [auth.address],
          timeoutMs: 500,
          minIntervalMs: 100,
          maxIntervalMs: 10_000,
          onSchedule: (ms, at) => {
            scheduled.push(ms);
            assert.ok(Math.abs(at.getTime() - Date.now() - ms) < 50);
          },
          sleep: (ms) => {
            sleeps.push(ms);
            return Promise.resolve();
          },
        },
        (r) => seen.push([r.percentage, r.complete]),
      );
      assert.deepEqual(seen, [[0, false], [0, false], [100, true]]);
      assert.equal(last?.complete, true);
      // First pause: the minimum backoff (100) is shorter than the 2 s TTL; second: backoff grew to 150.
      assert.deepEqual(sleeps, [100, 150]);
      assert.deepEqual(scheduled, sleeps);
    });

    it('ends the pause and the watch at once when aborted', async () => {
      auth = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
      res = await startFakeDnsServer(() => ({ answers: [rr.cname(DOMAIN, 'old.example.net', 3600)] }));
      const ac = new AbortController();
      const reports: PropagationReport[] = [];
      for await (const r of watchPropagation({
        domain: DOMAIN,
        expected: EXPECTED,
        resolvers: [{ name: 'r', operator: 't', location: 'l', addresses: [res.address] }],
        authoritative: [auth.address],
        timeoutMs: 500,
        minIntervalMs: 10_000,
        signal: ac.signal,
      })) {
        reports.push(r);
        setTimeout(() => ac.abort(), 20);
      }
      assert.equal(reports.length, 1);
      assert.equal(reports[0].complete, false);
    });
  });
});
