import { strict as assert } from 'node:assert';
import { dnsDomainCheck } from '../../../src/core/migration/domainCheck';
import { resolverFromAddress } from '../../../src/core/dns/resolvers';
import { rr, startFakeDnsServer, type FakeDnsServer } from '../dns/fakeDnsServer';

describe('custom-domain check over the DNS module', () => {
  const servers: FakeDnsServer[] = [];
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  async function zone(target: string, ttl: number): Promise<FakeDnsServer> {
    const s = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname('orders.example.com', target, ttl)] }));
    servers.push(s);
    return s;
  }

  it('accepts a CNAME to <domain>.cname.mendix.net and reports the zone TTL', async () => {
    const auth = await zone('orders.example.com.cname.mendix.net', 3600);
    const check = dnsDomainCheck({ resolvers: [resolverFromAddress(auth.address, 'r1')], authoritative: [auth.address], timeoutMs: 300 });
    const r = await check('orders.example.com');
    assert.equal(r.cnameOk, true, r.detail);
    assert.equal(r.ttlSeconds, 3600);
    assert.match(r.detail, /points at orders\.example\.com\.cname\.mendix\.net/);
  });

  it('refuses a CNAME that still points at the old node, and an invalid domain', async () => {
    const auth = await zone('orderportal.apps.eu-1c.mendixcloud.com', 300);
    const check = dnsDomainCheck({ resolvers: [resolverFromAddress(auth.address, 'r1')], authoritative: [auth.address], timeoutMs: 300 });
    const r = await check('orders.example.com');
    assert.equal(r.cnameOk, false);
    assert.match(r.detail, /should point at/);
    assert.equal((await check('not a domain')).cnameOk, false);
  });
});
