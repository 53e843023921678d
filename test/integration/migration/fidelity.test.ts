/**
 * Issue 15 items 1–4 against the emulator: node permissions on a team larger than one page, settings
 * written back as GET returned them, retries the docs ask for, the start and package quirks, dbVersion
 * and expiring packages in the preflight, the source's logs kept before offboarding, and the
 * confirmed clean-up at the end.
 */
import { strict as assert } from 'node:assert';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import axios from 'axios';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { createLogger } from '../../../src/core/shared/logger';
import { createMigration } from '../../../src/core/migration/session';

import { renderReport } from '../../../src/core/migration/report';
import { buildPlan } from '../../../src/core/migration/plan';
import { MendixApiError } from '../../../src/core/mendix/api/errors';
import { DEMO } from '../../emulator/seeds/demo';
import { TEAM } from '../../emulator/seeds/team';
import { actAsPerson, demoInput, demoServices, Portal, type CallView } from './harness';

const E = DEMO.environments;
const P = DEMO.projects;

interface CallWithQuery extends CallView {
  query: Record<string, string>;
}

describe('migration fidelity against the emulator (issue 15, items 1–4)', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let dir: string;
  let portal: Portal;

  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function start(seed: 'demo' | 'team'): Promise<void> {
    emu = await startEmulator({ seed, timeScale: 2000, quiet: true, archiveBytes: 300_000, packageBytes: 200_000 });
    portal = new Portal(emu.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mm-fid-'));
  }

  const key = { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey };

  describe('a whole migration on the team seed', () => {
    beforeEach(() => start('team'));

    it('finds the user beyond the first permissions page, redeploys to a non-Latin display name, keeps the source logs and cleans up only what was confirmed', async () => {
      const input = demoInput('orderPortal', join(dir, 'downloads'));
      // A tag only the target has: the clean-up must offer it.
      await axios.post(`${emu.baseUrl}/api/1/apps/orderportal-us/environments/Production/tags`, { Tag: 'temp-a-smoke' }, { headers: key });
      const { client, services } = demoServices(emu.baseUrl);
      const prompt = new ScriptedPrompt('integration-test', { typed: { [input.source.name]: input.source.name }, yes: true });
      const session = await createMigration(dir, input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 20, pollTimeoutMs: 120_000 } });
      const asked = new Map<string, string[]>();
      for (let i = 0; i < 30; i++) {
        const out = await session.runner.run();
        if (out.status === 'completed') break;
        assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed, null, 1));
        for (const w of out.waiting) asked.set(w.stepId, w.instructions.actions);
        await actAsPerson(portal, session.runner, out, input);
      }
      client.dispose();
      const j = session.store.peek();
      assert.equal(j.status, 'completed');

      // Item 1: the preflight asked for the user, and found them although 55 colleagues come first.
      const report = j.steps.preflight.outputs.report as { id: string; result: string; detail: string }[];
      for (const id of ['permissions-source', 'permissions-target']) assert.equal(report.find((r) => r.id === id)?.result, 'pass', id);
      const calls = (await axios.get<CallWithQuery[]>(`${emu.baseUrl}/_emulator/calls`)).data;
      const permissionReads = calls.filter((c) => c.method === 'GET' && c.path.endsWith('/permissions'));
      assert.ok(permissionReads.some((c) => c.query.userId === DEMO.username), 'asked with userId');
      // Item 4: dbVersion compared (both 14).
      assert.equal(report.find((r) => r.id === 'db-version')?.result, 'pass');

      // §14.11: the target Production is shown as "Производство · 本番" on v4 and still redeployed.
      assert.equal(j.steps['relink.redeploy'].status, 'done');
      const after = await portal.state();
      assert.equal(after.environments[E.orderPortalUsProduction.id].status, 'Running');

      // Item 2: the source-only custom setting was not created by the API but listed for the portal, with its value.
      const state = (await axios.get<{ environments: Record<string, { customSettings: { Name: string }[] }> }>(`${emu.baseUrl}/_emulator/state?content=false`)).data;
      assert.ok(!state.environments[E.orderPortalUsProduction.id].customSettings.some((c) => c.Name === 'ConnectionPoolingMaxActive'));
      const diff = j.steps['config.apply'].outputs.diffBefore as { area: string; name: string; writable: boolean; source: string }[];
      assert.deepEqual(
        diff.filter((d) => d.area === 'custom-setting').map((d) => [d.name, d.writable, d.source]),
        [['ConnectionPoolingMaxActive', false, '100']],
      );
      assert.ok(asked.get('config.portal-checklist')?.includes('Runtime tab → Custom Runtime Settings: add ConnectionPoolingMaxActive = 100'), 'the checklist names it with its value');

      // Item 4: the source's logs of 7 days (application + access) kept beside the backups, listed in the report.
      const logs = j.steps['offboard.source-logs'];
      assert.equal(logs.status, 'done');
      const files = logs.outputs.files as { kind: string; date: string; path: string; sha256: string }[];
      assert.equal(files.length, 14);
      for (const f of files) assert.ok(existsSync(f.path), f.path);
      assert.ok(readFileSync(files[0].path, 'utf8').includes('INFO'));
      assert.ok(j.steps['offboard.source-logs'].finishedAt! <= j.steps['relink.unlink-source'].finishedAt!, 'read before the source was unlinked');
      const md = renderReport(j, buildPlan(j.input).steps);
      assert.match(md, /offboard\.source-logs \(logs \d{4}-\d{2}-\d{2}\)/);
      assert.match(md, /offboard\.source-logs \(access-logs \d{4}-\d{2}-\d{2}\)/);

      // Item 4: clean-up — the rehearsal snapshot and the target-only tag removed after a "yes", each recorded.
      const decisions = j.steps['finish.cleanup'].outputs.decisions as { kind: string; id: string; decision: string; by: string }[];
      const rehearsalSnapshot = j.steps['backup.upload'].outputs.uploadedSnapshotId as string;
      assert.deepEqual(
        decisions.map((d) => [d.kind, d.id, d.decision, d.by]).sort(),
        [
          ['snapshot', rehearsalSnapshot, 'removed', 'integration-test'],
          ['tag', 'temp-a-smoke', 'removed', 'integration-test'],
        ].sort(),
      );
      assert.equal(after.snapshots[rehearsalSnapshot], undefined, 'the rehearsal snapshot is gone');
      assert.ok(after.snapshots[j.steps['cutover.upload'].outputs.uploadedSnapshotId as string], 'the final backup stays');
      const tags = (await axios.get<{ Tag: string }[]>(`${emu.baseUrl}/api/1/apps/orderportal-us/environments/Production/tags`, { headers: key })).data.map((t) => t.Tag);
      assert.ok(!tags.includes('temp-a-smoke') && tags.includes('orders'));
      assert.ok((j.steps['finish.cleanup'].outputs.notes as string[]).some((n) => /Temporary app A .* no API reaches its copy/.test(n)));
      assert.match(md, /## Clean-up/);
      assert.equal(TEAM.size, 55);
    });
  });

  describe('the client adapter on the demo seed', () => {
    beforeEach(() => start('demo'));

    it('sends settings back as GET returned them: a null custom value stays null', async () => {
      const path = `${emu.baseUrl}/api/1/apps/orderportal/environments/Acceptance/settings`;
      await axios.post(path, { CustomSettings: [{ Name: 'ConnectionPoolingMaxActive', Value: '50' }, { Name: 'Unset.Setting', Value: null }] }, { headers: key });
      const { client, services } = demoServices(emu.baseUrl);
      const s = await services.getSettings('orderportal', 'Acceptance');
      assert.equal(s.customSettings.find((c) => c.name === 'Unset.Setting')?.value, null);
      assert.ok(s.constants.every((c) => c.dataType !== undefined && 'deployedValue' in c));
      await services.setSettings('orderportal', 'Acceptance', s);
      const raw = (await axios.get<{ CustomSettings: { Name: string; Value: string | null }[] }>(path, { headers: key })).data;
      assert.deepEqual(raw.CustomSettings.find((c) => c.Name === 'Unset.Setting'), { Name: 'Unset.Setting', Value: null });
      client.dispose();
    });

    it('retries Backups v2 500 SERVICE_UNAVAILABLE on a poll and does not repeat a create', async () => {
      const { client, services } = demoServices(emu.baseUrl);
      const snaps = `/api/v2/apps/${P.orderPortal.id}/environments/${E.orderPortalProduction.id}/snapshots`;
      const id = '7a2b3c40-d5e6-4f70-8a91-0e0000000001';
      await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: `${snaps}/${id}`, kind: 'status', status: 500, errorCode: 'SERVICE_UNAVAILABLE', count: 2 });
      await axios.delete(`${emu.baseUrl}/_emulator/calls`);
      assert.equal((await services.getSnapshot(P.orderPortal.id, E.orderPortalProduction.id, id)).state, 'completed');
      await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'POST', path: snaps, kind: 'status', status: 500, errorCode: 'SERVICE_UNAVAILABLE', count: 1 });
      await assert.rejects(services.createSnapshot(P.orderPortal.id, E.orderPortalProduction.id, 'x'), (e: unknown) => e instanceof MendixApiError && e.status === 500);
      const calls = (await axios.get<CallView[]>(`${emu.baseUrl}/_emulator/calls`)).data;
      assert.equal(calls.filter((c) => c.method === 'GET' && c.path === `${snaps}/${id}`).length, 3);
      assert.equal(calls.filter((c) => c.method === 'POST' && c.path === snaps).length, 1);
      client.dispose();
    });

    it('a start answered 200 without JobId is "already started", whatever the error key', async () => {
      const { client, services } = demoServices(emu.baseUrl);
      await axios.post(`${emu.baseUrl}/api/1/apps/orderportal/environments/Acceptance/stop`, {}, { headers: key });
      const startPath = '/api/1/apps/orderportal/environments/Acceptance/start';
      await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'POST', path: startPath, kind: 'malformed', body: '{"error_code":"already_started"}', count: 1 });
      assert.deepEqual(await services.start('orderportal', 'Acceptance', true), { alreadyStarted: true });
      client.dispose();
    });

    it('only 404 PACKAGE_NOT_FOUND means "no package"; an unknown environment is an error', async () => {
      const { client, services } = demoServices(emu.baseUrl);
      assert.equal(await services.getDeployedPackage('orderportal-us', 'Production'), undefined);
      await assert.rejects(services.getDeployedPackage('orderportal', 'Nope'), (e: unknown) => e instanceof MendixApiError && e.errorCode === 'ENVIRONMENT_NOT_FOUND');
      await assert.rejects(services.getDeployedPackage('no-such-app', 'Production'), (e: unknown) => e instanceof MendixApiError && e.errorCode === 'APP_NOT_FOUND');
      client.dispose();
    });

    it('the preflight compares dbVersion (v3 11 → v4 14) and warns when the source package is unused and expires', async () => {
      await axios.post(`${emu.baseUrl}/api/1/apps/legacyhr/environments/Production/stop`, {}, { headers: key });
      await portal.config({ minSupportedMajor: 6 });
      const input = demoInput('legacyHr', join(dir, 'downloads'));
      const { client, services } = demoServices(emu.baseUrl);
      const v4 = await services.listEnvironmentsV4(P.legacyHr.id);
      assert.equal(v4.find((e) => e.id === E.legacyHrProduction.id)?.dbVersion, '11');
      const session = await createMigration(dir, input, {
        services,
        prompt: new ScriptedPrompt('integration-test', {}),
        logger: createLogger(() => undefined),
        planOptions: { pollIntervalMs: 20, pollTimeoutMs: 60_000 },
      });
      await session.runner.run({ onlyStep: 'preflight' });
      const report = session.store.peek().steps.preflight.outputs.report as { id: string; result: string; detail: string }[];
      const db = report.find((r) => r.id === 'db-version');
      assert.equal(db?.result, 'pass');
      assert.match(db?.detail ?? '', /source PostgreSQL 11, target 14/);
      const expiry = report.find((r) => r.id.startsWith('package-expiry'));
      assert.equal(expiry?.result, 'warn');
      assert.match(expiry?.detail ?? '', new RegExp(`${DEMO.packages.legacyHr.id} .*expires on \\d{4}-`));
      client.dispose();
    });
  });
});
