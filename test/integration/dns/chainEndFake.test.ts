/**
 * Chain-end judgement (mendix-api §14.13) over scripted DNS servers: each zone of the chain asked at
 * its own servers, the old answer's remaining TTL taken from the record that differs, and the target's
 * addresses compared per resolver.
 */
import { strict as assert } from 'node:assert';
import { checkPropagation } from '../../../src/core/dns/propagation';
import { chainEnd, chainPath, endsAt } from '../../../src/core/dns/records';
import type { ResolverDescriptor } from '../../../src/core/dns/resolvers';
import { rr, startFakeDnsServer, type FakeDnsServer, type FakeHandler } from './fakeDnsServer';

const DOMAIN = 'app.example.test';
const MENDIX = 'app.example.test.cname.mendix.net';
const TARGET = 'myapp.us-east.mendixcloud.com';
const SOURCE_IPS = ['192.0.2.10', '192.0.2.11'];
const TARGET_IPS = ['198.51.100.20', '198.51.100.21'];

describe('chain-end propagation', () => {
  const servers: FakeDnsServer[] = [];
  const start = async (h: FakeHandler) => {
    const s = await startFakeDnsServer(h);
    servers.push(s);
    return s;
  };
  const resolver = (name: string, s: FakeDnsServer): ResolverDescriptor => ({ name, operator: 'test', location: 'loopback', addresses: [s.address] });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => s.close()));
  });

  /** The customer's zone (given) and Mendix's zones (discovered through the resolver). */
  async function zones(mendixAnswer: (name: string) => ReturnType<FakeHandler>): Promise<{ customer: FakeDnsServer; mendix: FakeDnsServer }> {
    const customer = await start((q) => {
      if (q.name === DOMAIN && q.type === 'A') return { authoritative: true, answers: [rr.cname(DOMAIN, MENDIX, 3000)] };
      // Its zone is found by asking for the SOA of each parent.
      if (q.name === 'example.test' && q.type === 'SOA') return { authoritative: true, answers: [rr.soa('example.test')] };
      return { rcode: 'REFUSED' };
    });
    const mendix = await start((q) => mendixAnswer(q.name));
    return { customer, mendix };
  }

  /** A resolver that knows where the zones are and holds the given chain for the domain. */
  function resolverHandler(domainChain: ReturnType<typeof rr.a>[], targetIps: string[] = TARGET_IPS): FakeHandler {
    return (q) => {
      if (q.type === 'NS' && (q.name === 'cname.mendix.net' || q.name === 'mendixcloud.com')) {
        return { answers: [rr.ns(q.name, `ns1.${q.name}`)], additionals: [rr.a(`ns1.${q.name}`, '127.0.0.1')] };
      }
      if (q.type === 'NS') return { answers: [] };
      if (q.name === DOMAIN) return { answers: domainChain };
      if (q.name === TARGET) return { answers: targetIps.map((ip) => rr.a(TARGET, ip, 60)) };
      return { rcode: 'NXDOMAIN' };
    };
  }

  it('asks each zone of the chain at its own servers; an old answer waits for Mendix\'s record, not the customer\'s CNAME', async () => {
    const { customer, mendix } = await zones((name) =>
      name === MENDIX
        ? { authoritative: true, answers: TARGET_IPS.map((ip) => rr.a(MENDIX, ip, 60)) }
        : name === TARGET
          ? { authoritative: true, answers: TARGET_IPS.map((ip) => rr.a(TARGET, ip, 300)) }
          : { rcode: 'REFUSED' },
    );
    // The resolver still holds the source's addresses for Mendix's record, 42 s left; the CNAME has 2900 s left.
    const res = await start(resolverHandler([rr.cname(DOMAIN, MENDIX, 2900), ...SOURCE_IPS.map((ip) => rr.a(MENDIX, ip, 42))]));
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX, targetHost: TARGET, resolvers: [resolver('r', res)], authoritative: [customer.address], authoritativePort: mendix.port, timeoutMs: 500 });
    assert.ok(r.target);
    assert.deepEqual(r.target.sources, [`example.test. @ ${customer.address}`, `cname.mendix.net. @ ${mendix.address}`]);
    assert.deepEqual(r.target.addresses, TARGET_IPS);
    assert.equal(r.target.endOk, true);
    assert.equal(r.authoritative.status, 'matches');
    assert.equal(r.authoritative.zone, 'example.test.');
    assert.equal(r.results[0].status, 'old');
    assert.equal(r.results[0].remainingTtl, 42);
    assert.equal(r.etaSeconds, 42);
  });

  it('when Mendix\'s record is a CNAME to a regional host, the old answer waits for that CNAME', async () => {
    const src = 'lb.eu-central.mendixcloud.com';
    const tgt = 'lb.us-east.mendixcloud.com';
    const { customer, mendix } = await zones((name) =>
      name === MENDIX
        ? { authoritative: true, answers: [rr.cname(MENDIX, tgt, 30), ...TARGET_IPS.map((ip) => rr.a(tgt, ip, 300))] }
        : name === TARGET
          ? { authoritative: true, answers: TARGET_IPS.map((ip) => rr.a(TARGET, ip, 300)) }
          : { rcode: 'REFUSED' },
    );
    const res = await start(resolverHandler([rr.cname(DOMAIN, MENDIX, 2900), rr.cname(MENDIX, src, 17), ...SOURCE_IPS.map((ip) => rr.a(src, ip, 250))]));
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX, targetHost: TARGET, resolvers: [resolver('r', res)], authoritative: [customer.address], authoritativePort: mendix.port, timeoutMs: 500 });
    assert.equal(r.results[0].status, 'old');
    assert.deepEqual(r.results[0].end, SOURCE_IPS);
    assert.equal(r.results[0].remainingTtl, 17);
    assert.match(r.results[0].chainText, /CNAME lb\.eu-central\.mendixcloud\.com\. → A 192\.0\.2\.10, 192\.0\.2\.11$/);
  });

  it('compares with the target\'s addresses as the same resolver sees them', async () => {
    const nearby = ['203.0.113.5'];
    const { customer, mendix } = await zones((name) =>
      name === MENDIX || name === TARGET ? { authoritative: true, answers: TARGET_IPS.map((ip) => rr.a(name, ip, 60)) } : { rcode: 'REFUSED' },
    );
    // This resolver gets other (e.g. nearer) addresses for both names: it has moved all the same.
    const res = await start(resolverHandler([rr.cname(DOMAIN, MENDIX, 2900), ...nearby.map((ip) => rr.a(MENDIX, ip, 60))], nearby));
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX, targetHost: TARGET, resolvers: [resolver('r', res)], authoritative: [customer.address], authoritativePort: mendix.port, timeoutMs: 500 });
    assert.equal(r.results[0].status, 'matches');
    assert.deepEqual(r.results[0].targetAddresses, nearby);
    assert.equal(r.complete, true);
  });

  it('counts chains that meet at a shared name (a load balancer with rotating addresses) as ending at the target', async () => {
    const lb = 'lb-7.us-east.elb.test';
    let turn = 0;
    // Each lookup of the balancer returns another pair of its addresses.
    const pool = ['198.51.100.1', '198.51.100.2', '198.51.100.3', '198.51.100.4'];
    const pair = () => {
      turn++;
      return [pool[turn % 4], pool[(turn + 1) % 4]];
    };
    const { customer, mendix } = await zones((name) => {
      if (name === MENDIX) return { authoritative: true, answers: [rr.cname(MENDIX, lb, 60), ...pair().map((ip) => rr.a(lb, ip, 60))] };
      if (name === TARGET) return { authoritative: true, answers: [rr.cname(TARGET, lb, 300), ...pair().map((ip) => rr.a(lb, ip, 60))] };
      return { rcode: 'REFUSED' };
    });
    const res = await start((q) => {
      if (q.type === 'NS' && (q.name === 'cname.mendix.net' || q.name === 'mendixcloud.com')) {
        return { answers: [rr.ns(q.name, `ns1.${q.name}`)], additionals: [rr.a(`ns1.${q.name}`, '127.0.0.1')] };
      }
      if (q.type === 'NS') return { answers: [] };
      if (q.name === DOMAIN) return { answers: [rr.cname(DOMAIN, MENDIX, 2900), rr.cname(MENDIX, lb, 50), ...pair().map((ip) => rr.a(lb, ip, 50))] };
      if (q.name === TARGET) return { answers: [rr.cname(TARGET, lb, 250), ...pair().map((ip) => rr.a(lb, ip, 50))] };
      return { rcode: 'NXDOMAIN' };
    });
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX, targetHost: TARGET, resolvers: [resolver('r', res)], authoritative: [customer.address], authoritativePort: mendix.port, timeoutMs: 500 });
    assert.equal(r.target?.sharedName, `${lb}.`);
    assert.equal(r.target?.endOk, true);
    assert.equal(r.results[0].status, 'matches');
    assert.equal(r.complete, true);
  });

  it('says so, and calls nothing up to date, when the target host does not resolve', async () => {
    const { customer, mendix } = await zones((name) => (name === MENDIX ? { authoritative: true, answers: [rr.a(MENDIX, TARGET_IPS[0], 60)] } : { rcode: 'NXDOMAIN', authoritative: true }));
    const res = await start(resolverHandler([rr.cname(DOMAIN, MENDIX, 2900), rr.a(MENDIX, TARGET_IPS[0], 60)], []));
    const r = await checkPropagation({ domain: DOMAIN, expected: MENDIX, targetHost: TARGET, resolvers: [resolver('r', res)], authoritative: [customer.address], authoritativePort: mendix.port, timeoutMs: 500 });
    assert.deepEqual(r.target?.addresses, []);
    assert.equal(r.results[0].status, 'old');
    assert.equal(r.complete, false);
    assert.ok(r.warnings.some((w) => w.includes(`${TARGET}. did not resolve`)), r.warnings.join('; '));
    assert.match(r.etaNote, /did not resolve/);
  });

  it('walks chains hop by hop and compares address sets', () => {
    const chain = [
      { name: 'a.', type: 'CNAME', ttl: 5, data: 'b.' },
      { name: 'b.', type: 'A', ttl: 5, data: '192.0.2.2' },
      { name: 'b.', type: 'A', ttl: 5, data: '192.0.2.1' },
      { name: 'x.', type: 'A', ttl: 5, data: '192.0.2.9' },
    ];
    assert.equal(chainPath('a', chain).length, 2);
    assert.deepEqual(chainEnd('a', chain), ['192.0.2.1', '192.0.2.2']);
    assert.deepEqual(chainEnd('a', [{ name: 'a.', type: 'CNAME', ttl: 5, data: 'a.' }]), [], 'a CNAME loop ends nowhere');
    assert.equal(endsAt(['192.0.2.1'], ['192.0.2.1', '192.0.2.2']), true);
    assert.equal(endsAt(['192.0.2.1', '192.0.2.3'], ['192.0.2.1', '192.0.2.2']), false);
    assert.equal(endsAt([], ['192.0.2.1']), false);
  });
});
