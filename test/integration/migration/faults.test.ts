import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { createLogger } from '../../../src/core/shared/logger';
import { createMigration } from '../../../src/core/migration/session';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import type { RunOutcome } from '../../../src/core/migration/runner';
import { hashFile } from '../../../src/core/mendix/transfer/manifest';
import { DEMO } from '../../emulator/seeds/demo';
import { acceptedWrites, actAsPerson, demoInput, demoServices, Portal } from './harness';

describe('migration under injected faults', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let dir: string;
  let portal: Portal;

  beforeEach(async () => {
    emu = await startEmulator({ seed: 'demo', timeScale: 2000, quiet: true, archiveBytes: 600_000, packageBytes: 200_000 });
    portal = new Portal(emu.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mm-faults-'));
    await portal.config({ minSupportedMajor: 6 });
  });
  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  const fault = (f: Record<string, unknown>) => axios.post(`${emu.baseUrl}/_emulator/faults`, f);

  async function session() {
    const input = demoInput('legacyHr', join(dir, 'downloads'));
    const { client, services } = demoServices(emu.baseUrl);
    const prompt = new ScriptedPrompt('faults-test', { typed: { [input.source.name]: input.source.name }, yes: true });
    const s = await createMigration(dir, input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 20, pollTimeoutMs: 120_000 } });
    return { input, client, s };
  }

  async function drive(s: Awaited<ReturnType<typeof session>>, untilFailure = false): Promise<RunOutcome> {
    let out: RunOutcome = { status: 'failed', waiting: [], failed: [] };
    for (let i = 0; i < 30; i++) {
      out = await s.s.runner.run();
      if (out.status === 'completed' || (untilFailure && out.status === 'failed')) return out;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed, null, 1));
      await actAsPerson(portal, s.s.runner, out, s.input);
    }
    return out;
  }

  it('survives 5xx bursts, connection resets mid-download and an expired archive URL', async () => {
    await fault({ method: 'GET', path: '/api/v2/apps/*/environments/*/snapshots/*', kind: 'status', status: 503, count: 3 });
    await fault({ method: 'POST', path: '/api/1/apps/*/environments/*/transport', kind: 'status', status: 503, count: 2 });
    await fault({ method: 'GET', path: '/api/1/apps', kind: 'reset', count: 2 });
    await fault({ method: 'GET', path: '/_downloads/archives/**', kind: 'reset', afterBytes: 200_000, count: 1 });
    const s = await session();
    const first = await s.s.runner.run();
    assert.equal(first.status, 'waiting-for-person', JSON.stringify(first.failed));
    // The rehearsal archive downloaded through a reset; now its URL "expires" before the final download.
    await fault({ method: 'GET', path: '/_downloads/archives/**', kind: 'status', status: 403, body: '<Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>', count: 1 });
    await actAsPerson(portal, s.s.runner, first, s.input);
    const out = await drive(s);
    assert.equal(out.status, 'completed', JSON.stringify(out.failed));
    const j = s.s.store.peek();
    const rehearsal = j.steps['backup.download'].outputs;
    assert.equal(rehearsal.verified, true);
    assert.equal((await hashFile(typeof rehearsal.path === 'string' ? rehearsal.path : '')).sha256, rehearsal.sha256, 'the resumed file has the recorded SHA-256');
    const final = j.steps['cutover.download'];
    assert.ok(final.intents.some((i) => i.action === 'rearchive1' && i.resolvedAt), 'a fresh archive was requested for the expired URL');
    const remaining = (await axios.get<unknown[]>(`${emu.baseUrl}/_emulator/faults`)).data;
    assert.equal(remaining.length, 0, 'every fault was hit');
    const writes = acceptedWrites(await portal.calls());
    assert.equal(writes.get(`POST /api/v2/apps/${DEMO.projects.legacyHr.id}/environments/${DEMO.environments.legacyHrProduction.id}/snapshots`), 2);
    s.client.dispose();
  });

  it('a failure inside the cutover window restarts the source, is recorded, and a later cutover completes', async () => {
    const s = await session();
    let out: RunOutcome = await s.s.runner.run();
    for (let i = 0; i < 20 && !out.waiting.some((w) => w.stepId === 'cutover.upload'); i++) {
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      await actAsPerson(portal, s.s.runner, out, s.input);
      out = await s.s.runner.run();
    }
    const srcId = DEMO.environments.legacyHrProduction.id;
    assert.equal((await portal.state()).environments[srcId].status, 'Stopped', 'the data freeze is on');
    await fault({ method: 'POST', path: '/api/v2/apps/*/environments/*/restores', kind: 'status', status: 500, errorCode: 'SERVICE_UNAVAILABLE', errorMessage: 'down', count: 100 });
    await actAsPerson(portal, s.s.runner, { ...out, waiting: out.waiting.filter((w) => w.stepId === 'cutover.upload') }, s.input);
    const failed = await s.s.runner.run();
    assert.equal(failed.status, 'failed');
    assert.ok(failed.failed.some((f) => f.stepId === 'cutover.restore'));
    const j = s.s.store.peek();
    assert.equal(j.cutover.rollback?.result, 'source-restarted');
    assert.match(j.cutover.rollback?.reason ?? '', /cutover\.restore/);
    assert.equal((await portal.state()).environments[srcId].status, 'Running', 'the source runs again');
    assert.equal(j.steps['cutover.stop-source'].status, 'pending', 'the next cutover starts from the stop');

    await axios.delete(`${emu.baseUrl}/_emulator/faults`);
    const done = await drive(s);
    assert.equal(done.status, 'completed', JSON.stringify(done.failed));
    const events = await s.s.store.readEvents();
    assert.ok(events.some((e) => e.type === 'rollback'));
    s.client.dispose();
  });

  it('reports a persistent failure with a next action, loses nothing, and completes once it clears', async () => {
    await fault({ method: 'POST', path: '/api/v2/apps/*/environments/*/restores', kind: 'status', status: 400, errorCode: 'ENVIRONMENT_BUSY', errorMessage: 'busy', count: 100 });
    const s = await session();
    const failed = await drive(s, true);
    assert.equal(failed.status, 'failed');
    const f = failed.failed.find((x) => x.stepId === 'restore');
    assert.ok(f, JSON.stringify(failed.failed));
    assert.equal(f.error.code, 'ENVIRONMENT_BUSY');
    assert.ok(f.error.nextAction && f.error.nextAction.length > 10);
    // Everything before it stays done; the source was never stopped.
    const j = s.s.store.peek();
    for (const id of ['package.upload', 'backup.download', 'backup.upload', 'target.prepare']) assert.equal(j.steps[id].status, 'done', id);
    const src = (await portal.state()).environments[DEMO.environments.legacyHrProduction.id];
    assert.equal(src.status, 'Running');
    await axios.delete(`${emu.baseUrl}/_emulator/faults`);
    const out = await drive(s);
    assert.equal(out.status, 'completed', JSON.stringify(out.failed));
    assert.equal(s.s.store.peek().steps['package.upload'].attempts, 1, 'finished work was not redone');
    s.client.dispose();
  });
});
