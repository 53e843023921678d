import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { DEMO } from '../../emulator/seeds/demo';
import { startEmulator } from '../../emulator/server';
import { Client, download, E, errorCode, P, packageForm, useEmulator } from './helpers';

interface Call {
  method: string;
  path: string;
  query: Record<string, string>;
  status: number;
  time: string;
  fault?: string;
}

describe('emulator: control endpoints', () => {
  const { client, emulator } = useEmulator();

  describe('faults', () => {
    it('a status fault answers with the family’s error shape, headers and errorCode, for `count` requests', async () => {
      const c = client();
      const f = await c.control('POST', '/faults', {
        method: 'GET',
        path: '/api/1/apps/*/environments',
        kind: 'status',
        status: 503,
        errorCode: 'SERVICE_UNAVAILABLE',
        headers: { 'Retry-After': '1' },
        count: 2,
      });
      assert.equal(f.status, 201);
      for (let i = 0; i < 2; i++) {
        const r = await c.v1('GET', '/apps/orderportal/environments');
        assert.equal(r.status, 503);
        assert.equal(r.headers.get('retry-after'), '1');
        assert.equal(errorCode(r), 'SERVICE_UNAVAILABLE');
      }
      assert.equal((await c.v1('GET', '/apps/orderportal/environments')).status, 200);
      await c.control('POST', '/faults', { method: 'GET', path: '/api/v4/apps/**', kind: 'status', status: 500, count: 1 });
      const v4 = await c.v4<{ error: { code: number; message: string } }>('GET', `/apps/${P.orderPortal.id}/environments`);
      assert.equal(v4.status, 500);
      assert.equal(v4.json.error.code, 500);
    });

    it('patterns: `*` is one segment, a trailing `/**` any rest; the method must match', async () => {
      const c = client();
      await c.control('POST', '/faults', { method: 'POST', path: '/api/1/apps/*', kind: 'status', status: 500, count: 5 });
      assert.equal((await c.v1('GET', '/apps/orderportal')).status, 200, 'GET does not match a POST fault');
      assert.equal((await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop')).status, 200, '* does not cross segments');
      const list = await c.control<{ count: number }[]>('GET', '/faults');
      assert.equal(list.json[0].count, 5);
      assert.equal((await c.control('DELETE', '/faults')).status, 204);
      assert.deepEqual((await c.control('GET', '/faults')).json, []);
      assert.equal((await c.control('POST', '/faults', { path: '/x', kind: 'explode' })).status, 400);
      assert.equal((await c.control('POST', '/faults', { path: '/x', kind: 'status' })).status, 400);
    });

    it('a reset fault drops the connection without an answer', async () => {
      const c = client();
      await c.control('POST', '/faults', { method: 'POST', path: '/api/1/apps/*/environments/*/start', kind: 'reset', count: 1 });
      await assert.rejects(c.v1('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true }));
      const calls = (await c.control<Call[]>('GET', '/calls')).json;
      const hit = calls.find((x) => x.path.endsWith('/start'))!;
      assert.equal(hit.fault, 'reset');
      assert.equal(hit.status, 0);
    });

    it('a delay fault holds the answer for `ms`; a malformed fault returns a 200 that is not JSON', async () => {
      const c = client();
      await c.control('POST', '/faults', { method: 'GET', path: '/api/1/apps', kind: 'delay', ms: 300, count: 1 });
      const t0 = Date.now();
      assert.equal((await c.v1('GET', '/apps')).status, 200);
      assert.ok(Date.now() - t0 >= 280, 'the delay was applied');
      await c.control('POST', '/faults', { method: 'GET', path: '/api/1/apps', kind: 'malformed', count: 1 });
      const r = await c.v1('GET', '/apps');
      assert.equal(r.status, 200);
      assert.throws(() => JSON.parse(r.text) as unknown);
      await c.control('POST', '/faults', { method: 'GET', path: '/api/1/apps', kind: 'malformed', body: '{"apps": "wrong shape"}', count: 1 });
      assert.deepEqual((await c.v1('GET', '/apps')).json, { apps: 'wrong shape' });
    });
  });

  it('records every API call with method, path, query, status and time; DELETE clears', async () => {
    const c = client();
    await c.control('DELETE', '/calls');
    await c.v1('GET', '/apps/orderportal/environments/Production/package?url=true');
    await c.v1('GET', '/apps/nope');
    const calls = (await c.control<Call[]>('GET', '/calls')).json;
    assert.equal(calls.length, 2);
    assert.deepEqual(
      calls.map((x) => [x.method, x.path, x.status]),
      [
        ['GET', '/api/1/apps/orderportal/environments/Production/package', 200],
        ['GET', '/api/1/apps/nope', 404],
      ],
    );
    assert.deepEqual(calls[0].query, { url: 'true' });
    assert.ok(!Number.isNaN(Date.parse(calls[0].time)));
    await c.control('DELETE', '/calls');
    assert.deepEqual((await c.control('GET', '/calls')).json, []);
  });

  it('advances the virtual clock and changes config', async () => {
    const c = client();
    const before = Date.parse((await c.control<{ now: string }>('GET', '/clock')).json.now);
    const after = Date.parse((await c.control<{ now: string }>('POST', '/clock/advance', { seconds: 3600 })).json.now);
    assert.ok(after - before >= 3600_000 && after - before < 3660_000);
    assert.equal((await c.control('POST', '/clock/advance', { seconds: -1 })).status, 400);
    const cfg = await c.control<{ archiveBytes: number; packageBytes: number }>('POST', '/config', { archiveBytes: 70_000, packageBytes: 5000 });
    assert.equal(cfg.json.archiveBytes, 70_000);
    const built = await c.v1<{ PackageId: string }>('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: '1', Version: '9.9.9' });
    await c.advance(120);
    assert.equal((await c.v1<{ Size: number }>('GET', `/apps/orderportal/packages/${built.json.PackageId}`)).json.Size, 5000);
    assert.equal((await c.control('POST', '/config', { archiveBytes: -5 })).status, 400);
  });

  it('the state has every entity; packages carry their served size and sha256', async () => {
    const s = await client().control<{ projects: Record<string, unknown>; nodes: Record<string, unknown>; environments: Record<string, { url: string }>; packages: Record<string, { served: { size: number } }> }>(
      'GET',
      '/state',
    );
    assert.equal(Object.keys(s.json.projects).length, 6);
    assert.equal(Object.keys(s.json.nodes).length, 4);
    assert.equal(s.json.environments[E.orderPortalUsAcceptance.id].url, 'https://orderportal-us-accp.apps.us-2a.mendixcloud.com');
    assert.ok(Object.values(s.json.packages).every((p) => p.served.size > 0));
  });

  it('masks Mendix-ApiKey and Authorization in its own request log', async () => {
    const lines: string[] = [];
    const emu = await startEmulator({ logSink: (l) => lines.push(l) });
    try {
      const c = new Client(emu.baseUrl);
      await c.v1('GET', '/apps');
      await c.v4('GET', '/apps');
      await c.v1('GET', '/apps', undefined, { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': 'some-wrong-secret' });
    } finally {
      await emu.close();
    }
    assert.equal(lines.length, 3);
    const all = lines.join('\n');
    for (const secret of [DEMO.apiKey, DEMO.pat, 'some-wrong-secret']) assert.ok(!all.includes(secret), `${secret} leaked`);
    assert.match(all, /Mendix-ApiKey: \*\*\*/);
    assert.match(all, /Authorization: \*\*\*/);
    assert.ok(all.includes(DEMO.username));
  });

  it('with a state file the model survives a restart, and the upload files with it', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'emu-state-'));
    const stateFile = join(dir, 'state.json');
    try {
      const first = await startEmulator({ quiet: true, stateFile, packageBytes: 4096 });
      const c1 = new Client(first.baseUrl);
      await c1.v1('POST', '/apps/orderportal/environments/Acceptance/tags', { Tag: 'persisted' });
      await c1.control('POST', '/portal/link', { projectId: P.orderPortalTempB.id, nodeSubdomain: 'legacyhr' });
      const up = await c1.req<{ PackageId: string }>('POST', '/api/v2/apps/orderportal-us/packages/upload', { auth: 'key', raw: packageForm(Buffer.from('PK\x03\x04 persisted bytes')) });
      assert.equal(up.status, 200);
      await first.close();
      assert.ok(existsSync(stateFile));
      const second = await startEmulator({ quiet: true, stateFile });
      try {
        const c2 = new Client(second.baseUrl);
        const tags = await c2.v1<{ Tag: string }[]>('GET', '/apps/orderportal/environments/Acceptance/tags');
        assert.ok(tags.json.some((t) => t.Tag === 'persisted'));
        assert.equal((await c2.v1<{ ProjectId: string }>('GET', '/apps/legacyhr')).json.ProjectId, P.orderPortalTempB.id);
        await c2.advance(60);
        const pkgs = await c2.v1<{ PackageId: string }[]>('GET', '/apps/orderportal-us/packages');
        const url = await c2.v1<{ Url: { Location: string } }>('GET', `/apps/orderportal-us/packages/${pkgs.json[0].PackageId}?url=true`);
        assert.equal((await download(url.json.Url.Location)).body.toString('latin1'), 'PK\x03\x04 persisted bytes');
      } finally {
        await second.close();
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it('the CLI prints the base URL and credentials and stops cleanly on SIGTERM', async function () {
    this.timeout(30_000);
    const root = resolve(__dirname, '..', '..', '..');
    const child = spawn(process.execPath, ['--import', 'tsx', 'test/emulator/cli.ts', '--port', '0', '--seed', 'demo', '--time-scale', '60', '--quiet'], { cwd: root });
    let out = '';
    child.stdout.on('data', (d: Buffer) => (out += d.toString()));
    const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
    try {
      const base = await new Promise<string>((res, rej) => {
        const timer = setTimeout(() => rej(new Error(`no URL printed: ${out}`)), 20_000);
        child.stdout.on('data', () => {
          const m = /listening on (http:\/\/\S+)/.exec(out);
          if (m && out.includes('read only')) {
            clearTimeout(timer);
            res(m[1]);
          }
        });
      });
      assert.ok(out.includes(DEMO.apiKey) && out.includes(DEMO.pat) && out.includes(DEMO.username));
      const r = await new Client(base).v1<unknown[]>('GET', '/apps');
      assert.equal(r.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0);
    } finally {
      if (child.exitCode === null) child.kill('SIGKILL');
    }
  });

  it('answers unknown emulator paths with 404 and keeps serving', async () => {
    const status = await new Promise<number>((res, rej) => {
      request(`${emulator().baseUrl}/_emulator/nothing`, (r) => {
        r.resume();
        res(r.statusCode ?? 0);
      })
        .on('error', rej)
        .end();
    });
    assert.equal(status, 404);
  });
});
