import { strict as assert } from 'node:assert';
import { queryDoh } from '../../../src/core/dns/doh';
import { checkPropagation } from '../../../src/core/dns/propagation';
import { answersOf } from '../../../src/core/dns/records';
import { DnsQueryError } from '../../../src/core/dns/wire';
import { sharedTestPki, TEST_DOMAIN, type TestPki } from '../tls/certFactory';
import { rr, startFakeDnsServer, startFakeDohServer, type FakeDohServer } from './fakeDnsServer';

const DOMAIN = TEST_DOMAIN;
const EXPECTED = 'app.example.test.cname.mendix.net.';

describe('DNS-over-HTTPS (RFC 8484)', function () {
  this.timeout(10_000);
  let pki: TestPki;
  let doh: FakeDohServer | undefined;
  const tlsMaterial = () => ({ key: pki.valid.key, cert: pki.valid.cert + pki.intermediateCert });

  before(() => {
    pki = sharedTestPki();
  });
  afterEach(async () => {
    await doh?.close();
    doh = undefined;
  });

  it('POSTs the wire message with application/dns-message and id 0', async () => {
    doh = await startFakeDohServer(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 42)] }), tlsMaterial());
    const r = await queryDoh(doh.url, { name: DOMAIN, type: 'A', recursionDesired: true }, { timeoutMs: 2000, ca: pki.rootCert });
    assert.equal(r.transport, 'doh');
    assert.deepEqual(answersOf(r.packet).map((a) => [a.type, a.data, a.ttl]), [['CNAME', EXPECTED, 42]]);
    assert.deepEqual(doh.methods, ['POST']);
    assert.equal(doh.seen[0].id, 0);
    assert.equal(doh.seen[0].hasOpt, true);
  });

  it('sends GET with the base64url dns parameter', async () => {
    doh = await startFakeDohServer(() => ({ rcode: 'NXDOMAIN', authorities: [rr.soa('example.test', 60, 60)] }), tlsMaterial());
    const r = await queryDoh(doh.url, { name: DOMAIN, type: 'A', recursionDesired: true }, { timeoutMs: 2000, ca: pki.rootCert, method: 'GET' });
    assert.equal(r.rcode, 'NXDOMAIN');
    assert.deepEqual(doh.methods, ['GET']);
  });

  it('times out when the DoH server does not answer', async () => {
    doh = await startFakeDohServer(() => ({ drop: true }), tlsMaterial());
    await assert.rejects(
      queryDoh(doh.url, { name: DOMAIN, type: 'A', recursionDesired: true }, { timeoutMs: 150, ca: pki.rootCert }),
      (e: unknown) => e instanceof DnsQueryError && e.kind === 'timeout',
    );
  });

  it('reports an HTTP error status and a non-https URL as unreachable', async () => {
    doh = await startFakeDohServer(() => ({}), tlsMaterial());
    const q = { name: DOMAIN, type: 'A' as const, recursionDesired: true };
    await assert.rejects(queryDoh(doh.url.replace('/dns-query', '/nope'), q, { timeoutMs: 2000, ca: pki.rootCert }), (e: unknown) => e instanceof DnsQueryError && e.kind === 'unreachable' && /HTTP 404/.test(e.message));
    await assert.rejects(queryDoh(doh.url.replace('https:', 'http:'), q, { timeoutMs: 2000 }), (e: unknown) => e instanceof DnsQueryError && /must use https/.test(e.message));
  });

  it('refuses a DoH server whose certificate is not trusted', async () => {
    doh = await startFakeDohServer(() => ({}), tlsMaterial());
    await assert.rejects(
      queryDoh(doh.url, { name: DOMAIN, type: 'A', recursionDesired: true }, { timeoutMs: 2000 }),
      (e: unknown) => e instanceof DnsQueryError && e.kind === 'unreachable',
    );
  });

  it('is used by checkPropagation for a resolver that only has a DoH URL, or when DoH is preferred', async () => {
    doh = await startFakeDohServer(() => ({ answers: [rr.cname(DOMAIN, EXPECTED, 30)] }), tlsMaterial());
    const auth = await startFakeDnsServer(() => ({ authoritative: true, answers: [rr.cname(DOMAIN, EXPECTED, 300)] }));
    const plain = await startFakeDnsServer(() => ({ answers: [rr.cname(DOMAIN, 'old.example.net', 30)] }));
    try {
      const resolvers = [
        { name: 'doh-only', operator: 't', location: 'loopback', addresses: [], doh: doh.url },
        { name: 'both', operator: 't', location: 'loopback', addresses: [plain.address], doh: doh.url },
      ];
      const viaUdp = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers, authoritative: [auth.address], timeoutMs: 2000, dohCa: pki.rootCert });
      assert.deepEqual(viaUdp.results.map((r) => [r.transport, r.status]), [['doh', 'matches'], ['udp', 'old']]);
      const viaDoh = await checkPropagation({ domain: DOMAIN, expected: EXPECTED, resolvers, authoritative: [auth.address], timeoutMs: 2000, dohCa: pki.rootCert, preferDoh: true });
      assert.deepEqual(viaDoh.results.map((r) => [r.transport, r.status]), [['doh', 'matches'], ['doh', 'matches']]);
      assert.equal(viaDoh.complete, true);
    } finally {
      await auth.close();
      await plain.close();
    }
  });
});
