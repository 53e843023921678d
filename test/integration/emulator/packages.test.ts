import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { readdirSync } from 'node:fs';
import { request } from 'node:http';
import { DEMO } from '../../emulator/seeds/demo';
import { download, errorCode, packageForm, useEmulator, type Client } from './helpers';

interface PackageObj {
  PackageId: string;
  Name: string;
  Version: string;
  Status: string;
  Size: number;
  Url?: { Location: string; TTL: number };
}

async function upload(c: Client, appId: string, bytes: Uint8Array, name?: string): Promise<{ status: number; PackageId: string; JobId: string; errorCode?: string }> {
  const q = name ? `?name=${encodeURIComponent(name)}` : '';
  const r = await c.req<{ PackageId: string; JobId: string; errorCode?: string }>('POST', `/api/v2/apps/${appId}/packages/upload${q}`, { auth: 'key', raw: packageForm(bytes) });
  return { status: r.status, ...r.json };
}

describe('emulator: Build API and package upload (v1 row 10, v2)', () => {
  const { client, emulator } = useEmulator();

  it('lists packages of the app and gets one, with a signed URL on url=true', async () => {
    const c = client();
    const list = await c.v1<PackageObj[]>('GET', '/apps/orderportal/packages');
    assert.equal(list.status, 200);
    assert.deepEqual(list.json.map((p) => p.Version).sort(), [DEMO.packages.orderPortalAcceptance.version, DEMO.packages.orderPortalProduction.version].sort());
    const one = await c.v1<PackageObj>('GET', `/apps/orderportal/packages/${DEMO.packages.orderPortalAcceptance.id}?url=true`);
    assert.equal(one.json.Status, 'Succeeded');
    assert.equal(one.json.Url?.TTL, 900);
    assert.ok(one.json.Url?.Location.includes('X-Amz-Signature='));
    const missing = await c.v1('GET', '/apps/orderportal/packages/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(errorCode(missing), 'PACKAGE_NOT_FOUND');
    const foreign = await c.v1('GET', `/apps/orderportal/packages/${DEMO.packages.legacyHr.id}`);
    assert.equal(foreign.status, 404);
  });

  it('builds a package: Queued → Building → Uploading → Succeeded, version major.minor.patch.build', async () => {
    const c = client();
    const bad = await c.v1('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: 'abc123', Version: '1.8' });
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'INVALID_VERSION');
    const noBranch = await c.v1('POST', '/apps/orderportal/packages', { Branch: 'feature', Revision: 'abc123', Version: '1.8.0' });
    assert.equal(errorCode(noBranch), 'INVALID_PARAMETERS');
    const r = await c.v1<{ PackageId: string }>('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: 'abc123', Version: '1.8.0', Description: 'next' });
    assert.equal(r.status, 200);
    const seen: string[] = [];
    for (let i = 0; i < 20; i++) {
      const p = await c.v1<PackageObj>('GET', `/apps/orderportal/packages/${r.json.PackageId}`);
      if (seen[seen.length - 1] !== p.json.Status) seen.push(p.json.Status);
      await c.advance(2);
    }
    assert.deepEqual(seen, ['Queued', 'Building', 'Uploading', 'Succeeded']);
    const done = await c.v1<PackageObj>('GET', `/apps/orderportal/packages/${r.json.PackageId}`);
    assert.match(done.json.Version, /^1\.8\.0\.\d+$/);
    const empty = await c.v1('POST', '/apps/orderportal-us/packages', { Branch: 'main', Revision: '1', Version: '1.0.0' });
    assert.equal(empty.status, 500);
    assert.equal(errorCode(empty), 'BUILD_FAILED');
  });

  it('deletes unused packages and refuses 409 PACKAGE_IN_USE for deployed ones', async () => {
    const c = client();
    const used = await c.v1('DELETE', `/apps/orderportal/packages/${DEMO.packages.orderPortalProduction.id}`);
    assert.equal(used.status, 409);
    assert.equal(errorCode(used), 'PACKAGE_IN_USE');
    const up = await upload(c, 'orderportal', Buffer.from('PK\x03\x04 some zip'));
    await c.advance(60);
    const stored = () => readdirSync(emulator().uploadDir).filter((f) => f.includes(up.PackageId));
    assert.equal(stored().length, 1);
    const del = await c.req('DELETE', `/api/1/apps/orderportal/packages/${up.PackageId}`, { auth: 'key' });
    assert.equal(del.status, 204);
    assert.deepEqual(stored(), [], 'the uploaded bytes are deleted with the package');
    assert.equal((await c.v1('GET', `/apps/orderportal/packages/${up.PackageId}`)).status, 404);
  });

  it('v2 upload: job Queued → Running → Completed, then transport answers 503 while the MDA is still processed', async () => {
    const c = client();
    const src = await c.v1<PackageObj>('GET', `/apps/orderportal/packages/${DEMO.packages.orderPortalAcceptance.id}?url=true`);
    const mda = await download(src.json.Url!.Location);
    const up = await upload(c, 'orderportal-us', mda.body, src.json.Name);
    assert.equal(up.status, 200);
    const job = `/apps/orderportal-us/jobs/${up.JobId}`;
    assert.equal((await c.v2<{ Status: string }>('GET', job)).json.Status, 'Queued');
    await c.advance(3);
    assert.equal((await c.v2<{ Status: string }>('GET', job)).json.Status, 'Running');
    const early = await c.v1('POST', '/apps/orderportal-us/environments/Production/transport', { PackageId: up.PackageId });
    assert.equal(early.status, 503);
    await c.advance(8);
    assert.equal((await c.v2<{ Status: string }>('GET', job)).json.Status, 'Completed');
    const pkg = await c.v1<PackageObj>('GET', `/apps/orderportal-us/packages/${up.PackageId}`);
    assert.equal(pkg.json.Status, 'Succeeded');
    assert.equal(pkg.json.Size, mda.body.length);
    // The uploaded copy of an emulator MDA keeps its model version.
    assert.equal(pkg.json.Version, DEMO.packages.orderPortalAcceptance.version);
    const processing = await c.v1('POST', '/apps/orderportal-us/environments/Production/transport', { PackageId: up.PackageId });
    assert.equal(processing.status, 503);
    assert.equal(errorCode(processing), 'SERVICE UNAVAILABLE');
    await c.advance(30);
    const ok = await c.v1('POST', '/apps/orderportal-us/environments/Production/transport', { PackageId: up.PackageId });
    assert.equal(ok.status, 200);
    // Downloading the uploaded package returns exactly the uploaded bytes.
    const again = await c.v1<PackageObj>('GET', `/apps/orderportal-us/packages/${up.PackageId}?url=true`);
    const copy = await download(again.json.Url!.Location);
    assert.equal(createHash('sha256').update(copy.body).digest('hex'), createHash('sha256').update(mda.body).digest('hex'));
    const unknownJob = await c.v2('GET', '/apps/orderportal-us/jobs/nope');
    assert.equal(unknownJob.status, 404);
  });

  it('an upload that is not an MDA fails processing; transport then answers 403 NOT ALLOWED', async () => {
    const c = client();
    const up = await upload(c, 'orderportal-us', Buffer.from('hello, not a zip'));
    await c.advance(60);
    assert.equal((await c.v2<{ Status: string }>('GET', `/apps/orderportal-us/jobs/${up.JobId}`)).json.Status, 'Failed');
    assert.equal((await c.v1<PackageObj>('GET', `/apps/orderportal-us/packages/${up.PackageId}`)).json.Status, 'Failed');
    const t = await c.v1('POST', '/apps/orderportal-us/environments/Production/transport', { PackageId: up.PackageId });
    assert.equal(t.status, 403);
    assert.equal(errorCode(t), 'NOT ALLOWED');
  });

  it('v1 row 10 upload works too and defaults the name to default.mda', async () => {
    const c = client();
    const r = await c.req<{ PackageId: string }>('POST', '/api/1/apps/orderportal-us/packages/upload', { auth: 'key', raw: packageForm(Buffer.from('PK\x03\x04 v1')) });
    assert.equal(r.status, 200);
    const pkg = await c.v1<PackageObj>('GET', `/apps/orderportal-us/packages/${r.json.PackageId}`);
    assert.equal(pkg.json.Name, 'default.mda');
    const wrongField = new FormData();
    wrongField.append('package', new Blob([Buffer.from('x')]), 'x.mda');
    const bad = await c.req('POST', '/api/v2/apps/orderportal-us/packages/upload', { auth: 'key', raw: wrongField });
    assert.equal(bad.status, 400);
    const unauth = await c.req('POST', '/api/v2/apps/orderportal-us/packages/upload', { raw: packageForm(Buffer.from('x')) });
    assert.equal(unauth.status, 401);
  });

  it('refuses uploads over the limit: streamed bytes are counted', async () => {
    const c = client();
    await c.control('POST', '/config', { uploadLimitBytes: 100_000 });
    const fits = await upload(c, 'orderportal-us', Buffer.alloc(100_000, 1));
    assert.equal(fits.status, 200);
    // Chunked, so there is no Content-Length to check up front: the counter must stop it.
    const status = await new Promise<number>((resolve, reject) => {
      const boundary = 'emulatortestboundary';
      const req = request(`${emulator().baseUrl}/api/v2/apps/orderportal-us/packages/upload`, {
        method: 'POST',
        headers: { 'Content-Type': `multipart/form-data; boundary=${boundary}`, 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
      });
      req.on('error', reject);
      req.write(`--${boundary}\r\nContent-Disposition: form-data; name="file"; filename="big.mda"\r\nContent-Type: application/octet-stream\r\n\r\n`);
      req.write(Buffer.alloc(150_000, 2));
      req.end(`\r\n--${boundary}--\r\n`);
    });
    assert.equal(status, 413);
    const pkgs = await c.v1<PackageObj[]>('GET', '/apps/orderportal-us/packages');
    assert.equal(pkgs.json.length, 1);
  });

  it('refuses uploads over the limit up front from Content-Length (default 1 GB), without reading the body', async () => {
    const status = await new Promise<number>((resolve, reject) => {
      const req = request(`${emulator().baseUrl}/api/v2/apps/orderportal-us/packages/upload`, {
        method: 'POST',
        headers: {
          'Content-Type': 'multipart/form-data; boundary=x',
          'Content-Length': String(1024 * 1024 * 1024 + 10 * 1024 * 1024),
          'Mendix-Username': DEMO.username,
          'Mendix-ApiKey': DEMO.apiKey,
        },
      });
      req.on('response', (res) => {
        res.resume();
        resolve(res.statusCode ?? 0);
        req.destroy();
      });
      req.on('error', (e) => (e.message.includes('socket hang up') || (e as NodeJS.ErrnoException).code === 'ECONNRESET' ? undefined : reject(e)));
      req.write('--x\r\n'); // send a little and wait: the answer must come before the body does
    });
    assert.equal(status, 413);
  });

  it('serves the deprecated direct download with credentials, 500 BUILD_NOT_SUCCEEDED while building', async () => {
    const c = client();
    const r = await c.req('GET', `/api/1/apps/orderportal/packages/${DEMO.packages.orderPortalProduction.id}/download`, { auth: 'key' });
    assert.equal(r.status, 200);
    assert.equal(Number(r.headers.get('content-length')), 256 * 1024);
    const b = await c.v1<{ PackageId: string }>('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: 'x1', Version: '2.0.0' });
    const building = await c.req('GET', `/api/1/apps/orderportal/packages/${b.json.PackageId}/download`, { auth: 'key' });
    assert.equal(building.status, 500);
    assert.equal(errorCode(building), 'BUILD_NOT_SUCCEEDED');
  });
});
