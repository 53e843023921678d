import { strict as assert } from 'node:assert';
import { createHash } from 'node:crypto';
import { get } from 'node:http';
import { DEMO } from '../../emulator/seeds/demo';
import { download, useEmulator } from './helpers';

interface Served {
  size: number;
  sha256: string;
}

describe('emulator: signed downloads', () => {
  const { client } = useEmulator();

  async function packageUrl(): Promise<string> {
    const r = await client().v1<{ Url: { Location: string } }>('GET', '/apps/orderportal/environments/Production/package?url=true');
    return r.json.Url.Location;
  }

  it('needs no Mendix credentials and matches the size and sha256 in /_emulator/state', async () => {
    const url = await packageUrl();
    const full = await download(url);
    assert.equal(full.status, 200);
    assert.equal(full.headers.get('accept-ranges'), 'bytes');
    assert.equal(Number(full.headers.get('content-length')), full.body.length);
    const state = await client().control<{ packages: Record<string, { served: Served }> }>('GET', '/state');
    const served = state.json.packages[DEMO.packages.orderPortalProduction.id].served;
    assert.equal(served.size, full.body.length);
    assert.equal(served.sha256, createHash('sha256').update(full.body).digest('hex'));
    assert.equal(full.headers.get('etag'), `"${served.sha256}"`);
    // Deterministic: the same id and size give the same bytes on the next URL.
    const again = await download(await packageUrl());
    assert.ok(again.body.equals(full.body));
  });

  it('serves Range requests with 206 and Content-Range, suffix ranges, and 416 when unsatisfiable', async () => {
    const url = await packageUrl();
    const full = (await download(url)).body;
    const part = await download(url, { Range: 'bytes=100-199' });
    assert.equal(part.status, 206);
    assert.equal(part.headers.get('content-range'), `bytes 100-199/${full.length}`);
    assert.ok(part.body.equals(full.subarray(100, 200)));
    const open = await download(url, { Range: `bytes=${full.length - 10}-` });
    assert.equal(open.status, 206);
    assert.ok(open.body.equals(full.subarray(full.length - 10)));
    const suffix = await download(url, { Range: 'bytes=-5' });
    assert.ok(suffix.body.equals(full.subarray(full.length - 5)));
    const beyond = await download(url, { Range: `bytes=${full.length}-` });
    assert.equal(beyond.status, 416);
    assert.equal(beyond.headers.get('content-range'), `bytes */${full.length}`);
  });

  it('honours If-Range only with the current ETag', async () => {
    const url = await packageUrl();
    const head = await fetch(url, { method: 'HEAD' });
    assert.equal(head.status, 200);
    const etag = head.headers.get('etag')!;
    assert.equal((await download(url, { Range: 'bytes=0-9', 'If-Range': etag })).status, 206);
    const stale = await download(url, { Range: 'bytes=0-9', 'If-Range': '"something-else"' });
    assert.equal(stale.status, 200);
    assert.equal(stale.body.length, Number(head.headers.get('content-length')));
  });

  it('refuses a tampered signature (403) and unknown ids (404)', async () => {
    const url = await packageUrl();
    const tampered = url.replace(/X-Amz-Signature=([0-9a-f])/, (_m, ch: string) => `X-Amz-Signature=${ch === '0' ? '1' : '0'}`);
    assert.equal((await fetch(tampered)).status, 403);
    const moved = url.replace(DEMO.packages.orderPortalProduction.id, DEMO.packages.orderPortalAcceptance.id);
    assert.equal((await fetch(moved)).status, 403);
    const c = client();
    const built = await c.v1<{ PackageId: string }>('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: 'r1', Version: '3.0.0' });
    await c.advance(120);
    const withUrl = await c.v1<{ Url: { Location: string } }>('GET', `/apps/orderportal/packages/${built.json.PackageId}?url=true`);
    assert.equal((await c.req('DELETE', `/api/1/apps/orderportal/packages/${built.json.PackageId}`, { auth: 'key' })).status, 204);
    const gone = await fetch(withUrl.json.Url.Location);
    assert.equal(gone.status, 404);
    assert.match(await gone.text(), /NoSuchKey/);
  });

  it('a reset fault with afterBytes cuts the body after that many bytes, then the download resumes with Range', async () => {
    const c = client();
    const url = await packageUrl();
    const path = new URL(url).pathname;
    const f = await c.control('POST', '/faults', { method: 'GET', path: '/_downloads/packages/*/**', kind: 'reset', afterBytes: 1000, count: 1 });
    assert.equal(f.status, 201);
    const received = await new Promise<{ bytes: number; error: string | undefined; status: number }>((resolve) => {
      let bytes = 0;
      const req = get(url, (res) => {
        res.on('data', (d: Buffer) => (bytes += d.length));
        res.on('error', (e) => resolve({ bytes, error: e.message, status: res.statusCode ?? 0 }));
        res.on('end', () => resolve({ bytes, error: undefined, status: res.statusCode ?? 0 }));
      });
      req.on('error', (e) => resolve({ bytes, error: e.message, status: 0 }));
    });
    assert.equal(received.status, 200);
    assert.equal(received.bytes, 1000);
    assert.ok(received.error, 'the connection must end abnormally');
    const rest = await download(url, { Range: 'bytes=1000-' });
    assert.equal(rest.status, 206);
    const calls = await c.control<{ path: string; fault?: string }[]>('GET', '/calls');
    assert.equal(calls.json.filter((x) => x.path === path && x.fault === 'reset').length, 1);
  });
});
