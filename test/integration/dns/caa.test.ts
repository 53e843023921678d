import { strict as assert } from 'node:assert';
import { checkCaa } from '../../../src/core/dns/caa';
import { rr, startFakeDnsServer, type FakeDnsServer, type FakeHandler } from './fakeDnsServer';

describe('checkCaa', () => {
  let server: FakeDnsServer | undefined;
  afterEach(async () => {
    await server?.close();
    server = undefined;
  });
  const run = async (h: FakeHandler, issuers?: string[], wildcard = false) => {
    server = await startFakeDnsServer(h);
    return checkCaa('app.shop.example.test', { resolvers: [{ name: 'r', operator: 't', location: 'l', addresses: [server.address] }], timeoutMs: 500, issuers, wildcard });
  };

  it('reports no restriction when no CAA exists up the tree', async () => {
    const r = await run(() => ({ authorities: [rr.soa('example.test')] }), ['letsencrypt.org']);
    assert.equal(r.unrestricted, true);
    assert.equal(r.blocked, false);
    assert.deepEqual(server?.seen.map((q) => q.name), ['app.shop.example.test', 'shop.example.test', 'example.test', 'test']);
  });

  it('climbs to the closest CAA set and reports which CAs it allows', async () => {
    const r = await run(
      (q) => (q.name === 'example.test' ? { answers: [rr.caa('example.test', 'issue', 'letsencrypt.org'), rr.caa('example.test', 'issue', 'digicert.com; cansignhttpexchanges=yes'), rr.caa('example.test', 'iodef', 'mailto:sec@example.test')] } : {}),
      ['letsencrypt.org', 'sectigo.com'],
    );
    assert.equal(r.foundAt, 'example.test.');
    assert.deepEqual(r.allowedIssuers, ['letsencrypt.org', 'digicert.com']);
    assert.deepEqual(r.verdicts, [
      { issuer: 'letsencrypt.org', allowed: true },
      { issuer: 'sectigo.com', allowed: false },
    ]);
    assert.equal(r.blocked, false);
  });

  it('says it blocks when none of the issuers is allowed', async () => {
    const r = await run(() => ({ answers: [rr.caa('app.shop.example.test', 'issue', 'pki.goog')] }), ['letsencrypt.org']);
    assert.equal(r.blocked, true);
    assert.match(r.message, /add a CAA "issue" record/);
  });

  it('treats an empty issue value as "nobody may issue"', async () => {
    const r = await run(() => ({ answers: [rr.caa('app.shop.example.test', 'issue', ';')] }), ['letsencrypt.org']);
    assert.deepEqual(r.allowedIssuers, []);
    assert.equal(r.blocked, true);
  });

  it('applies issuewild to wildcard names; a critical but known tag does not block', async () => {
    const wild = await run(() => ({ answers: [rr.caa('app.shop.example.test', 'issue', 'letsencrypt.org'), rr.caa('app.shop.example.test', 'issuewild', 'digicert.com')] }), ['letsencrypt.org'], true);
    assert.equal(wild.blocked, true);
    await server?.close();
    const critical = await run(() => ({ answers: [{ type: 'CAA', name: 'app.shop.example.test', ttl: 60, data: { flags: 128, tag: 'iodef', value: 'x' } }, rr.caa('app.shop.example.test', 'issue', 'letsencrypt.org')] }), ['letsencrypt.org']);
    assert.equal(critical.blocked, false, 'iodef is a known tag even when critical');
  });

  it('reports an error rather than a verdict when no resolver answers', async () => {
    const r = await run(() => ({ rcode: 'SERVFAIL' }), ['letsencrypt.org']);
    assert.ok(r.error);
    assert.equal(r.blocked, false);
    assert.equal(r.unrestricted, false);
  });
});
