import { strict as assert } from 'node:assert';
import type { AddressInfo } from 'node:net';
import { createServer, type SecureContextOptions, type Server, type TlsOptions } from 'node:tls';
import { checkTls } from '../../../src/core/tls/tlsCheck';
import { sharedTestPki, TEST_DOMAIN, type TestPki } from './certFactory';

const DOMAIN = TEST_DOMAIN;

async function tlsServer(options: TlsOptions & SecureContextOptions): Promise<{ server: Server; port: number }> {
  const server = createServer(options, (socket) => socket.end('HTTP/1.1 200 OK\r\ncontent-length: 0\r\n\r\n'));
  server.on('tlsClientError', () => undefined);
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return { server, port: (server.address() as AddressInfo).port };
}

describe('checkTls', function () {
  this.timeout(10_000);
  let pki: TestPki;
  const servers: Server[] = [];
  const serve = async (options: TlsOptions & SecureContextOptions) => {
    const s = await tlsServer(options);
    servers.push(s.server);
    return s.port;
  };
  const check = (port: number) => checkTls({ host: '127.0.0.1', port, servername: DOMAIN, ca: pki.rootCert, timeoutMs: 3000 });

  before(() => {
    pki = sharedTestPki();
  });
  afterEach(async () => {
    await Promise.all(servers.splice(0).map((s) => new Promise<void>((r) => s.close(() => r()))));
  });

  it('passes a valid certificate with its intermediate over TLS 1.2+', async () => {
    const r = await check(await serve({ key: pki.valid.key, cert: pki.valid.cert + pki.intermediateCert }));
    assert.equal(r.ok, true, r.problems.join('; '));
    assert.ok(r.protocol === 'TLSv1.3' || r.protocol === 'TLSv1.2');
    assert.equal(r.protocolOk, true);
    assert.equal(r.chainValid, true);
    assert.equal(r.intermediatesPresent, true);
    assert.equal(r.sanCoversDomain, true);
    assert.equal(r.expired, false);
    assert.ok(r.daysToExpiry !== undefined && r.daysToExpiry >= 88 && r.daysToExpiry <= 90, String(r.daysToExpiry));
    assert.deepEqual(r.chain.map((c) => c.subject), ['valid', 'Test Intermediate CA', 'Test Root CA']);
    assert.ok(r.chain[0].san.includes(`DNS:${DOMAIN}`));
    assert.deepEqual(r.problems, []);
  });

  it('fails an expired certificate and says when it expired', async () => {
    const r = await check(await serve({ key: pki.expired.key, cert: pki.expired.cert + pki.intermediateCert }));
    assert.equal(r.ok, false);
    assert.equal(r.expired, true);
    assert.equal(r.authorizationError, 'CERT_HAS_EXPIRED');
    assert.ok((r.daysToExpiry ?? 0) < 0);
    assert.ok(r.problems.some((p) => /expired on 2020-04-01/.test(p)), r.problems.join('; '));
  });

  it('fails a certificate whose SAN does not cover the domain', async () => {
    const r = await check(await serve({ key: pki.wrongSan.key, cert: pki.wrongSan.cert + pki.intermediateCert }));
    assert.equal(r.ok, false);
    assert.equal(r.chainValid, true);
    assert.equal(r.sanCoversDomain, false);
    assert.ok(r.problems.some((p) => p.includes(`does not cover ${DOMAIN}`) && p.includes('other.example.org')), r.problems.join('; '));
  });

  it('detects a server that only speaks TLS 1.1 and fails it', async () => {
    const r = await check(
      await serve({ key: pki.valid.key, cert: pki.valid.cert + pki.intermediateCert, minVersion: 'TLSv1.1', maxVersion: 'TLSv1.1', ciphers: 'DEFAULT:@SECLEVEL=0' }),
    );
    assert.equal(r.ok, false);
    assert.equal(r.protocol, 'TLSv1.1');
    assert.equal(r.protocolOk, false);
    assert.ok(r.problems.some((p) => /only speaks TLSv1\.1.*TLS 1\.2 or higher/.test(p)), r.problems.join('; '));
    // The certificate itself is still inspected.
    assert.equal(r.sanCoversDomain, true);
  });

  it('detects a server that does not send the intermediate certificate', async () => {
    const r = await check(await serve({ key: pki.valid.key, cert: pki.valid.cert }));
    assert.equal(r.ok, false);
    assert.equal(r.intermediatesPresent, false);
    assert.equal(r.authorizationError, 'UNABLE_TO_VERIFY_LEAF_SIGNATURE');
    assert.ok(r.problems.some((p) => /intermediate/.test(p)));
  });

  it('reports a refused connection as an error, not a crash', async () => {
    const port = await serve({ key: pki.valid.key, cert: pki.valid.cert });
    await new Promise<void>((r) => servers.pop()?.close(() => r()));
    const r = await check(port);
    assert.equal(r.ok, false);
    assert.match(r.error ?? '', /ECONNREFUSED/);
  });
});
