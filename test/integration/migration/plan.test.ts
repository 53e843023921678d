import { strict as assert } from 'node:assert';
import { appendFileSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan, describePlan } from '../../../src/core/migration/plan';
import type { MigrationServices } from '../../../src/core/mendix/services';
import { MendixOutcomeUnknownError } from '../../../src/core/mendix/api/errors';
import { FakeCloud } from '../../support/fakeCloud';
import { actAsPerson, FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

/** Lets the call reach the cloud, then loses the answer (as when the process dies mid-call). */
function loseAnswerOnce(cloud: FakeCloud, op: keyof MigrationServices): MigrationServices {
  let armed = true;
  return new Proxy(cloud, {
    get(target, prop, receiver) {
      const v = Reflect.get(target, prop, receiver) as unknown;
      if (prop !== op || typeof v !== 'function') return typeof v === 'function' ? (v as (...a: unknown[]) => unknown).bind(target) : v;
      return async (...args: unknown[]) => {
        const r: unknown = await (v as (...a: unknown[]) => Promise<unknown>).apply(target, args);
        if (armed) {
          armed = false;
          throw new MendixOutcomeUnknownError(String(op), 'the in-memory cloud', 'connection reset after the request was sent');
        }
        return r;
      };
    },
  });
}

describe('migration plan over the in-memory cloud', () => {
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-plan-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('is data: every step has an id, kind, description and known dependencies', () => {
    const plan = buildPlan(sampleInput(dir));
    const ids = new Set(plan.steps.map((s) => s.id));
    for (const s of plan.steps) {
      assert.ok(s.describe.length > 20, `${s.id} describes itself`);
      for (const d of s.dependsOn) assert.ok(ids.has(d), `${s.id} → ${d}`);
    }
    const lines = describePlan(plan.steps);
    assert.equal(lines[0].id, 'preflight');
    assert.ok(ids.has('url.change') && !ids.has('domain.dns'), 'no custom domain: URL change instead');
    const withDomain = buildPlan(sampleInput(dir, { customDomains: ['orders.example.com'], certificate: 'mendix-keystore' }));
    const ids2 = new Set(withDomain.steps.map((s) => s.id));
    assert.ok(ids2.has('domain.dns') && ids2.has('domain.certificate') && !ids2.has('url.change'));
    // The package is carried alongside the backup: neither depends on the other.
    const up = plan.steps.find((s) => s.id === 'backup.snapshot');
    assert.deepEqual(up?.dependsOn, ['preflight']);
  });

  it('migrates end to end, stopping for each portal/support step, without repeating a non-idempotent call', async () => {
    const cloud = FakeCloud.demo();
    const clock = new FakeClock();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, clock, true);
    const stops: string[] = [];
    for (let i = 0; i < 30; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      stops.push(...(await actAsPerson(cloud, runner, out, input)));
    }
    const j = store.peek();
    assert.equal(j.status, 'completed', JSON.stringify(Object.entries(j.steps).filter(([, s]) => s.status !== 'done')));
    assert.ok(stops.includes('backup.upload') && stops.includes('cutover.upload') && stops.includes('relink.link-target'));

    // The target (renamed to the old sub-domain by Support) runs the source's own package with the final data.
    const target = cloud.env('orderportal', 'Production');
    assert.equal(target.environmentId, 'env-tgt');
    assert.equal(target.status, 'Running');
    assert.equal(target.packageId, 'pkg-1');
    assert.equal(target.data, 'live-data-v1');
    assert.deepEqual(
      target.settings.constants.map((c) => [c.name, c.value]),
      [
        ['Email.SMTPHost', 'smtp.mailrelay.example.com'],
        ['OrderPortal.ERPBaseUrl', 'https://erp.example.com/api/v2/prod'],
      ],
    );
    assert.deepEqual(target.settings.scheduledEvents.map((e) => e.value), ['Enabled', 'Enabled']);

    // Non-idempotent calls: exactly one per pass.
    assert.equal(cloud.count('uploadPackage'), 1);
    assert.equal(cloud.count('createSnapshot'), 2, 'rehearsal + final');
    assert.equal(cloud.count('createArchive'), 2);
    assert.equal(cloud.count('createRestore'), 2);

    // The final backup was taken while the source was stopped, and downtime was predicted and measured.
    assert.ok(j.cutover.predictedDowntimeMs !== undefined && j.cutover.measuredDowntimeMs !== undefined);
    assert.equal(j.rehearsals.length, 1);
    assert.ok(Date.parse(j.steps['cutover.snapshot'].startedAt ?? '') >= Date.parse(j.cutover.startedAt ?? 'x'));
    // Offboarding came only after the backups were verified.
    assert.ok(Date.parse(j.steps['offboard.backups'].finishedAt ?? '') <= Date.parse(j.steps['offboard.request'].finishedAt ?? ''));
    assert.equal(j.steps['offboard.backups'].status, 'done');
    // Linking reset the target permissions; the engine granted them back.
    assert.equal(j.steps['relink.redeploy'].outputs.permissionsRegranted, true);
    // Secrets never enter the journal: constants are masked in the diff.
    const text = readFileSync(store.paths.journal, 'utf8') + readFileSync(store.paths.events, 'utf8');
    assert.ok(!text.includes('smtp.mailrelay.example.com'), 'constant values stay out of the journal');
    assert.ok(!text.includes('fake://archive'), 'signed download URLs are not persisted');
  });

  for (const op of ['createSnapshot', 'uploadPackage'] as const) {
    it(`after a lost answer to ${op}, looks the result up at once instead of calling again or failing`, async () => {
      const cloud = FakeCloud.demo();
      const clock = new FakeClock();
      const input = sampleInput(dir);
      const stepId = op === 'createSnapshot' ? 'backup.snapshot' : 'package.upload';
      const { runner, store } = await openRunner(dir, input, loseAnswerOnce(cloud, op), clock, true);
      const first = await runner.run();
      assert.ok(!first.failed.some((f) => f.stepId === stepId), JSON.stringify(first.failed));
      const st = store.peek().steps[stepId];
      assert.equal(st.status, 'done');
      assert.equal(st.outputs.foundAfterLostAnswer, true);
      assert.deepEqual(st.intents.map((i) => i.outcome), ['observed']);
      assert.equal(cloud.count(op), 1, 'the call was not repeated');
    });
  }

  it('an archive request whose answer was lost is asked again at once, flagged in the journal (no API lists archives)', async () => {
    const cloud = FakeCloud.demo();
    const clock = new FakeClock();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, loseAnswerOnce(cloud, 'createArchive'), clock, true);
    const first = await runner.run();
    assert.ok(!first.failed.some((f) => f.stepId === 'backup.archive'), JSON.stringify(first.failed));
    const st = store.peek().steps['backup.archive'];
    assert.equal(st.status, 'done');
    assert.equal(cloud.count('createArchive'), 2);
    assert.deepEqual(st.intents.map((i) => i.details?.afterLostAnswer ?? false), [false, true]);
    assert.ok(st.intents.every((i) => i.resolvedAt));
  });

  it('a restore whose answer was lost waits for a person instead of restoring twice', async () => {
    const cloud = FakeCloud.demo();
    const clock = new FakeClock();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, loseAnswerOnce(cloud, 'createRestore'), clock, true);
    for (let i = 0; i < 5; i++) {
      const out = await runner.run();
      const waitingRestore = out.waiting.find((w) => w.stepId === 'restore');
      if (waitingRestore) {
        assert.match(waitingRestore.instructions.summary, /answer was lost/);
        break;
      }
      await actAsPerson(cloud, runner, { ...out, waiting: out.waiting.filter((w) => w.stepId === 'backup.upload') }, input);
    }
    assert.equal(store.peek().steps.restore.status, 'waiting-for-person');
    assert.equal(cloud.count('createRestore'), 1);
  });

  it('moves a custom domain only once DNS points at <domain>.cname.mendix.net, and warns about a long TTL up front', async () => {
    const cloud = FakeCloud.demo();
    cloud.dns.set('orders.example.com', { target: 'orderportal.apps.eu-1c.mendixcloud.com', ttl: 86400 });
    const clock = new FakeClock();
    const input = sampleInput(dir, { customDomains: ['orders.example.com'], certificate: 'own-key' });
    const { runner, store } = await openRunner(dir, input, cloud, clock, true);
    let confirmedEarly = false;
    for (let i = 0; i < 30; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      const dnsStep = out.waiting.find((w) => w.stepId === 'domain.dns');
      if (dnsStep && !confirmedEarly) {
        confirmedEarly = true;
        const v = await runner.confirmManualStep('domain.dns', 'tester');
        assert.equal(v.ok, false, 'a confirmation alone is not enough while DNS points elsewhere');
        assert.match(v.detail, /DNS not there yet/);
        cloud.dns.set('orders.example.com', { target: 'orders.example.com.cname.mendix.net', ttl: 300 });
      }
      await actAsPerson(cloud, runner, { ...out, waiting: out.waiting }, input);
    }
    const j = store.peek();
    assert.equal(j.status, 'completed');
    assert.ok(confirmedEarly);
    const report = j.steps.preflight.outputs.report;
    const ttl = Array.isArray(report) ? report.find((r) => typeof r === 'object' && r !== null && !Array.isArray(r) && r.id === 'dns-ttl:orders.example.com') : undefined;
    assert.ok(ttl && typeof ttl === 'object' && !Array.isArray(ttl) && ttl.result === 'warn', JSON.stringify(ttl));
    assert.match(JSON.stringify(ttl), /lower it to 300 s/);
    assert.equal(j.steps['domain.certificate'].status, 'done');
    assert.equal(j.steps['url.change'], undefined, 'no URL change with a custom domain');
  });

  it('with the CNAME already right, the custom-domain step waits until Mendix\'s record ends at the target environment (§14.13)', async () => {
    const cloud = FakeCloud.demo();
    cloud.dns.set('orders.example.com', { target: 'orders.example.com.cname.mendix.net', ttl: 3600 });
    cloud.mendixRecord.set('orders.example.com', 'orderportal.apps.eu-1c.mendixcloud.com');
    const input = sampleInput(dir, { customDomains: ['orders.example.com'], certificate: 'own-key' });
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    let refused = false;
    for (let i = 0; i < 30; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      if (out.waiting.some((w) => w.stepId === 'domain.dns') && !refused) {
        const v = await runner.confirmManualStep('domain.dns', 'tester');
        assert.equal(v.ok, false, 'the CNAME alone proves nothing: Mendix\'s record still ends at the source');
        assert.match(v.detail, /DNS not there yet: .*→ orderportal\.apps\.eu-1c\.mendixcloud\.com/);
        refused = true;
        // The person binds the domain to the target environment: Mendix's record moves.
        cloud.mendixRecord.set('orders.example.com', 'orderportal-us.apps.us-2a.mendixcloud.com');
      }
      await actAsPerson(cloud, runner, out, input);
    }
    assert.ok(refused);
    assert.equal(store.peek().status, 'completed');
    assert.ok(cloud.domainTargets.includes('orderportal-us.apps.us-2a.mendixcloud.com'), JSON.stringify(cloud.domainTargets));
  });

  it('without anyone to ask, config and the data freeze wait for a person; a confirmation keeps the target as it is', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true, {});
    const first = await runner.run();
    const cfg = first.waiting.find((w) => w.stepId === 'config.apply');
    assert.ok(cfg, JSON.stringify(first.waiting.map((w) => w.stepId)));
    assert.match(cfg.instructions.summary, /Confirm applying \d+ configuration difference/);
    assert.equal(cloud.count('setSettings'), 0, 'nothing applied without consent');
    const v = await runner.confirmManualStep('config.apply', 'alice');
    assert.equal(v.ok, true, v.detail);
    assert.equal(store.peek().steps['config.apply'].status, 'done');
    for (let i = 0; i < 10; i++) {
      const out = await runner.run();
      const stop = out.waiting.find((w) => w.stepId === 'cutover.stop-source');
      if (stop) {
        assert.match(stop.instructions.summary, /type the app name "Order Portal"/);
        assert.equal(cloud.env('orderportal', 'Production').status, 'Running', 'the source is not stopped without the typed name');
        return;
      }
      await actAsPerson(cloud, runner, out, input);
    }
    assert.fail('never reached the data freeze');
  });

  it('refuses to offer offboarding when a kept backup changed on disk since it was verified', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    for (let i = 0; i < 20; i++) {
      const out = await runner.run();
      if (out.failed.length > 0 || out.status === 'completed') break;
      if (out.waiting.some((w) => w.stepId === 'relink.link-target')) {
        const file = store.peek().steps['cutover.download'].outputs.path;
        assert.ok(typeof file === 'string');
        appendFileSync(file, 'bit rot');
      }
      await actAsPerson(cloud, runner, { ...out, waiting: out.waiting.filter((w) => w.stepId !== 'offboard.request') }, input);
    }
    const st = store.peek().steps['offboard.request'];
    assert.equal(st.status, 'failed');
    assert.match(st.error?.message ?? '', /offboarding refused: .*SHA-256 differs/);
    assert.ok(cloud.nodes.has('orderportal'), 'the source node was not offboarded');
  });

  it('re-requests an archive whose download URL expired', async () => {
    const cloud = FakeCloud.demo();
    cloud.expireArchiveDownloads = 1;
    const clock = new FakeClock();
    const { runner, store } = await openRunner(dir, sampleInput(dir), cloud, clock, true);
    await runner.run();
    const st = store.peek().steps['backup.download'];
    assert.equal(st.status, 'done');
    assert.equal(cloud.count('createArchive'), 2);
    assert.ok(st.intents.some((i) => i.action === 'rearchive1' && i.resolvedAt));
  });

  it('refuses the final backup while the source runs', async () => {
    const cloud = FakeCloud.demo();
    const clock = new FakeClock();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, clock, true);
    for (let i = 0; i < 10; i++) {
      const out = await runner.run();
      if (store.peek().steps['cutover.stop-source'].status === 'done') break;
      await actAsPerson(cloud, runner, out, input);
    }
    assert.equal(store.peek().steps['cutover.stop-source'].status, 'done');
    // Someone starts the source again behind the engine's back, and the snapshot step must refuse.
    await store.update((j) => {
      j.steps['cutover.snapshot'] = { status: 'pending', attempts: 0, outputs: {}, intents: [] };
      for (const id of ['cutover.archive', 'cutover.download', 'cutover.upload', 'cutover.restore', 'cutover.start-target']) j.steps[id] = { status: 'pending', attempts: 0, outputs: {}, intents: [] };
    });
    cloud.env('orderportal', 'Production').status = 'Running';
    const snapsBefore = cloud.count('createSnapshot');
    const out = await runner.run({ onlyStep: 'cutover.snapshot' });
    assert.equal(out.status, 'failed');
    assert.match(out.failed[0].error.message, /refused while the source runs/);
    assert.equal(cloud.count('createSnapshot'), snapsBefore);
  });
});
