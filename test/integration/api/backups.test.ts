/** Backups API v2, archive downloads (with a reset half-way), archive checks and restores against the emulator. */
import { strict as assert } from 'node:assert';
import { createReadStream, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MendixApiError } from '../../../src/core/mendix/api/errors';
import type { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { downloadToFile } from '../../../src/core/mendix/transfer/download';
import { uploadPackageFile } from '../../../src/core/mendix/transfer/packageUpload';
import { readManifest } from '../../../src/core/mendix/transfer/manifest';
import { DownloadUrlExpiredError } from '../../../src/core/mendix/transfer/transferErrors';
import { verifyBackupArchive } from '../../../src/core/mendix/transfer/verifyBackupArchive';
import { DEMO, FAST, calls, startHarness, type Harness } from './harness';

interface ServedState {
  archives: Record<string, { served: { size: number; sha256: string } | null }>;
}

describe('integration: Backups API v2 and archive downloads against the emulator', function () {
  this.timeout(60_000);
  let h: Harness;
  let c: MendixClient;
  let dir: string;
  const P = DEMO.projects.orderPortal.id;
  const PROD = DEMO.environments.orderPortalProduction.id;
  const ACC = DEMO.environments.orderPortalAcceptance.id;

  before(async () => {
    h = await startHarness();
    c = h.client();
    dir = mkdtempSync(join(tmpdir(), 'mx-int-bk-'));
    await h.control('POST', '/_emulator/config', { archiveBytes: 8 * 1024 * 1024 });
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  let snapshotId = '';
  it('creates a snapshot, waits for it and finds it in the paginated list', async () => {
    const s = await c.backups.createSnapshot(P, PROD, { comment: 'before migration' });
    assert.equal(s.state, 'queued');
    snapshotId = s.snapshot_id;
    const states: string[] = [];
    const done = await c.jobs.snapshot(P, PROD, snapshotId, { ...FAST, onProgress: (x) => states.push(x.state) });
    assert.equal(done.state, 'completed');
    const all = await c.backups.listAllSnapshots(P, PROD);
    assert.ok(all.some((x) => x.snapshot_id === snapshotId));
    const page = await c.backups.listSnapshots(P, PROD, { offset: 0, limit: 1 });
    assert.equal(page.snapshots.length, 1);
    assert.ok(page.total >= 2);
    const updated = await c.backups.updateSnapshot(P, PROD, snapshotId, 'migration source');
    assert.equal(updated.comment, 'migration source');
    assert.equal((await c.backups.getSnapshot(P, PROD, snapshotId)).comment, 'migration source');
  });

  let archivePath = '';
  it('downloads a full archive, survives a reset at 50 % by resuming, and the SHA-256 equals the served one', async () => {
    const a = await c.backups.createArchive(P, PROD, snapshotId, 'files_and_database');
    assert.equal(a.url, undefined);
    const done = await c.jobs.archive(P, PROD, snapshotId, a.archive_id, FAST);
    const served = (await h.control<ServedState>('GET', '/_emulator/state')).archives[a.archive_id].served;
    assert.ok(served);
    await h.fault({ method: 'GET', path: '/_downloads/archives/**', kind: 'reset', afterBytes: Math.floor(served.size / 2) });
    archivePath = join(dir, 'full.tar.gz');
    const r = await downloadToFile({ url: done.url, dest: archivePath, details: { archiveId: a.archive_id } });
    assert.equal(r.sha256, served.sha256);
    assert.equal(r.size, served.size);
    assert.ok(r.requests >= 2);
    assert.ok(r.bytesFetched <= served.size * 1.01, `${r.bytesFetched} of ${served.size}`);
    const downloads = (await calls(h)).filter((x) => x.path.startsWith('/_downloads/archives/'));
    assert.equal(downloads.at(-1)?.status, 206);
    assert.equal((await readManifest(archivePath))?.sha256, served.sha256);
    const report = await verifyBackupArchive(archivePath);
    assert.equal(report.kind, 'full');
    assert.ok(report.dbBytes > 0);
    assert.equal(typeof report.metadata?.modelVersion, 'string');
  });

  it('downloads a database-only archive that starts with PGDMP', async () => {
    const a = await c.backups.createArchive(P, PROD, snapshotId, 'database_only');
    const done = await c.jobs.archive(P, PROD, snapshotId, a.archive_id, FAST);
    const file = join(dir, 'db.backup');
    await downloadToFile({ url: done.url, dest: file });
    assert.equal((await verifyBackupArchive(file)).kind, 'databaseOnly');
  });

  it('reports an archive URL used after its 8 hours as expired', async () => {
    const a = await c.backups.createArchive(P, PROD, snapshotId);
    const done = await c.jobs.archive(P, PROD, snapshotId, a.archive_id, FAST);
    await h.advance(9 * 3600);
    await assert.rejects(downloadToFile({ url: done.url, dest: join(dir, 'late.tar.gz') }), DownloadUrlExpiredError);
  });

  it('restores a snapshot of the same app into a stopped environment', async () => {
    await assert.rejects(c.backups.createRestore(P, ACC, snapshotId), (e: unknown) => e instanceof MendixApiError && e.status === 400);
    await c.v1.stopEnvironment(DEMO.nodes.orderportal.subdomain, 'Acceptance');
    const r = await c.backups.createRestore(P, ACC, snapshotId);
    assert.equal(r.state, 'queued');
    const done = await c.jobs.restore(P, ACC, r.restore_id, FAST);
    assert.equal(done.state, 'completed');
    assert.equal(done.source_snapshot_id, snapshotId);
  });

  it('after a portal upload to the target, the uploaded snapshot restores there', async () => {
    const tgtProject = DEMO.projects.orderPortalTempA.id;
    const tgtEnv = DEMO.environments.orderPortalUsAcceptance.id;
    const res = await fetch(`${h.baseUrl}/_emulator/portal/upload-backup?projectId=${tgtProject}&environmentId=${tgtEnv}`, {
      method: 'POST',
      body: createReadStream(archivePath) as unknown as BodyInit,
      duplex: 'half',
    } as RequestInit);
    assert.equal(res.status, 201, await res.clone().text());
    const uploaded = (await c.backups.listAllSnapshots(tgtProject, tgtEnv)).find((s) => s.comment === 'Uploaded snapshot');
    assert.ok(uploaded);
    const done = await c.jobs.snapshot(tgtProject, tgtEnv, uploaded.snapshot_id, FAST);
    // A restore needs a database: deploy the source's package to the target first.
    const TGT = DEMO.nodes.orderportalUs.subdomain;
    const pkg = await c.v1.getDeployedPackage(DEMO.nodes.orderportal.subdomain, 'Production', { url: true });
    assert.ok(pkg.Url);
    const mda = join(dir, 'p.mda');
    await downloadToFile({ url: pkg.Url.Location, dest: mda });
    const up = await uploadPackageFile(c.v2, TGT, mda);
    await c.jobs.upload(TGT, up.JobId, FAST);
    await c.v1.transport(TGT, 'Acceptance', up.PackageId);
    // A snapshot of another app cannot be restored by API: that is why the portal upload exists.
    await assert.rejects(c.backups.createRestore(tgtProject, tgtEnv, snapshotId), (e: unknown) => e instanceof MendixApiError && e.status === 400);
    const r = await c.backups.createRestore(tgtProject, tgtEnv, done.snapshot_id);
    assert.equal((await c.jobs.restore(tgtProject, tgtEnv, r.restore_id, FAST)).state, 'completed');
  });

  it('deletes a snapshot', async () => {
    const s = await c.backups.createSnapshot(P, PROD, { comment: 'throwaway' });
    await c.jobs.snapshot(P, PROD, s.snapshot_id, FAST);
    await c.backups.deleteSnapshot(P, PROD, s.snapshot_id);
    await assert.rejects(c.backups.getSnapshot(P, PROD, s.snapshot_id), (e: unknown) => e instanceof MendixApiError && e.status === 404);
  });
});
