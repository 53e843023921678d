import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { createLogger } from '../../../src/core/shared/logger';
import { createMigration } from '../../../src/core/migration/session';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import { DEMO } from '../../emulator/seeds/demo';
import { acceptedWrites, actAsPerson, demoInput, demoServices, Portal, type DemoApp } from './harness';

describe('migration end to end against the emulator', function () {
  this.timeout(120_000);
  let emu: RunningEmulator;
  let dir: string;
  let portal: Portal;

  beforeEach(async () => {
    emu = await startEmulator({ seed: 'demo', timeScale: 2000, quiet: true, archiveBytes: 300_000, packageBytes: 200_000 });
    portal = new Portal(emu.baseUrl);
    dir = mkdtempSync(join(tmpdir(), 'mm-e2e-'));
  });
  afterEach(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  async function migrate(app: DemoApp) {
    const input = demoInput(app, join(dir, 'downloads'));
    const { client, services } = demoServices(emu.baseUrl);
    const prompt = new ScriptedPrompt('integration-test', { typed: { [input.source.name]: input.source.name }, yes: true });
    const session = await createMigration(dir, input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 20, pollTimeoutMs: 120_000 } });
    const stops: string[] = [];
    for (let i = 0; i < 30; i++) {
      const out = await session.runner.run();
      if (out.status === 'completed') break;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed, null, 1));
      stops.push(...(await actAsPerson(portal, session.runner, out, input)));
    }
    client.dispose();
    return { input, session, stops };
  }

  it('moves "Order Portal" to orderportal-us', async () => {
    const before = await portal.state();
    const srcEnvBefore = before.environments[DEMO.environments.orderPortalProduction.id];
    const { session, stops } = await migrate('orderPortal');
    const j = session.store.peek();
    assert.equal(j.status, 'completed');
    for (const s of ['backup.upload', 'cutover.upload', 'relink.unlink-source', 'relink.link-target', 'domain.dns', 'offboard.request']) assert.ok(stops.includes(s), s);

    const after = await portal.state();
    const target = after.environments[DEMO.environments.orderPortalUsProduction.id];
    assert.equal(target.status, 'Running');
    const tp = after.packages[target.packageId ?? ''];
    const sp = before.packages[srcEnvBefore.packageId ?? ''];
    assert.equal(tp.version, sp.version, 'same model version');
    assert.equal(tp.mendixVersion, sp.mendixVersion, 'same runtime');
    assert.equal(target.packageId, srcEnvBefore.packageId, 'the app’s own package is deployed after relinking');
    // The data of the final backup was restored.
    const finalUpload = j.steps['cutover.upload'].outputs.uploadedSnapshotId;
    const restores = Object.values(after.restores).filter((r) => r.targetEnvId === target.id && r.state === 'completed');
    assert.ok(restores.some((r) => r.sourceSnapshotId === finalUpload));
    // Same constants and scheduled events.
    assert.deepEqual(JSON.stringify(target.constants), JSON.stringify(srcEnvBefore.constants));
    assert.deepEqual(JSON.stringify(target.scheduledEvents), JSON.stringify(srcEnvBefore.scheduledEvents));
    // The source node is gone, and only after the kept backups verified.
    assert.ok(!Object.values(after.nodes).some((n) => n.subdomain === 'orderportal'));
    assert.ok(j.steps['offboard.backups'].finishedAt! <= j.steps['offboard.request'].finishedAt!);
    const kept = j.steps['offboard.backups'].outputs.kept;
    assert.ok(Array.isArray(kept) && kept.length === 1);
    // No non-idempotent call was accepted twice for the same resource.
    const writes = acceptedWrites(await portal.calls());
    const srcSnapshots = `POST /api/v2/apps/${DEMO.projects.orderPortal.id}/environments/${srcEnvBefore.id}/snapshots`;
    assert.equal(writes.get(srcSnapshots), 2, 'rehearsal + final backup');
    assert.equal([...writes.entries()].filter(([k]) => k.endsWith('/packages/upload')).reduce((a, [, v]) => a + v, 0), 1);
    for (const [k, v] of writes) if (k.endsWith('/archives')) assert.equal(v, 1, k);
    // Downtime predicted and measured.
    assert.ok(j.cutover.predictedDowntimeMs! > 0 && j.cutover.measuredDowntimeMs! > 0);
    // No secrets and no constant values in the journal or the event log.
    const text = readFileSync(session.store.paths.journal, 'utf8') + readFileSync(session.store.paths.events, 'utf8');
    for (const secret of [DEMO.apiKey, DEMO.pat, 'smtp.mailrelay.example.com', '/_downloads/', 'X-Amz-Signature']) assert.ok(!text.includes(secret), secret);
  });

  it('moves "Legacy HR" from the v3 node to legacyhr-v4', async () => {
    // Mendix 7 is below the emulator's default supported major (8); the v3 → v4 guide allows 6+.
    await portal.config({ minSupportedMajor: 6 });
    const before = await portal.state();
    const src = before.environments[DEMO.environments.legacyHrProduction.id];
    const { session } = await migrate('legacyHr');
    const j = session.store.peek();
    assert.equal(j.status, 'completed');
    const report = j.steps.preflight.outputs.report;
    assert.ok(Array.isArray(report) && report.some((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && r.id === 'tls'));
    const after = await portal.state();
    const target = after.environments[DEMO.environments.legacyHrV4Production.id];
    assert.equal(target.status, 'Running');
    assert.equal(target.packageId, src.packageId);
    assert.deepEqual(JSON.stringify(target.constants), JSON.stringify(src.constants));
    // Support gave the target the old sub-domain once the v3 node was offboarded.
    const node = Object.values(after.nodes).find((n) => n.id === DEMO.nodes.legacyhrV4.id);
    assert.equal(node?.subdomain, 'legacyhr');
    assert.equal(j.steps['url.change'].status, 'done');
  });
});
