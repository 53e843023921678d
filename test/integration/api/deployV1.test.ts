/** Deploy v1, Build and Deploy v2 methods against the emulator, in the order a migration uses them. */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MendixApiError } from '../../../src/core/mendix/api/errors';
import type { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { downloadToFile } from '../../../src/core/mendix/transfer/download';
import { uploadPackageFile } from '../../../src/core/mendix/transfer/packageUpload';
import { DEMO, FAST, calls, startHarness, type Harness } from './harness';

interface ServedState {
  packages: Record<string, { served: { size: number; sha256: string } | null }>;
}

describe('integration: Deploy v1, Build, Deploy v2 against the emulator', function () {
  this.timeout(60_000);
  let h: Harness;
  let c: MendixClient;
  let dir: string;
  const SRC = DEMO.nodes.orderportal.subdomain;
  const TGT = DEMO.nodes.orderportalUs.subdomain;

  before(async () => {
    h = await startHarness();
    c = h.client();
    dir = mkdtempSync(join(tmpdir(), 'mx-int-v1-'));
  });
  after(async () => {
    await h.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('lists apps and reads one; the v1 AppId is the node sub-domain', async () => {
    const apps = await c.v1.listApps();
    const op = apps.find((a) => a.ProjectId === DEMO.projects.orderPortal.id);
    assert.equal(op?.AppId, SRC);
    assert.equal(op?.Name, 'Order Portal');
    const one = await c.v1.getApp(SRC);
    assert.equal(one.ProjectId, DEMO.projects.orderPortal.id);
  });

  it('lists environments and reads one by Mode (case-insensitively)', async () => {
    const envs = await c.v1.listEnvironments(SRC);
    const prod = envs.find((e) => e.Mode === 'Production');
    assert.equal(prod?.EnvironmentId, DEMO.environments.orderPortalProduction.id);
    assert.equal(prod?.Status, 'Running');
    const acc = await c.v1.getEnvironment(SRC, 'acceptance');
    assert.equal(acc.EnvironmentId, DEMO.environments.orderPortalAcceptance.id);
    await assert.rejects(c.v1.getEnvironment(SRC, 'Nope'), (e: unknown) => e instanceof MendixApiError && e.status === 404 && e.errorCode === 'ENVIRONMENT_NOT_FOUND');
  });

  it('reads settings, tags and scales', async () => {
    const s = await c.v1.getSettings(SRC, 'Production');
    assert.ok(s.Constants.some((k) => k.Name === DEMO.smtpConstant));
    assert.ok(s.ScheduledEvents.length > 0);
    await c.v1.addTag(TGT, 'Production', 'migrated');
    assert.ok((await c.v1.getTags(TGT, 'Production')).includes('migrated'));
    await c.v1.removeTag(TGT, 'Production', 'migrated');
    assert.ok(!(await c.v1.getTags(TGT, 'Production')).includes('migrated'));
    const scaled = await c.v1.scale(TGT, 'Production', { Instances: 1, MemoryPerInstance: 1024 });
    assert.equal(scaled.Instances, 1);
    assert.equal(scaled.MemoryPerInstance, 1024);
  });

  let packagePath = '';
  it('downloads the deployed package through its short-lived URL; size and SHA-256 match', async () => {
    const pkg = await c.v1.getDeployedPackage(SRC, 'Production', { url: true });
    assert.equal(pkg.PackageId, DEMO.packages.orderPortalProduction.id);
    assert.ok(pkg.Url?.Location);
    packagePath = join(dir, pkg.Name ?? 'package.mda');
    const r = await downloadToFile({ url: pkg.Url.Location, dest: packagePath, expectedSize: pkg.Size });
    const state = await h.control<ServedState>('GET', '/_emulator/state');
    assert.equal(r.sha256, state.packages[pkg.PackageId].served?.sha256);
    const viaBuild = await c.build.getPackage(SRC, pkg.PackageId, { url: true });
    assert.equal(viaBuild.Status, 'Succeeded');
    assert.ok((await c.build.listPackages(SRC)).some((p) => p.PackageId === pkg.PackageId));
  });

  let uploadedId = '';
  it('uploads the package to the target with v2 and waits for its job', async () => {
    const seen: number[] = [];
    const up = await uploadPackageFile(c.v2, TGT, packagePath, { onProgress: (p) => seen.push(p.bytes) });
    uploadedId = up.PackageId;
    const job = await c.jobs.upload(TGT, up.JobId, FAST);
    assert.equal(job.Status, 'Completed');
    assert.ok(seen.length > 0);
    const state = await h.control<ServedState>('GET', '/_emulator/state');
    const src = await c.v1.getDeployedPackage(SRC, 'Production');
    assert.equal(state.packages[uploadedId].served?.sha256, state.packages[src.PackageId].served?.sha256);
  });

  it('transport through a 503 burst, then start/poll/stop on the target', async () => {
    await c.v1.stopEnvironment(TGT, 'Production');
    // The package may still be processing (503); a burst on top proves transport keeps trying.
    await h.fault({ method: 'POST', path: '/api/1/apps/*/environments/*/transport', kind: 'status', status: 503, errorCode: 'SERVICE UNAVAILABLE', count: 3 });
    await c.v1.transport(TGT, 'Production', uploadedId, { processingTimeoutMs: 30_000 });
    const transports = (await calls(h)).filter((x) => x.path.endsWith('/transport'));
    assert.ok(transports.length >= 4, String(transports.length));
    assert.equal(transports.at(-1)?.status, 200);
    const start = await c.v1.startEnvironment(TGT, 'Production', { autoSyncDb: true });
    assert.equal(start.kind, 'started');
    if (start.kind === 'started') await c.jobs.start(TGT, 'Production', start.jobId, FAST);
    assert.equal((await c.v1.getEnvironment(TGT, 'Production')).Status, 'Running');
    // A second start answers 200 ALREADY_STARTED, which is success.
    assert.deepEqual(await c.v1.startEnvironment(TGT, 'Production', { autoSyncDb: true }), { kind: 'alreadyStarted' });
    await c.v1.stopEnvironment(TGT, 'Production');
    assert.equal((await c.v1.getEnvironment(TGT, 'Production')).Status, 'Stopped');
  });

  it('transport into a running environment is accepted; the running model changes only at the next start (§14.1)', async () => {
    await c.v1.transport(SRC, 'Acceptance', DEMO.packages.orderPortalProduction.id);
    const env = await c.v1.getEnvironment(SRC, 'Acceptance');
    assert.equal(env.Status, 'Running');
    assert.equal(env.ModelVersion, DEMO.packages.orderPortalAcceptance.version);
    assert.equal((await c.v1.getDeployedPackage(SRC, 'Acceptance')).PackageId, DEMO.packages.orderPortalProduction.id);
    // Put the running package back: it is the one deployed again, nothing waits for a start.
    await c.v1.transport(SRC, 'Acceptance', DEMO.packages.orderPortalAcceptance.id);
    assert.equal((await c.v1.getDeployedPackage(SRC, 'Acceptance')).PackageId, DEMO.packages.orderPortalAcceptance.id);
  });

  it('copies settings to the target', async () => {
    const src = await c.v1.getSettings(SRC, 'Production');
    const tgt = await c.v1.getSettings(TGT, 'Production');
    const names = new Set(tgt.Constants.map((k) => k.Name));
    const update = src.Constants.filter((k) => names.has(k.Name) && k.Value !== undefined).map((k) => ({ Name: k.Name, Value: k.Value ?? '' }));
    const after = await c.v1.setSettings(TGT, 'Production', { Constants: update });
    for (const u of update) assert.equal(after.Constants.find((k) => k.Name === u.Name)?.Value, u.Value);
  });

  it('builds a package from the Team Server and waits for it', async () => {
    const id = await c.build.startBuild(SRC, { Branch: 'main', Revision: 'abc1234', Version: '1.8.0', Description: 'int' });
    const pkg = await c.jobs.packageReady(SRC, id, FAST);
    assert.equal(pkg.Status, 'Succeeded');
    await c.build.deletePackage(SRC, id);
    await assert.rejects(c.build.getPackage(SRC, id), (e: unknown) => e instanceof MendixApiError && e.status === 404);
  });

  it('cleans a stopped environment back to Empty', async () => {
    assert.equal((await c.v1.getEnvironment(TGT, 'Production')).Status, 'Stopped');
    await c.v1.clean(TGT, 'Production');
    assert.equal((await c.v1.getEnvironment(TGT, 'Production')).Status, 'Empty');
  });
});
