/**
 * The certificate of a moved custom domain (mendix-api §7, §14.9), against the emulator's Certificate
 * API and a real TLS server on loopback: a central certificate linked to the domain with status VALID
 * passes through the API; EXPIRES SOON does not; without Mendix Admin rights the check says so and
 * falls back to the TLS check of the new endpoint.
 */
import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createServer, type Server } from 'node:tls';
import { dnsDomainCheck } from '../../../src/core/migration/domainCheck';
import { checkCustomDomainCertificate, MISSING_ADMIN_RIGHTS } from '../../../src/core/migration/centralCertificate';
import { DEMO, startHarness, type Harness } from '../api/harness';
import { sharedTestPki, TEST_DOMAIN, type TestPki } from '../tls/certFactory';

const TARGET_ENV = DEMO.environments.orderPortalUsProduction.id;

/** A self-signed certificate for `host`, valid for `days` (enough for the Certificate API's status). */
function selfSigned(dir: string, host: string, days: number): { certificate: string; privateKey: string } {
  const key = join(dir, `${host}.key`);
  const crt = join(dir, `${host}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'ec', '-pkeyopt', 'ec_paramgen_curve:prime256v1', '-nodes', '-keyout', key, '-out', crt, '-days', String(days), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], {
    stdio: 'ignore',
  });
  return { certificate: readFileSync(crt, 'utf8'), privateKey: readFileSync(key, 'utf8') };
}

describe('custom-domain certificate: Certificate API, then TLS', function () {
  this.timeout(30_000);
  let h: Harness;
  let pki: TestPki;
  let dir: string;
  const servers: Server[] = [];

  before(async () => {
    h = await startHarness(1);
    pki = sharedTestPki();
    dir = mkdtempSync(join(tmpdir(), 'cert-check-'));
  });
  after(async () => {
    await Promise.all(servers.map((s) => new Promise<void>((r) => s.close(() => r()))));
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });
  beforeEach(async () => {
    await h.control('POST', '/_emulator/reset', { seed: 'demo' });
  });

  async function tlsEndpoint(leaf: { key: string; cert: string }): Promise<number> {
    const server = createServer({ key: leaf.key, cert: leaf.cert + pki.intermediateCert }, (s) => s.end());
    server.on('tlsClientError', () => undefined);
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    servers.push(server);
    return (server.address() as AddressInfo).port;
  }

  async function upload(pem: { certificate: string; privateKey: string }): Promise<string> {
    const res = await fetch(`${h.baseUrl}/v1/certificates`, {
      method: 'POST',
      headers: { authorization: `MxToken ${DEMO.pat}`, 'content-type': 'application/json' },
      body: JSON.stringify(pem),
    });
    assert.equal(res.status, 201, await res.clone().text());
    return ((await res.json()) as { id: string }).id;
  }

  it('finds the central certificate that names the domain, then sees it linked once the domain is bound on the target', async () => {
    const certificates = h.client().certificates;
    const id = await upload({ certificate: pki.valid.cert, privateKey: pki.valid.key });

    const before = await checkCustomDomainCertificate(TEST_DOMAIN, { certificates });
    assert.equal(before.ok, false);
    assert.equal(before.verifiedBy, 'none');
    assert.equal(before.linked, undefined);
    assert.deepEqual(before.candidates.map((c) => [c.id, c.status]), [[id, 'VALID']]);
    assert.match(before.detail, /no central certificate is linked to app\.example\.test yet.*bind the domain on the target environment with it/);

    await h.control('POST', '/_emulator/portal/bind-custom-domain', { environmentId: TARGET_ENV, domain: TEST_DOMAIN, certificateId: id });
    const after = await checkCustomDomainCertificate(TEST_DOMAIN, { certificates });
    assert.equal(after.ok, true, after.detail);
    assert.equal(after.verifiedBy, 'certificate-api');
    assert.equal(after.linked?.id, id);
    assert.equal(after.linked?.linkedFqdnsCount, 1);
    assert.equal(after.tls, undefined, 'the API decided; no TLS fallback needed');
  });

  it('does not accept a linked certificate that EXPIRES SOON: the API verdict stands, no TLS handshake overrides it', async () => {
    const domain = 'soon.example.test';
    const id = await upload(selfSigned(dir, domain, 10));
    await h.control('POST', '/_emulator/portal/bind-custom-domain', { environmentId: TARGET_ENV, domain, certificateId: id });
    let tlsAsked = false;
    const r = await checkCustomDomainCertificate(domain, {
      certificates: h.client().certificates,
      endpoint: { host: '127.0.0.1', port: 1 },
      tlsCheck: () => {
        tlsAsked = true;
        return Promise.reject(new Error('not expected'));
      },
    });
    assert.equal(r.ok, false);
    assert.equal(r.linked?.status, 'EXPIRES SOON');
    assert.ok(r.problems.some((p) => /expires within 15 days/.test(p)), r.problems.join('; '));
    assert.equal(tlsAsked, false);
  });

  it('without Mendix Admin rights says what is missing and falls back to the TLS check of the new endpoint', async () => {
    // The viewer's PAT has the write scope but the viewer is no Mendix Admin: 403.
    const viewer = h.client({ username: DEMO.viewer.username, apiKey: DEMO.viewer.apiKey, pat: DEMO.viewer.pat }).certificates;
    const good = await checkCustomDomainCertificate(TEST_DOMAIN, { certificates: viewer, endpoint: { host: '127.0.0.1', port: await tlsEndpoint(pki.valid), ca: pki.rootCert } });
    assert.equal(good.apiUnavailable, `${MISSING_ADMIN_RIGHTS} (HTTP 403)`);
    assert.equal(good.verifiedBy, 'tls');
    assert.equal(good.ok, true, good.detail);
    assert.equal(good.tls?.sanCoversDomain, true);
    assert.match(good.detail, /mx:deployment:write/);

    const wrong = await checkCustomDomainCertificate(TEST_DOMAIN, { certificates: viewer, endpoint: { host: '127.0.0.1', port: await tlsEndpoint(pki.wrongSan), ca: pki.rootCert } });
    assert.equal(wrong.ok, false);
    assert.equal(wrong.tls?.sanCoversDomain, false);

    // No PAT at all: the same message, and nothing asked of the API.
    const none = await checkCustomDomainCertificate(TEST_DOMAIN, {});
    assert.equal(none.ok, false);
    assert.equal(none.verifiedBy, 'none');
    assert.match(none.apiUnavailable ?? '', /no Personal Access Token/);
  });

  it('the engine\'s domain check carries the certificate verdict', async () => {
    const check = dnsDomainCheck({ resolvers: [], authoritative: ['127.0.0.1:1'], timeoutMs: 200, certificates: h.client().certificates, tlsCa: pki.rootCert, tlsPort: await tlsEndpoint(pki.expired) });
    const r = await check(TEST_DOMAIN, { host: '127.0.0.1' });
    // No central certificate linked, and the endpoint serves an expired one.
    assert.equal(r.certificateOk, false);
    assert.match(r.detail, /certificate: no central certificate is linked/);
  });
});
