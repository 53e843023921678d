import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../support/manualClock';
import { MendixApiError, MendixJobFailedError, MendixResponseError, MendixWaitTimeoutError } from '../../../../src/core/mendix/api/errors';
import { MendixClient } from '../../../../src/core/mendix/api/mendixClient';
import { json, startFakeServer, type FakeServer } from './fakeServer';

describe('Deploy/Build/Backups/v4 methods', () => {
  let server: FakeServer;
  let client: MendixClient;
  let clock: ManualClock;

  beforeEach(async () => {
    server = await startFakeServer();
    clock = new ManualClock(0);
    client = new MendixClient({
      credentials: { username: 'u@x', apiKey: 'k-1234', pat: 'p-1234' },
      config: { deployBaseUrl: server.baseUrl, cloudPortalBaseUrl: server.baseUrl, homeBaseUrl: server.baseUrl },
      clock,
      random: () => 0.5,
    });
  });
  afterEach(async () => {
    client.dispose();
    await server.close();
  });

  it('start: returns the job, or alreadyStarted for HTTP 200 ALREADY_STARTED', async () => {
    server.setHandler((_q, res, i) => (i === 0 ? json(res, 200, { JobId: 'j-1' }) : json(res, 200, { errorCode: 'ALREADY_STARTED', errorMessage: 'already' })));
    assert.deepEqual(await client.v1.startEnvironment('calc', 'Acceptance', { autoSyncDb: true }), { kind: 'started', jobId: 'j-1' });
    assert.deepEqual(await client.v1.startEnvironment('calc', 'Acceptance', { autoSyncDb: false }), { kind: 'alreadyStarted' });
    assert.deepEqual(JSON.parse(server.requests[0].body.toString()), { AutoSyncDb: true });
    assert.equal(server.requests[0].headers['content-type'], 'application/json');
  });

  it('start: any HTTP 200 without a JobId is "already started", whatever the error key and its casing (§14.5)', async () => {
    const bodies = [{}, { error_code: 'already_started' }, { ErrorCode: 'Already_Started' }, { code: 'ALREADY_STARTED', message: 'x' }];
    server.setHandler((_q, res, i) => json(res, 200, bodies[i]));
    for (let i = 0; i < bodies.length; i++) assert.deepEqual(await client.v1.startEnvironment('calc', 'P', { autoSyncDb: true }), { kind: 'alreadyStarted' });
    assert.equal(server.requests.length, bodies.length, 'a start is never repeated');
  });

  it('start: ALREADY_STARTED with an error status below 500 in any casing is "already started"', async () => {
    server.setHandler((_q, res) => json(res, 409, { errorCode: 'Already_Started', errorMessage: 'running' }));
    assert.deepEqual(await client.v1.startEnvironment('calc', 'P', { autoSyncDb: true }), { kind: 'alreadyStarted' });
  });

  it('a start-job poll answering ALREADY_STARTED (below 500, any casing) reads as Started, for the engine and the job waiter alike', async () => {
    server.setHandler((_q, res, i) => (i === 0 ? json(res, 400, { errorCode: 'already_started', errorMessage: 'running' }) : json(res, 409, { ErrorCode: 'ALREADY_STARTED' })));
    assert.deepEqual(await client.v1.getStartJob('calc', 'P', 'j-1'), { Status: 'Started' });
    assert.equal((await client.jobs.start('calc', 'P', 'j-1')).Status, 'Started');
  });

  it('a start-job poll failing with 500 ALREADY_STARTED is still a failure', async () => {
    server.setHandler((_q, res) => json(res, 500, { errorCode: 'ALREADY_STARTED', errorMessage: 'odd' }));
    await assert.rejects(client.v1.getStartJob('calc', 'P', 'j-1'), (e: unknown) => e instanceof MendixApiError && e.status === 500);
  });

  it('Backups v2: 500 SERVICE_UNAVAILABLE is retried with back-off on reads and polls, never on creates (§14.4)', async () => {
    const snap = { snapshot_id: 's-1', state: 'running' };
    server.setHandler((q, res, i) => {
      if (q.method === 'POST') return json(res, 500, { errorCode: 'SERVICE_UNAVAILABLE', errorMessage: 'Operation failed. Please try again later' });
      return i < 3 ? json(res, 500, { errorCode: 'service_unavailable', errorMessage: 'try again later' }) : json(res, 200, snap);
    });
    const got = await client.backups.getSnapshot('p', 'e', 's-1');
    assert.equal(got.snapshot_id, 's-1');
    assert.equal(server.requests.length, 4);
    assert.ok(clock.now() > 0, 'waited (back-off) between attempts');
    await assert.rejects(client.backups.createSnapshot('p', 'e', { comment: 'c' }), (e: unknown) => e instanceof MendixApiError && e.status === 500 && e.errorCode === 'SERVICE_UNAVAILABLE');
    assert.equal(server.requests.filter((r) => r.method === 'POST').length, 1);
  });

  it('Backups v2: another 500 is not retried', async () => {
    server.setHandler((_q, res) => json(res, 500, { errorCode: 'INTERNAL_ERROR' }));
    await assert.rejects(client.backups.getRestore('p', 'e', 'r-1'), (e: unknown) => e instanceof MendixApiError && e.status === 500);
    assert.equal(server.requests.length, 1);
  });

  it('transport: keeps retrying 503 while the package is processed, then succeeds', async () => {
    server.setHandler((_q, res, i) => (i < 8 ? json(res, 503, { errorCode: 'SERVICE UNAVAILABLE' }) : json(res, 200, {})));
    await client.v1.transport('calc', 'Production', 'pkg-1');
    assert.equal(server.requests.length, 9);
    assert.deepEqual(JSON.parse(server.requests[0].body.toString()), { PackageId: 'pkg-1' });
  });

  it('transport: stops retrying at the processing deadline', async () => {
    server.setHandler((_q, res) => json(res, 503, { errorCode: 'SERVICE UNAVAILABLE' }));
    await assert.rejects(client.v1.transport('calc', 'Production', 'pkg-1', { processingTimeoutMs: 20_000 }), (e: unknown) => e instanceof MendixApiError && e.status === 503);
    assert.ok(clock.now() <= 20_000);
  });

  it('transport: APP_IS_RUNNING gets the "stop first" hint and is not retried', async () => {
    server.setHandler((_q, res) => json(res, 403, { errorCode: 'APP_IS_RUNNING', errorMessage: 'running' }));
    const e = await client.v1.transport('calc', 'Production', 'pkg-1').catch((x: unknown) => x);
    assert.ok(e instanceof MendixApiError);
    assert.match(e.hint ?? '', /stop the environment first/);
    assert.equal(server.requests.length, 1);
  });

  it('NO_ACCESS on backups names Access to Backups', async () => {
    server.setHandler((_q, res) => json(res, 403, { errorCode: 'NO_ACCESS' }));
    const e = await client.backups.listSnapshots('p', 'e').catch((x: unknown) => x);
    assert.ok(e instanceof MendixApiError);
    assert.match(e.hint ?? '', /Access to Backups/);
    assert.match(e.hint ?? '', /Node Permissions/);
  });

  it('deployed package: accepts Url as {Location,TTL} or as a plain string', async () => {
    const pkg = { PackageId: 'p1', Name: 'a.mda', Status: 'Succeeded', Size: '1234S', CreationDate: 1404990271835, ExpiryDate: null };
    server.setHandler((_q, res, i) => json(res, 200, { ...pkg, Url: i === 0 ? { Location: 'http://h/x?sig=1', TTL: 900 } : 'http://h/y' }));
    const a = await client.v1.getDeployedPackage('calc', 'Production', { url: true });
    assert.deepEqual(a.Url, { Location: 'http://h/x?sig=1', TTL: 900 });
    assert.equal(a.Size, 1234);
    const b = await client.build.getPackage('calc', 'p1', { url: true });
    assert.deepEqual(b.Url, { Location: 'http://h/y', TTL: undefined });
    assert.equal(server.requests[0].url, '/api/1/apps/calc/environments/Production/package?url=true');
    assert.equal(server.requests[1].url, '/api/1/apps/calc/packages/p1?url=true');
  });

  it('tags: reads one {Tag}, a list of {Tag} or of strings; add/remove send {Tag}', async () => {
    const bodies = [{ Tag: 'A' }, [{ Tag: 'A' }, { Tag: 'B' }], ['C']];
    server.setHandler((q, res, i) => (q.method === 'GET' ? json(res, 200, bodies[i]) : (res.writeHead(204), res.end())));
    assert.deepEqual(await client.v1.getTags('calc', 'P'), ['A']);
    assert.deepEqual(await client.v1.getTags('calc', 'P'), ['A', 'B']);
    assert.deepEqual(await client.v1.getTags('calc', 'P'), ['C']);
    await client.v1.addTag('calc', 'P', 'x');
    await client.v1.removeTag('calc', 'P', 'x');
    assert.deepEqual(
      server.requests.slice(3).map((r) => [r.method, r.body.toString()]),
      [
        ['POST', '{"Tag":"x"}'],
        ['DELETE', '{"Tag":"x"}'],
      ],
    );
  });

  it('settings: validates scheduled event values and defaults missing custom settings', async () => {
    server.setHandler((_q, res, i) =>
      json(res, 200, {
        Constants: [{ Name: 'M.C', DataType: 'String', Value: 'x', DeployedValue: 'y' }],
        ScheduledEvents: [{ Name: 'M.E', Value: i === 0 ? 'Enabled' : 'On' }],
      }),
    );
    const s = await client.v1.getSettings('calc', 'P');
    assert.deepEqual(s.CustomSettings, []);
    await assert.rejects(client.v1.getSettings('calc', 'P'), (e: unknown) => e instanceof MendixResponseError && e.fieldPath === 'ScheduledEvents[0].Value');
  });

  it('snapshots: iterates every page using total', async () => {
    const all = Array.from({ length: 5 }, (_, i) => ({ snapshot_id: `s${i}`, state: 'completed' }));
    server.setHandler((q, res) => {
      const u = new URL(q.url, 'http://x');
      const offset = Number(u.searchParams.get('offset'));
      const limit = Number(u.searchParams.get('limit'));
      json(res, 200, { snapshots: all.slice(offset, offset + limit), total: all.length, offset, limit });
    });
    const got: string[] = [];
    for await (const s of client.backups.iterateSnapshots('p', 'e', { pageSize: 2 })) got.push(s.snapshot_id);
    assert.deepEqual(got, ['s0', 's1', 's2', 's3', 's4']);
    assert.equal(server.requests.length, 3);
  });

  it('restore: sends source_snapshot_id and db_only only when asked', async () => {
    server.setHandler((_q, res) => json(res, 200, { restore_id: 'r1', state: 'queued' }));
    await client.backups.createRestore('p', 'e', 's1');
    await client.backups.createRestore('p', 'e', 's1', { dbOnly: true });
    assert.equal(server.requests[0].url, '/api/v2/apps/p/environments/e/restores?source_snapshot_id=s1');
    assert.equal(server.requests[1].url, '/api/v2/apps/p/environments/e/restores?source_snapshot_id=s1&db_only=true');
  });

  it('v4: iterates apps until a short page (limit echoed by the server)', async () => {
    const apps = Array.from({ length: 7 }, (_, i) => ({ id: `a${i}`, name: `A${i}`, licenseType: 'licensed', subdomain: `a${i}`, region: 'r' }));
    server.setHandler((q, res) => {
      const u = new URL(q.url, 'http://x');
      const offset = Number(u.searchParams.get('offset'));
      const limit = Math.min(3, Number(u.searchParams.get('limit'))); // server clamps
      const page = apps.slice(offset, offset + limit);
      json(res, 200, { apps: page, pagination: { offset, limit, size: page.length } });
    });
    const ids: string[] = [];
    for await (const a of client.v4.iterateApps({ pageSize: 100 })) ids.push(a.id);
    assert.deepEqual(ids, apps.map((a) => a.id));
  });

  it('v4: environments with expand=package and sort encoded', async () => {
    server.setHandler((_q, res) =>
      json(res, 200, {
        environments: [{ id: 'e1', appId: 'a', name: 'Production', state: 'running', isProduction: true, url: 'https://x', package: { id: 'k', runtimeVersion: '10.24.3' } }],
        pagination: { offset: 0, limit: 20, size: 1 },
      }),
    );
    const r = await client.v4.listEnvironments('a', { expandPackage: true, sort: '+name' });
    assert.equal(r.environments[0].package?.runtimeVersion, '10.24.3');
    assert.equal(server.requests[0].url, '/api/v4/apps/a/environments?sort=%2Bname&expand=package');
  });

  it('v4: permissions accept string booleans from the spec example', async () => {
    server.setHandler((_q, res) => json(res, 200, { technicalContact: 'tc@x', permissions: [{ member: { userId: 'u@x' }, canDeployApp: 'true', canAccessAPI: false }] }));
    const p = await client.v4.getPermissions('a', 'e');
    assert.equal(p.technicalContact, 'tc@x');
    assert.equal(p.permissions[0].canDeployApp, true);
    assert.equal(p.permissions[0].canAccessAPI, false);
  });

  describe('jobs', () => {
    it('waits for a start job; a start failure on the poll is thrown', async () => {
      server.setHandler((_q, res, i) => (i < 2 ? json(res, 200, { Status: 'Starting' }) : json(res, 200, { Status: 'Started' })));
      const seen: string[] = [];
      await client.jobs.start('calc', 'P', 'j', { onProgress: (j) => seen.push(j.Status) });
      assert.deepEqual(seen, ['Starting', 'Starting', 'Started']);
      server.setHandler((_q, res) => json(res, 500, { errorCode: 'DB_SYNC_FAILED' }));
      await assert.rejects(client.jobs.start('calc', 'P', 'j'), (e: unknown) => e instanceof MendixApiError && e.errorCode === 'DB_SYNC_FAILED');
    });

    it('a failed snapshot throws with its status message', async () => {
      server.setHandler((_q, res) => json(res, 200, { snapshot_id: 's', state: 'failed', status_message: 'disk full' }));
      await assert.rejects(client.jobs.snapshot('p', 'e', 's'), (e: unknown) => e instanceof MendixJobFailedError && /disk full/.test(e.message));
    });

    it('an archive is done only once it has a url', async () => {
      server.setHandler((_q, res, i) => json(res, 200, { archive_id: 'a', data_type: 'files_and_database', state: 'completed', url: i < 1 ? null : 'http://h/z' }));
      const a = await client.jobs.archive('p', 'e', 's', 'a');
      assert.equal(a.url, 'http://h/z');
      assert.equal(server.requests.length, 2);
    });

    it('times out with the last state', async () => {
      server.setHandler((_q, res) => json(res, 200, { Status: 'Running' }));
      const e = await client.jobs.upload('calc', 'j', { timeoutMs: 10_000, intervalMs: 2000 }).catch((x: unknown) => x);
      assert.ok(e instanceof MendixWaitTimeoutError);
      assert.deepEqual(e.lastValue, { Status: 'Running' });
      // polls at 0, 2, 4, 6, 8 and 10 s, then the next one would pass the deadline
      assert.equal(server.requests.length, 6);
      assert.equal(clock.now(), 10_000);
    });
  });
});
