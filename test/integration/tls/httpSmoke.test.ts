import { strict as assert } from 'node:assert';
import { createServer as createHttpServer, type RequestListener, type Server } from 'node:http';
import { createServer as createHttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import { httpSmoke } from '../../../src/core/tls/httpSmoke';
import { sharedTestPki, TEST_DOMAIN, type TestPki } from './certFactory';

const DOMAIN = TEST_DOMAIN;

describe('httpSmoke', function () {
  this.timeout(10_000);
  let pki: TestPki;
  const servers: Server[] = [];
  const listen = async (s: Server) => {
    servers.push(s);
    await new Promise<void>((r) => s.listen(0, '127.0.0.1', () => r()));
    return (s.address() as AddressInfo).port;
  };
  const https = (handler: RequestListener) => listen(createHttpsServer({ key: pki.valid.key, cert: pki.valid.cert + pki.intermediateCert }, handler));
  const http = (handler: RequestListener) => listen(createHttpServer(handler));
  const smoke = (url: string) => httpSmoke(url, { ca: pki.rootCert, connectAddress: '127.0.0.1', timeoutMs: 2000 });

  before(() => {
    pki = sharedTestPki();
  });
  afterEach(async () => {
    for (const s of servers.splice(0)) {
      s.closeAllConnections();
      await new Promise<void>((r) => s.close(() => r()));
    }
  });

  it('follows the HTTP → HTTPS redirect on the same host and reports status, HSTS and latency', async () => {
    const httpsPort = await https((_req, res) => res.writeHead(200, { 'strict-transport-security': 'max-age=31536000' }).end('ok'));
    const httpPort = await http((req, res) => res.writeHead(301, { location: `https://${DOMAIN}:${httpsPort}${req.url ?? '/'}` }).end());
    const r = await smoke(`http://${DOMAIN}:${httpPort}/`);
    assert.equal(r.ok, true, r.problems.join('; '));
    assert.equal(r.redirectsToHttps, true);
    assert.equal(r.finalStatus, 200);
    assert.equal(r.finalUrl, `https://${DOMAIN}:${httpsPort}/`);
    assert.equal(r.hsts, 'max-age=31536000');
    assert.deepEqual(r.hops.map((h) => h.status), [301, 200]);
    assert.ok(r.latencyMs > 0 && r.latencyMs < 2000);
  });

  it('flags plain HTTP that serves the page instead of redirecting', async () => {
    const httpPort = await http((_req, res) => res.writeHead(200).end('hello'));
    const r = await smoke(`http://${DOMAIN}:${httpPort}/`);
    assert.equal(r.ok, false);
    assert.equal(r.redirectsToHttps, false);
    assert.ok(r.problems.some((p) => /not redirected to HTTPS/.test(p)));
  });

  it('flags an error status on the HTTPS page', async () => {
    const httpsPort = await https((_req, res) => res.writeHead(503).end());
    const r = await smoke(`https://${DOMAIN}:${httpsPort}/`);
    assert.equal(r.ok, false);
    assert.equal(r.finalStatus, 503);
    assert.ok(r.problems.some((p) => /HTTP 503/.test(p)));
  });

  it('reports a certificate the client cannot trust as an error on that hop', async () => {
    const httpsPort = await https((_req, res) => res.writeHead(200).end());
    const r = await httpSmoke(`https://${DOMAIN}:${httpsPort}/`, { connectAddress: '127.0.0.1', timeoutMs: 2000 });
    assert.equal(r.ok, false);
    assert.match(r.hops[0].error ?? '', /certificate/i);
  });

  it('stops after too many redirects', async () => {
    const httpsPort = await https((req, res) => res.writeHead(302, { location: `${req.url ?? '/'}x` }).end());
    const r = await httpSmoke(`https://${DOMAIN}:${httpsPort}/`, { ca: pki.rootCert, connectAddress: '127.0.0.1', maxRedirects: 3 });
    assert.equal(r.hops.length, 4);
    assert.equal(r.ok, false);
    assert.ok(r.problems.some((p) => /More than 3 redirects/.test(p)));
  });
});
