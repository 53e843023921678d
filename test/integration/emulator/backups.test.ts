import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { x as extract } from 'tar';
import { download, E, errorCode, P, packageForm, useEmulator, type Client } from './helpers';

interface Snap {
  snapshot_id: string;
  status_message: string | null;
  created_at: string;
  updated_at: string;
  finished_at: string | null;
  state: string;
  model_version: string | null;
  expires_at: string;
  comment: string | null;
}
interface Arch {
  archive_id: string;
  snapshot_id: string;
  data_type: string;
  state: string;
  status_message: string | null;
  finished_at: string | null;
  url: string | null;
}
interface Rest {
  restore_id: string;
  source_snapshot_id: string;
  source_environment_id: string;
  target_environment_id: string;
  state: string;
  status_message: string | null;
}

const OP_PROD = `/apps/${P.orderPortal.id}/environments/${E.orderPortalProduction.id}`;
const OP_ACCP = `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}`;
const US_PROD = `/apps/${P.orderPortalTempA.id}/environments/${E.orderPortalUsProduction.id}`;

async function completedSnapshot(c: Client, base: string): Promise<Snap> {
  const r = await c.v2<Snap>('POST', `${base}/snapshots`, { comment: 'before migration' });
  assert.equal(r.status, 200);
  await c.advance(120);
  return (await c.v2<Snap>('GET', `${base}/snapshots/${r.json.snapshot_id}`)).json;
}

async function completedArchive(c: Client, base: string, snapId: string, dataType?: string): Promise<Arch> {
  const q = dataType ? `?data_type=${dataType}` : '';
  const r = await c.v2<Arch>('POST', `${base}/snapshots/${snapId}/archives${q}`);
  assert.equal(r.status, 200);
  await c.advance(120);
  return (await c.v2<Arch>('GET', `${base}/snapshots/${snapId}/archives/${r.json.archive_id}`)).json;
}

describe('emulator: Backups API v2', () => {
  const { client } = useEmulator();
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'emu-backups-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('lists seeded nightly snapshots newest first with offset/limit/total', async () => {
    const c = client();
    const all = await c.v2<{ snapshots: Snap[]; total: number; offset: number; limit: number }>('GET', `${OP_PROD}/snapshots`);
    assert.equal(all.status, 200);
    assert.equal(all.json.total, 3);
    assert.equal(all.json.offset, 0);
    assert.equal(all.json.limit, 100);
    const times = all.json.snapshots.map((s) => Date.parse(s.created_at));
    assert.deepEqual(times, [...times].sort((a, b) => b - a));
    assert.ok(all.json.snapshots.every((s) => s.state === 'completed' && s.status_message === 'Completed backup creation'));
    const page = await c.v2<{ snapshots: Snap[]; total: number }>('GET', `${OP_PROD}/snapshots?offset=1&limit=1`);
    assert.equal(page.json.snapshots.length, 1);
    assert.equal(page.json.snapshots[0].snapshot_id, all.json.snapshots[1].snapshot_id);
    assert.equal(page.json.total, 3);
    assert.equal(errorCode(await c.v2('GET', `${OP_PROD}/snapshots?limit=0`)), 'INVALID_PARAMETERS');
  });

  it('common errors: 400 INVALID_PARAMETERS, 404 ENVIRONMENT_NOT_FOUND, 403 NO_ACCESS, 401', async () => {
    const c = client();
    assert.equal(errorCode(await c.v2('GET', `/apps/not-a-uuid/environments/${E.orderPortalProduction.id}/snapshots`)), 'INVALID_PARAMETERS');
    const wrongApp = await c.v2('GET', `/apps/${P.legacyHr.id}/environments/${E.orderPortalProduction.id}/snapshots`);
    assert.equal(wrongApp.status, 404);
    assert.equal(errorCode(wrongApp), 'ENVIRONMENT_NOT_FOUND');
    const viewer = await c.v2('GET', `${OP_ACCP}/snapshots`, undefined, 'viewerKey');
    assert.equal(viewer.status, 403);
    assert.equal(errorCode(viewer), 'NO_ACCESS');
    assert.equal((await c.v2('GET', `${OP_ACCP}/snapshots`, undefined, 'none')).status, 401);
  });

  it('snapshot: queued → running → completed; PUT comment keeps updated_at; DELETE removes; ENVIRONMENT_BUSY meanwhile', async () => {
    const c = client();
    const r = await c.v2<Snap>('POST', `${OP_ACCP}/snapshots`, { comment: 'manual' });
    assert.equal(r.json.state, 'queued');
    assert.equal(r.json.comment, 'manual');
    assert.equal(r.json.finished_at, null);
    const busy = await c.v2('POST', `${OP_ACCP}/snapshots`, {});
    assert.equal(busy.status, 400);
    assert.equal(errorCode(busy), 'ENVIRONMENT_BUSY');
    await c.advance(10);
    assert.equal((await c.v2<Snap>('GET', `${OP_ACCP}/snapshots/${r.json.snapshot_id}`)).json.state, 'running');
    await c.advance(120);
    const done = (await c.v2<Snap>('GET', `${OP_ACCP}/snapshots/${r.json.snapshot_id}`)).json;
    assert.equal(done.state, 'completed');
    assert.equal(done.status_message, 'Completed backup creation');
    assert.ok(done.finished_at);
    // A manual snapshot expires about 3 months after creation.
    const days = (Date.parse(done.expires_at) - Date.parse(done.created_at)) / 86_400_000;
    assert.ok(days >= 89 && days <= 92, `expires after ${days} days`);
    const put = await c.v2<Snap>('PUT', `${OP_ACCP}/snapshots/${done.snapshot_id}`, { comment: 'renamed' });
    assert.equal(put.json.comment, 'renamed');
    assert.equal(put.json.updated_at, done.updated_at);
    const del = await c.req('DELETE', `/api/v2${OP_ACCP}/snapshots/${done.snapshot_id}`, { auth: 'key' });
    assert.equal(del.status, 204);
    const gone = await c.v2('GET', `${OP_ACCP}/snapshots/${done.snapshot_id}`);
    assert.equal(gone.status, 404);
    assert.equal(errorCode(gone), 'NOT_FOUND');
  });

  it('full archive: a real .tar.gz with .metadata, db/db.backup (PGDMP) and tree/xx/yy/<uuid>; URL expires 8 h after completion', async () => {
    const c = client();
    const snap = await completedSnapshot(c, OP_PROD);
    const bad = await c.v2('POST', `${OP_PROD}/snapshots/${snap.snapshot_id}/archives?data_type=files_only`);
    assert.equal(bad.status, 400);
    assert.equal(errorCode(bad), 'UNSUPPORTED');
    const queued = await c.v2<Arch>('POST', `${OP_PROD}/snapshots/${snap.snapshot_id}/archives`);
    assert.equal(queued.json.state, 'queued');
    assert.equal(queued.json.url, null);
    assert.equal(queued.json.data_type, 'files_and_database');
    await c.advance(5);
    const running = await c.v2<Arch>('GET', `${OP_PROD}/snapshots/${snap.snapshot_id}/archives/${queued.json.archive_id}`);
    assert.equal(running.json.state, 'running');
    assert.equal(running.json.url, null);
    await c.advance(120);
    const a = (await c.v2<Arch>('GET', `${OP_PROD}/snapshots/${snap.snapshot_id}/archives/${queued.json.archive_id}`)).json;
    assert.equal(a.state, 'completed');
    assert.equal(a.status_message, 'Done preparing download archive');
    assert.ok(a.url);
    const dl = await download(a.url);
    assert.equal(dl.status, 200);
    assert.equal(dl.body[0], 0x1f);
    assert.equal(dl.body[1], 0x8b);
    const file = join(dir, 'a.tar.gz');
    writeFileSync(file, dl.body);
    const out = join(dir, 'x');
    rmSync(out, { recursive: true, force: true });
    const { mkdirSync, readdirSync } = await import('node:fs');
    mkdirSync(out);
    await extract({ file, cwd: out });
    const meta = JSON.parse(readFileSync(join(out, '.metadata'), 'utf8')) as Record<string, unknown>;
    for (const k of ['duration', 'dumpSize', 'modelVersion', 'databaseSize', 'filesSize']) assert.equal(typeof meta[k], 'string', k);
    assert.equal(meta.modelVersion, snap.model_version);
    assert.equal(readFileSync(join(out, 'db', 'db.backup')).subarray(0, 5).toString('latin1'), 'PGDMP');
    const shards = readdirSync(join(out, 'tree'));
    assert.ok(shards.length > 0 && shards.every((s) => /^[0-9a-f]{2}$/.test(s)));
    const inner = readdirSync(join(out, 'tree', shards[0]));
    const files = readdirSync(join(out, 'tree', shards[0], inner[0]));
    assert.match(files[0], new RegExp(`^${shards[0]}${inner[0]}[0-9a-f]{4}-`));
    // Still valid just before 8 h, expired after.
    await c.advance(8 * 3600 - 300);
    assert.equal((await fetch(a.url, { method: 'HEAD' })).status, 200);
    await c.advance(600);
    const expired = await fetch(a.url);
    assert.equal(expired.status, 403);
    assert.match(await expired.text(), /Request has expired/);
  });

  it('database_only archive is a bare .backup starting with PGDMP', async () => {
    const c = client();
    const snap = (await c.v2<{ snapshots: Snap[] }>('GET', `${OP_PROD}/snapshots`)).json.snapshots[0];
    const a = await completedArchive(c, OP_PROD, snap.snapshot_id, 'database_only');
    assert.equal(a.data_type, 'database_only');
    const dl = await download(a.url!);
    assert.equal(dl.body.subarray(0, 5).toString('latin1'), 'PGDMP');
    assert.match(dl.headers.get('content-disposition') ?? '', /\.backup"/);
    const missing = await c.v2('GET', `${OP_PROD}/snapshots/${snap.snapshot_id}/archives/00000000-0000-4000-8000-000000000000`);
    assert.equal(missing.status, 404);
  });

  it('restore needs a stopped environment (400 ERROR_NOT_ALLOWED), then queued → running → completed', async () => {
    const c = client();
    const snap = (await c.v2<{ snapshots: Snap[] }>('GET', `${OP_ACCP}/snapshots`)).json.snapshots[0];
    const running = await c.v2('POST', `${OP_ACCP}/restores?source_snapshot_id=${snap.snapshot_id}`);
    assert.equal(running.status, 400);
    assert.equal(errorCode(running), 'ERROR_NOT_ALLOWED');
    await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
    const r = await c.v2<Rest>('POST', `${OP_ACCP}/restores?source_snapshot_id=${snap.snapshot_id}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.state, 'queued');
    assert.equal(r.json.target_environment_id, E.orderPortalAcceptance.id);
    assert.equal(r.json.source_environment_id, E.orderPortalAcceptance.id);
    const busy = await c.v2('POST', `${OP_ACCP}/restores?source_snapshot_id=${snap.snapshot_id}`);
    assert.equal(errorCode(busy), 'ENVIRONMENT_BUSY');
    await c.advance(10);
    assert.equal((await c.v2<Rest>('GET', `${OP_ACCP}/restores/${r.json.restore_id}`)).json.state, 'running');
    await c.advance(200);
    const done = (await c.v2<Rest>('GET', `${OP_ACCP}/restores/${r.json.restore_id}`)).json;
    assert.equal(done.state, 'completed');
    assert.equal(done.status_message, 'Restore completed');
    const unknown = await c.v2('GET', `${OP_ACCP}/restores/00000000-0000-4000-8000-000000000000`);
    assert.equal(unknown.status, 400);
    assert.equal(errorCode(unknown), 'NOT_FOUND');
  });

  it('restores from another environment of the same app, never from another app', async () => {
    const c = client();
    const prodSnap = (await c.v2<{ snapshots: Snap[] }>('GET', `${OP_PROD}/snapshots`)).json.snapshots[0];
    await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
    const same = await c.v2<Rest>('POST', `${OP_ACCP}/restores?source_snapshot_id=${prodSnap.snapshot_id}&db_only=true`);
    assert.equal(same.status, 200);
    assert.equal(same.json.source_environment_id, E.orderPortalProduction.id);
    const missingParam = await c.v2('POST', `${US_PROD}/restores`);
    assert.equal(errorCode(missingParam), 'INVALID_PARAMETERS');
    const other = await c.v2('POST', `${US_PROD}/restores?source_snapshot_id=${prodSnap.snapshot_id}`);
    assert.equal(other.status, 400);
    assert.equal(errorCode(other), 'NOT_FOUND');
  });

  it('portal upload: a downloaded archive becomes an "Uploaded snapshot" on the target and restores there', async () => {
    const c = client();
    const snap = (await c.v2<{ snapshots: Snap[] }>('GET', `${OP_PROD}/snapshots`)).json.snapshots[0];
    const a = await completedArchive(c, OP_PROD, snap.snapshot_id);
    const bytes = (await download(a.url!)).body;
    const up = await c.req<Snap>('POST', `/_emulator/portal/upload-backup?projectId=${P.orderPortalTempA.id}&environmentId=${E.orderPortalUsProduction.id}`, {
      raw: bytes,
      headers: { 'Content-Type': 'application/gzip' },
    });
    assert.equal(up.status, 201);
    assert.equal(up.json.comment, 'Uploaded snapshot');
    assert.equal(up.json.status_message, 'Completed extraction');
    assert.equal(up.json.state, 'completed');
    assert.equal(up.json.model_version, snap.model_version);
    const listed = await c.v2<{ snapshots: Snap[] }>('GET', `${US_PROD}/snapshots`);
    assert.ok(listed.json.snapshots.some((s) => s.snapshot_id === up.json.snapshot_id));
    // The target has nothing deployed yet: restore needs an existing database.
    const empty = await c.v2('POST', `${US_PROD}/restores?source_snapshot_id=${up.json.snapshot_id}`);
    assert.equal(errorCode(empty), 'ERROR_NOT_ALLOWED');
    const src = await c.v1<{ Url: { Location: string }; Name: string }>('GET', '/apps/orderportal/environments/Production/package?url=true');
    const form = packageForm((await download(src.json.Url.Location)).body, src.json.Name);
    const pkg = await c.req<{ PackageId: string }>('POST', '/api/v2/apps/orderportal-us/packages/upload', { auth: 'key', raw: form });
    await c.advance(60);
    assert.equal((await c.v1('POST', '/apps/orderportal-us/environments/Production/transport', { PackageId: pkg.json.PackageId })).status, 200);
    const r = await c.v2<Rest>('POST', `${US_PROD}/restores?source_snapshot_id=${up.json.snapshot_id}`);
    assert.equal(r.status, 200);
    await c.advance(200);
    assert.equal((await c.v2<Rest>('GET', `${US_PROD}/restores/${r.json.restore_id}`)).json.state, 'completed');
  });

  it('a job failure set through the control endpoint ends the next snapshot, archive or restore as failed', async () => {
    const c = client();
    for (const operation of ['snapshot', 'archive', 'restore']) {
      assert.equal((await c.control('POST', '/job-failure', { environmentId: E.orderPortalAcceptance.id, operation })).status, 200);
    }
    const snap = await c.v2<Snap>('POST', `${OP_ACCP}/snapshots`, {});
    await c.advance(60);
    const failed = (await c.v2<Snap>('GET', `${OP_ACCP}/snapshots/${snap.json.snapshot_id}`)).json;
    assert.equal(failed.state, 'failed');
    assert.equal(failed.status_message, 'Backup creation failed');
    const good = (await c.v2<{ snapshots: Snap[] }>('GET', `${OP_ACCP}/snapshots`)).json.snapshots.find((s) => s.state === 'completed')!;
    const archive = await completedArchive(c, OP_ACCP, good.snapshot_id);
    assert.equal(archive.state, 'failed');
    assert.equal(archive.url, null);
    assert.equal((await completedArchive(c, OP_ACCP, good.snapshot_id)).state, 'completed', 'only the next one fails');
    await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
    const r = await c.v2<Rest>('POST', `${OP_ACCP}/restores?source_snapshot_id=${good.snapshot_id}`);
    await c.advance(200);
    const restored = (await c.v2<Rest>('GET', `${OP_ACCP}/restores/${r.json.restore_id}`)).json;
    assert.equal(restored.state, 'failed');
    assert.equal(restored.status_message, 'Restore failed');
    assert.equal((await c.control('POST', '/job-failure', { environmentId: E.orderPortalAcceptance.id, operation: 'deploy' })).status, 400);
  });

  it('portal upload accepts a bare PGDMP dump and refuses non-backups and files-only archives', async () => {
    const c = client();
    const path = `/_emulator/portal/upload-backup?projectId=${P.orderPortalTempA.id}&environmentId=${E.orderPortalUsAcceptance.id}`;
    const dump = await c.req<Snap>('POST', path, { raw: Buffer.concat([Buffer.from('PGDMP'), Buffer.alloc(500, 7)]) });
    assert.equal(dump.status, 201);
    assert.equal(dump.json.comment, 'Uploaded snapshot');
    const junk = await c.req('POST', path, { raw: Buffer.from('this is not a backup') });
    assert.equal(junk.status, 400);
    const { c: create } = await import('tar');
    const src = join(dir, 'src');
    const { mkdirSync } = await import('node:fs');
    mkdirSync(join(src, 'tree', 'ab', 'cd'), { recursive: true });
    writeFileSync(join(src, 'tree', 'ab', 'cd', 'abcd0000-0000-4000-8000-000000000000'), 'file');
    await create({ gzip: true, file: join(dir, 'files.tar.gz'), cwd: src }, ['tree']);
    const filesOnly = await c.req<{ errorMessage: string }>('POST', path, { raw: readFileSync(join(dir, 'files.tar.gz')) });
    assert.equal(filesOnly.status, 400);
    assert.match(filesOnly.json.errorMessage, /files-only/i);
    const wrongEnv = await c.req('POST', `/_emulator/portal/upload-backup?projectId=${P.orderPortal.id}&environmentId=${E.orderPortalUsAcceptance.id}`, { raw: Buffer.from('PGDMP') });
    assert.equal(wrongEnv.status, 404);
  });
});
