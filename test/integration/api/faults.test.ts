/** Faults injected through /_emulator/faults: bursts, rate limits, resets, malformed bodies, bad credentials. */
import { strict as assert } from 'node:assert';
import { MendixApiError, MendixOutcomeUnknownError, MendixResponseError } from '../../../src/core/mendix/api/errors';
import type { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { DEMO, FAST, calls, startHarness, type Harness } from './harness';

describe('integration: injected faults against the emulator', function () {
  this.timeout(30_000);
  let h: Harness;
  let c: MendixClient;
  const P = DEMO.projects.orderPortal.id;
  const PROD = DEMO.environments.orderPortalProduction.id;
  const SRC = DEMO.nodes.orderportal.subdomain;

  before(async () => {
    h = await startHarness();
    c = h.client();
  });
  after(() => h.close());
  beforeEach(async () => {
    await h.control('DELETE', '/_emulator/faults');
    await h.control('DELETE', '/_emulator/calls');
  });

  it('rides out a 503 burst on a read', async () => {
    await h.fault({ method: 'GET', path: '/api/1/apps', kind: 'status', status: 503, count: 3 });
    assert.ok((await c.v1.listApps()).length > 0);
    const log = (await calls(h)).filter((x) => x.path === '/api/1/apps');
    assert.deepEqual(
      log.map((x) => x.status),
      [503, 503, 503, 200],
    );
  });

  it('waits as long as Retry-After says on a 429', async () => {
    await h.fault({ method: 'GET', path: '/api/v4/apps', kind: 'status', status: 429, count: 1, headers: { 'Retry-After': '1' } });
    const t = Date.now();
    await c.v4.listApps({ limit: 1 });
    assert.ok(Date.now() - t >= 950, `waited ${Date.now() - t} ms`);
    assert.equal((await calls(h)).filter((x) => x.path === '/api/v4/apps').length, 2);
  });

  it('turns a malformed JSON answer into a MendixResponseError', async () => {
    await h.fault({ method: 'GET', path: '/api/1/apps/*/environments', kind: 'malformed' });
    await assert.rejects(c.v1.listEnvironments(SRC), (e: unknown) => e instanceof MendixResponseError && /not valid JSON/.test(e.message) && e.endpoint === `GET /api/1/apps/${SRC}/environments`);
  });

  it('revoked credentials give a 401 with a hint per family', async () => {
    const revoked = h.client({ username: DEMO.username, apiKey: 'revoked-api-key', pat: 'revoked-pat-token' });
    const e1 = await revoked.v1.listApps().catch((x: unknown) => x);
    assert.ok(e1 instanceof MendixApiError && e1.status === 401);
    assert.match(e1.hint ?? '', /username and API key/);
    const e2 = await revoked.v4.listApps().catch((x: unknown) => x);
    assert.ok(e2 instanceof MendixApiError && e2.status === 401);
    assert.match(e2.hint ?? '', /Personal Access Token/);
    assert.equal((await calls(h)).length, 2, 'a 401 is not retried');
  });

  it('names the node permission for NO_ACCESS', async () => {
    const viewer = h.client({ username: DEMO.viewer.username, apiKey: DEMO.viewer.apiKey });
    const e = await viewer.backups.listSnapshots(P, PROD).catch((x: unknown) => x);
    assert.ok(e instanceof MendixApiError && e.status === 403);
    assert.equal(e.errorCode, 'NO_ACCESS');
    assert.match(e.hint ?? '', /Access to Backups/);
  });

  it('does not repeat a start whose connection was reset: the outcome is unknown', async () => {
    await h.fault({ method: 'POST', path: '/api/1/apps/*/environments/*/start', kind: 'reset' });
    await assert.rejects(c.v1.startEnvironment(SRC, 'Acceptance', { autoSyncDb: true }), MendixOutcomeUnknownError);
    assert.equal((await calls(h)).filter((x) => x.path.endsWith('/start')).length, 1);
  });

  it('does not repeat a snapshot create after a 502, but does after a 503 refusal', async () => {
    const before = (await c.backups.listAllSnapshots(P, PROD)).length;
    await h.fault({ method: 'POST', path: '/api/v2/apps/*/environments/*/snapshots', kind: 'status', status: 502 });
    await assert.rejects(c.backups.createSnapshot(P, PROD), MendixOutcomeUnknownError);
    await h.fault({ method: 'POST', path: '/api/v2/apps/*/environments/*/snapshots', kind: 'status', status: 503, count: 2 });
    const s = await c.backups.createSnapshot(P, PROD, { comment: 'after refusals' });
    await c.jobs.snapshot(P, PROD, s.snapshot_id, FAST);
    const posts = (await calls(h)).filter((x) => x.method === 'POST' && x.path.endsWith('/snapshots'));
    assert.equal(posts.length, 4);
    assert.deepEqual(
      posts.slice(0, 3).map((x) => x.status),
      [502, 503, 503],
    );
    const last = posts[3]?.status ?? 0;
    assert.ok(last >= 200 && last < 300);
    assert.equal((await c.backups.listAllSnapshots(P, PROD)).length, before + 1, 'exactly one snapshot was created');
  });

  it('retries an idempotent read after a reset connection', async () => {
    await h.fault({ method: 'GET', path: '/api/1/apps/*', kind: 'reset', count: 2 });
    assert.equal((await c.v1.getApp(SRC)).AppId, SRC);
    assert.equal((await calls(h)).filter((x) => x.path === `/api/1/apps/${SRC}`).length, 3);
  });
});
