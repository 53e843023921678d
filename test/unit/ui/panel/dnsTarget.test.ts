import { strict as assert } from 'node:assert';
import type { PropagationReport } from '../../../../src/core/dns/propagation';
import type { WatchOptions } from '../../../../src/core/dns/watch';
import { dnsModelFrom } from '../../../../src/core/ui/panel/dnsModel';
import { DnsWatch, withTargetHost, type DnsWatchConfig } from '../../../../src/core/ui/panel/dnsWatch';
import { createLogger } from '../../../../src/core/shared/logger';

const BASE: DnsWatchConfig = { resolvers: [], authoritative: 'discover', recordType: 'CNAME', timeoutMs: 100 };
const MENDIX = 'orders.example.com.cname.mendix.net.';

function targetReport(): PropagationReport {
  return {
    domain: 'orders.example.com.',
    expected: MENDIX,
    checkedAt: '2026-11-22T02:00:00.000Z',
    authoritative: { source: 'given', isApex: false, chain: [], servers: [], status: 'matches', value: `CNAME ${MENDIX}`, chainText: `CNAME ${MENDIX} → A 198.51.100.20` },
    target: { host: 'orderportal-us.mendixcloud.com.', addresses: ['198.51.100.20'], chainEnd: ['198.51.100.20'], cnameOk: true, endOk: true, names: ['orderportal-us.mendixcloud.com.'], sources: [] },
    results: [
      { name: 'r1', operator: 'o', location: 'l', status: 'old', endpoint: 'e', chain: [], value: `CNAME ${MENDIX}`, chainText: `CNAME ${MENDIX} → A 192.0.2.10`, latencyMs: 1, remainingTtl: 30 },
    ],
    groups: [],
    counts: { matches: 0, old: 1, nxdomain: 0, servfail: 0, timeout: 0, unreachable: 0 },
    percentage: 0,
    complete: false,
    etaNote: 'old answers expire from caches within 30 s',
    warnings: [],
    wallMs: 1,
  };
}

describe('panel DNS watch with the target environment', () => {
  it('judges the chain end (A record) once the target URL is known, the CNAME alone before', () => {
    assert.equal(withTargetHost(BASE, undefined), BASE);
    assert.equal(withTargetHost(BASE, 'not a url'), BASE);
    assert.deepEqual(withTargetHost(BASE, 'https://orderportal-us.apps.us-2a.mendixcloud.com/login.html'), {
      ...BASE,
      targetHost: 'orderportal-us.apps.us-2a.mendixcloud.com',
      recordType: 'A',
    });
  });

  it('passes the target host to the watch, and rows show where each resolver\'s chain ends', async () => {
    const seen: WatchOptions[] = [];
    async function* watch(opts: WatchOptions): AsyncGenerator<PropagationReport, void, void> {
      seen.push(opts);
      await Promise.resolve();
      yield targetReport();
    }
    const models: ReturnType<typeof dnsModelFrom>[] = [];
    const w = new DnsWatch('orders.example.com', () => withTargetHost(BASE, 'https://orderportal-us.mendixcloud.com'), (m) => models.push(m), createLogger(() => undefined), watch);
    w.start();
    await w.settled();
    assert.equal(seen[0].targetHost, 'orderportal-us.mendixcloud.com');
    assert.equal(seen[0].recordType, 'A');
    const m = models[models.length - 1];
    assert.equal(m.rows[0].value, `CNAME ${MENDIX} → A 192.0.2.10`);
    assert.equal(m.authoritative?.value, `CNAME ${MENDIX} → A 198.51.100.20 (target orderportal-us.mendixcloud.com: 198.51.100.20)`);
  });
});
