import { strict as assert } from 'node:assert';
import { execFileSync } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { E, useEmulator } from './helpers';

interface Cert {
  id: string;
  description: string | null;
  validFrom: string;
  validTill: string;
  createdAt: string;
  updatedAt: string;
  status: string;
  inUse: boolean;
  linkedFqdnsCount: number;
}
interface CertError {
  error: { message: string; code: number; detail?: string };
}

interface KeyPair {
  certificate: string;
  privateKey: string;
}

/** A self-signed certificate from the openssl CLI, valid for `days`. */
function makeCert(dir: string, name: string, host: string, days: number): KeyPair {
  const key = join(dir, `${name}.key`);
  const crt = join(dir, `${name}.crt`);
  execFileSync('openssl', ['req', '-x509', '-newkey', 'rsa:2048', '-nodes', '-keyout', key, '-out', crt, '-days', String(days), '-subj', `/CN=${host}`, '-addext', `subjectAltName=DNS:${host}`], {
    stdio: 'ignore',
  });
  return { certificate: readFileSync(crt, 'utf8'), privateKey: readFileSync(key, 'utf8') };
}

function certError(json: unknown, code: number): CertError['error'] {
  const e = (json as CertError).error;
  assert.equal(e.code, code);
  assert.equal(typeof e.message, 'string');
  return e;
}

describe('emulator: Certificate API', () => {
  const { client } = useEmulator();
  let dir: string;
  let orders: KeyPair;
  let other: KeyPair;
  let soon: KeyPair;
  before(function () {
    this.timeout(30_000);
    dir = mkdtempSync(join(tmpdir(), 'emu-certs-'));
    orders = makeCert(dir, 'orders', 'orders.example.com', 365);
    other = makeCert(dir, 'other', 'shop.example.com', 365);
    soon = makeCert(dir, 'soon', 'soon.example.com', 10);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  const post = (body: unknown, auth: 'pat' | 'patRead' | 'viewerPat' | 'none' = 'pat') => client().req<Cert>('POST', '/v1/certificates', { auth, body });

  it('needs a write PAT of a Mendix Admin; errors use the Certificate API body', async () => {
    const none = await client().req('GET', '/v1/certificates');
    assert.equal(none.status, 401);
    certError(none.json, 401);
    const ro = await client().req('GET', '/v1/certificates', { auth: 'patRead' });
    assert.equal(ro.status, 403);
    certError(ro.json, 403);
    const notAdmin = await client().req('GET', '/v1/certificates', { auth: 'viewerPat' });
    assert.equal(notAdmin.status, 403);
    assert.equal((await client().req('GET', '/v1/certificates', { auth: { Authorization: 'mxToken demo-pat' } })).status, 200);
  });

  it('creates (201), lists newest first with page/limit/totalCount, filters by status and domain, 409 on the same key', async () => {
    const a = await post({ ...orders, description: 'orders' });
    assert.equal(a.status, 201);
    assert.equal(a.json.status, 'VALID');
    assert.equal(a.json.inUse, false);
    assert.equal(a.json.linkedFqdnsCount, 0);
    assert.ok(!('privateKey' in a.json) && !('certificate' in a.json));
    const b = await post({ ...soon });
    assert.equal(b.json.status, 'EXPIRES SOON');
    const list = await client().req<{ certificates: Cert[]; page: number; limit: number; totalCount: number }>('GET', '/v1/certificates', { auth: 'pat' });
    assert.deepEqual([list.json.page, list.json.limit, list.json.totalCount], [1, 10, 2]);
    assert.equal(list.json.certificates[0].id, b.json.id);
    const page2 = await client().req<{ certificates: Cert[] }>('GET', '/v1/certificates?page=2&limit=1', { auth: 'pat' });
    assert.equal(page2.json.certificates[0].id, a.json.id);
    const soonOnly = await client().req<{ certificates: Cert[] }>('GET', `/v1/certificates?status=${encodeURIComponent('EXPIRES SOON')}`, { auth: 'pat' });
    assert.deepEqual(soonOnly.json.certificates.map((c) => c.id), [b.json.id]);
    // `domain` means linked to the domain, not covered by its SANs (§14.9): nothing is linked yet.
    const byDomain = await client().req<{ certificates: Cert[] }>('GET', '/v1/certificates?domain=orders.example.com', { auth: 'pat' });
    assert.deepEqual(byDomain.json.certificates, []);
    assert.equal((await client().req('GET', '/v1/certificates?limit=101', { auth: 'pat' })).status, 400);
    const dup = await post({ ...orders });
    assert.equal(dup.status, 409);
    certError(dup.json, 409);
  });

  it('filters by the domain a certificate is linked to, and generates a description from subject/SAN', async () => {
    const c = client();
    const a = await post({ ...orders });
    assert.equal(a.json.description, 'CN=orders.example.com; SAN: orders.example.com');
    const b = await post({ ...other, description: 'shop' });
    assert.equal(b.json.description, 'shop');
    const linked = (domain: string) => c.req<{ certificates: Cert[]; totalCount: number }>('GET', `/v1/certificates?domain=${domain}`, { auth: 'pat' });
    assert.equal((await linked('orders.example.com')).json.totalCount, 0);
    // Moved to the target and linked to a certificate whose SAN does not even name it: the filter follows the link.
    assert.equal((await c.control('POST', '/portal/unbind-custom-domain', { domain: 'orders.example.com' })).status, 204);
    assert.equal((await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: 'orders.example.com', certificateId: b.json.id })).status, 200);
    const byLink = await linked('orders.example.com');
    assert.deepEqual(byLink.json.certificates.map((x) => [x.id, x.linkedFqdnsCount]), [[b.json.id, 1]]);
    assert.equal((await linked('ORDERS.example.com.')).json.totalCount, 1);
    // Cleared description: generated again.
    const cleared = await c.req<Cert>('PATCH', `/v1/certificates/${b.json.id}`, { auth: 'pat', body: { description: null } });
    assert.equal(cleared.json.description, 'CN=shop.example.com; SAN: shop.example.com');
  });

  it('refuses bad PEM, a key that does not match, and a bad chain (400)', async () => {
    assert.equal((await post({ certificate: 'nope', privateKey: orders.privateKey })).status, 400);
    const mismatch = await post({ certificate: orders.certificate, privateKey: other.privateKey });
    assert.equal(mismatch.status, 400);
    assert.match(certError(mismatch.json, 400).message, /does not match/);
    assert.equal((await post({ ...orders, intermediateChain: 'garbage' })).status, 400);
    assert.equal((await post({ ...orders, intermediateChain: other.certificate })).status, 201);
  });

  it('patches, replaces (moving domain links) and deletes only when unlinked', async () => {
    const c = client();
    const a = (await post({ ...orders })).json;
    const b = (await post({ ...other })).json;
    const patched = await c.req<Cert>('PATCH', `/v1/certificates/${a.id}`, { auth: 'pat', body: { description: 'renamed' } });
    assert.equal(patched.json.description, 'renamed');
    assert.equal((await c.req('PATCH', `/v1/certificates/${a.id}`, { auth: 'pat', body: { certificate: other.certificate } })).status, 400);
    const bind = await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: 'shop.example.com', certificateId: a.id });
    assert.equal(bind.status, 200);
    const inUse = await c.req<{ certificates: Cert[] }>('GET', '/v1/certificates', { auth: 'pat' });
    assert.equal(inUse.json.certificates.find((x) => x.id === a.id)?.linkedFqdnsCount, 1);
    const blocked = await c.req('DELETE', `/v1/certificates/${a.id}`, { auth: 'pat' });
    assert.equal(blocked.status, 400);
    const moved = await c.req<Cert>('PUT', `/v1/certificates/${a.id}/replacement`, { auth: 'pat', body: { newCertificateId: b.id } });
    assert.equal(moved.status, 200);
    assert.equal(moved.json.id, b.id);
    assert.equal(moved.json.inUse, true);
    const del = await c.req('DELETE', `/v1/certificates/${a.id}`, { auth: 'pat' });
    assert.equal(del.status, 204);
    const gone = await c.req('PATCH', `/v1/certificates/${a.id}`, { auth: 'pat', body: { description: 'x' } });
    assert.equal(gone.status, 404);
    certError(gone.json, 404);
  });
});
