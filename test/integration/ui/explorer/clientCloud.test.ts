/**
 * The Mendix Cloud port's tree operations over the real API client, against the emulator's demo seed on
 * loopback: merged v1 + v4 data, vocabularies, start/stop, backups and downloads with progress.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createCloudFactory, createCredentialChecker } from '../../../../src/core/mendix/clientFactory';
import type { TransferSnapshot } from '../../../../src/core/shared/format';
import type { CloudApp, EnvironmentInfo, MendixCloud } from '../../../../src/core/mendix/services';
import { createLogger } from '../../../../src/core/shared/logger';
import { MemoryLogSink } from '../../../support/memoryLogSink';
import { Redactor } from '../../../../src/core/shared/redact';
import { startEmulator, type RunningEmulator } from '../../../emulator/server';
import { DEMO } from '../../../emulator/seeds/demo';

describe('ClientMendixCloud (tree operations) against the emulator (demo seed)', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  let svc: MendixCloud;
  let folder: string;
  const logs = new MemoryLogSink();
  const redactor = new Redactor();
  let opts: Parameters<typeof createCloudFactory>[0];

  before(async () => {
    emulator = await startEmulator({ seed: 'demo', quiet: true, timeScale: 120 });
    opts = {
      config: () => ({ deployBaseUrl: emulator.baseUrl, cloudPortalBaseUrl: emulator.baseUrl, homeBaseUrl: emulator.baseUrl }),
      log: createLogger(logs.sink, (t) => redactor.redact(t)),
      redactor,
    };
    svc = createCloudFactory(opts)({ username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat });
    folder = mkdtempSync(join(tmpdir(), 'mx-explorer-'));
  });

  after(async () => {
    await emulator.close();
    rmSync(folder, { recursive: true, force: true });
  });

  async function orderPortal(): Promise<{ app: CloudApp; acc: EnvironmentInfo; prod: EnvironmentInfo }> {
    const apps = await svc.listAccountApps();
    const app = apps.find((a) => a.projectId === DEMO.projects.orderPortal.id);
    assert.ok(app);
    const envs = await svc.listAppEnvironments(app);
    const acc = envs.find((e) => e.environmentId === DEMO.environments.orderPortalAcceptance.id);
    const prod = envs.find((e) => e.environmentId === DEMO.environments.orderPortalProduction.id);
    assert.ok(acc && prod);
    return { app, acc, prod };
  }

  it('checks credentials with one read per family and names the family that failed', async () => {
    const check = createCredentialChecker(opts);
    assert.deepEqual(await check({ username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat }), { ok: true, problems: [] });
    const bad = await check({ username: DEMO.username, apiKey: 'not-the-key', pat: DEMO.pat });
    assert.equal(bad.ok, false);
    assert.deepEqual(bad.problems, ['The username and API key were not accepted (HTTP 401).']);
    assert.deepEqual((await check({})).problems, ['Enter a username and API key, or a Personal Access Token.']);
  });

  it('lists the demo apps with v1 sub-domains merged with v4 regions and Technical Contacts', async () => {
    const apps = await svc.listAccountApps();
    assert.deepEqual(
      apps.map((a) => [a.name, a.appId, a.region, a.generation]),
      [
        // Its URL (legacyhr.mendixcloud.com) has no .apps.<region>. label: a v3 node, though v4 lists the app.
        ['Legacy HR', 'legacyhr', 'prod-eu-central-1', 'v3'],
        ['Legacy HR (temp A)', 'legacyhr-v4', 'prod2-eu-central-1', 'v4'],
        ['Legacy HR (temp B)', 'legacyhr-tempb', undefined, 'none'],
        ['Order Portal', 'orderportal', 'prod2-eu-central-1', 'v4'],
        ['Order Portal (temp A)', 'orderportal-us', 'prod-us-west-2', 'v4'],
        ['Order Portal (temp B)', 'orderportal-tempb', undefined, 'none'],
      ],
    );
    assert.deepEqual(apps[3].technicalContact, { userId: DEMO.username, name: 'Demo User' });
  });

  it('maps environments, the deployed package, backups and settings', async () => {
    const { app, acc } = await orderPortal();
    assert.equal(acc.status, 'Running');
    assert.match(acc.mendixVersion ?? '', /^10\.24\./);
    const pkg = await svc.getDeployedPackage(app.appId, acc.mode);
    assert.equal(pkg?.packageId, DEMO.packages.orderPortalAcceptance.id);
    const snaps = await svc.listSnapshotPage(app.projectId, acc.environmentId, 0, 10);
    assert.ok(snaps.items.length >= 1 && snaps.total !== undefined);
    assert.ok(snaps.items.every((s) => ['queued', 'running', 'completed', 'failed'].includes(s.state)));
    const settings = await svc.getSettings(app.appId, acc.mode);
    assert.ok(settings.constants.some((c) => c.name === DEMO.smtpConstant));
    assert.ok(settings.scheduledEvents.every((e) => e.value === 'Enabled' || e.value === 'Disabled'));
    const tempB = (await svc.listAccountApps()).find((a) => a.generation === 'none');
    assert.ok(tempB);
    assert.deepEqual(await svc.listAppEnvironments(tempB), []);
  });

  it('stops and starts an environment, reporting the start job’s progress', async () => {
    const { app, acc } = await orderPortal();
    const signal = new AbortController().signal;
    await svc.stop(app.appId, acc.mode, signal);
    assert.equal((await orderPortal()).acc.status, 'Stopped');
    const phases: string[] = [];
    await svc.startAndWait(app.appId, acc.mode, (p) => phases.push(p), signal);
    assert.equal((await orderPortal()).acc.status, 'Running');
    assert.equal(phases[0], 'Starting');
  });

  it('downloads the deployed package with bytes and rate, and creates and downloads a backup', async () => {
    const { app, acc } = await orderPortal();
    const signal = new AbortController().signal;
    const seen: TransferSnapshot[] = [];
    const pkg = await svc.downloadDeployedPackage(app, acc, folder, (t) => seen.push(t), signal);
    assert.equal(statSync(pkg.path).size, pkg.size);
    assert.ok(seen.length > 0 && seen.at(-1)?.bytes === pkg.size);

    const snap = await svc.createSnapshotAndWait(app.projectId, acc.environmentId, 'from the explorer test', () => undefined, signal);
    assert.equal(snap.state, 'completed');
    const jobs: string[] = [];
    const backup = await svc.downloadBackup(app, acc, snap, 'database_only', folder, { job: (p) => jobs.push(p), transfer: () => undefined }, signal);
    assert.match(backup.path, /database-orderportal-Acceptance-\d{12}\.backup$/);
    assert.equal(statSync(backup.path).size, backup.size);
    assert.ok(jobs.length > 0);
  });

  it('never logs the API key or the token', () => {
    const all = logs.lines.map((l) => l.message).join('\n');
    assert.ok(all.length > 0);
    assert.ok(!all.includes(DEMO.apiKey) && !all.includes(DEMO.pat) && !all.includes('not-the-key'));
  });
});
