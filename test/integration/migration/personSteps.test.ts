import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ReopenRefusedError, reopenStep } from '../../../src/core/migration/reopenStep';
import type { MigrationRunner, RunOutcome } from '../../../src/core/migration/runner';
import type { MigrationInput } from '../../../src/core/migration/types';
import { FakeCloud } from '../../support/fakeCloud';
import { actAsPerson, FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

/** Runs (doing the person's part for every other step) until `stepId` waits; returns that outcome. */
async function runUntilWaiting(cloud: FakeCloud, runner: MigrationRunner, input: MigrationInput, stepId: string): Promise<RunOutcome> {
  for (let i = 0; i < 30; i++) {
    const out = await runner.run();
    if (out.waiting.some((w) => w.stepId === stepId)) return out;
    assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
    await actAsPerson(cloud, runner, out, input);
  }
  throw new Error(`${stepId} never waited`);
}

describe('person steps: Mark Done detects, Redo reopens, overrides are explicit', function () {
  // Whole plans up to the custom-domain phase over the in-memory cloud: seconds on a busy machine.
  this.timeout(30_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-person-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('Mark Done on the upload step records the uploaded snapshot, so the restore that follows finds it', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    const out = await runUntilWaiting(cloud, runner, input, 'backup.upload');
    const file = out.waiting.find((w) => w.stepId === 'backup.upload')?.instructions.file ?? '';
    // Before the upload, Mark Done refuses and says why; the step keeps waiting.
    const early = await runner.confirmManualStep('backup.upload', 'alice');
    assert.equal(early.ok, false);
    assert.match(early.detail, /no new completed snapshot/);
    assert.equal(store.peek().steps['backup.upload'].status, 'waiting-for-person');
    const uploaded = await cloud.uploadBackup(input.target.nodeSubdomain, input.target.environment, file);
    const v = await runner.confirmManualStep('backup.upload', 'alice');
    assert.equal(v.ok, true, v.detail);
    assert.equal(v.basis, undefined, 'the snapshot list is a check, not a person’s word');
    assert.equal(store.peek().steps['backup.upload'].outputs.uploadedSnapshotId, uploaded);
    await runner.run({ onlyStep: 'restore' });
    assert.equal(store.peek().steps.restore.status, 'done', JSON.stringify(store.peek().steps.restore.error));
  });

  it('Redo Step reopens a person step; refused while a later step rests on it', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    const id = 'config.portal-checklist';
    await runUntilWaiting(cloud, runner, input, id);
    const v = await runner.confirmManualStep(id, 'alice');
    assert.deepEqual([v.ok, v.basis], [true, 'person']);
    await reopenStep(store, runner.steps, id, 'alice');
    const st = store.peek().steps[id];
    assert.deepEqual([st.status, st.confirmation, st.verification], ['pending', undefined, undefined]);
    // Nothing can check it, so the next run asks the person again.
    await runner.run({ onlyStep: id });
    assert.equal(store.peek().steps[id].status, 'waiting-for-person');
    assert.equal((await runner.confirmManualStep(id, 'alice')).ok, true);
    await runUntilWaiting(cloud, runner, input, 'test.confirm');
    assert.equal((await runner.confirmManualStep('test.confirm', 'alice')).ok, true);
    await assert.rejects(reopenStep(store, runner.steps, id, 'alice'), (e: unknown) => e instanceof ReopenRefusedError && /already rest on it/.test(e.message));
    await assert.rejects(reopenStep(store, runner.steps, 'preflight', 'alice'), /done by the extension/);
  });

  it('the custom-domain step waits for the CNAME; an override needs the step to allow it and is recorded as such', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir, { customDomains: ['orders.example.com'], certificate: 'own-key' });
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    await runUntilWaiting(cloud, runner, input, 'domain.dns');
    const waiting = await runner.confirmManualStep('domain.dns', 'alice');
    assert.equal(waiting.ok, false);
    assert.match(waiting.detail, /DNS not there yet/);
    assert.notEqual(store.peek().steps['domain.dns'].status, 'done');
    const refused = await runner.confirmManualStep('domain.certificate', 'alice', undefined, { override: 'no check anyway' });
    assert.equal(refused.ok, false);
    assert.match(refused.detail, /cannot be overridden/);
    const over = await runner.confirmManualStep('domain.dns', 'alice', undefined, { override: 'DNS is managed by the customer' });
    assert.deepEqual([over.ok, over.basis], [true, 'override']);
    const st = store.peek().steps['domain.dns'];
    assert.equal(st.status, 'done');
    assert.equal(st.confirmation?.override, 'DNS is managed by the customer');
    assert.equal(st.verification?.basis, 'override');
  });

  it('with the CNAME in place the step is verified by the DNS check; the certificate step is only confirmed', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir, { customDomains: ['orders.example.com'], certificate: 'own-key' });
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    await runUntilWaiting(cloud, runner, input, 'domain.dns');
    cloud.dns.set('orders.example.com', { target: 'orders.example.com.cname.mendix.net', ttl: 300 });
    const v = await runner.confirmManualStep('domain.dns', 'alice');
    assert.deepEqual([v.ok, v.basis], [true, 'check']);
    assert.match(v.detail, /DNS check passed/);
    const cert = await runner.confirmManualStep('domain.certificate', 'alice');
    assert.deepEqual([cert.ok, cert.basis], [true, 'person']);
    assert.equal(store.peek().steps['domain.certificate'].verification?.basis, 'person');
  });

  it('Cancel pauses the run: the step in flight goes back to pending (not Failed) and the run is recorded as cancelled', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    const ac = new AbortController();
    // The download is cancelled while it transfers.
    const download = cloud.download.bind(cloud);
    cloud.download = async () => {
      ac.abort(new Error('cancelled by the person'));
      await Promise.resolve();
      throw new Error('aborted');
    };
    const out = await runner.run({ signal: ac.signal });
    assert.equal(out.status, 'cancelled');
    const j = store.peek();
    assert.ok(!Object.values(j.steps).some((st) => st.status === 'failed'), JSON.stringify(Object.entries(j.steps).filter(([, st]) => st.status === 'failed')));
    assert.equal(j.lastRun?.status, 'cancelled');
    cloud.download = download;
    const resumed = await runner.run();
    assert.notEqual(resumed.status, 'cancelled');
    assert.ok(['done'].includes(store.peek().steps['package.download'].status));
  });
});
