import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import axios from 'axios';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';
import type { Journal } from '../../../src/core/migration/types';
import { createLogger } from '../../../src/core/shared/logger';
import { createMigration } from '../../../src/core/migration/session';
import { buildPlan } from '../../../src/core/migration/plan';
import { renderReport } from '../../../src/core/migration/report';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import { acceptedWrites, actAsPerson, actedWrites, demoInput, demoServices, Portal, targetEnvironmentId } from './harness';
import { bundleCli, cliEnv, runCli, waitingOf, type KillWhen } from './cliProcess';

/**
 * The CLI runs in a child process that is SIGKILLed after every step boundary and in the middle of
 * every transfer, then started again. The migration must complete, and the emulator's call log must
 * show every non-idempotent call accepted exactly as often as a clean run makes it.
 */
describe('migration CLI survives SIGKILL at every step boundary and mid-transfer', function () {
  this.timeout(300_000);
  let emu: RunningEmulator;
  let dir: string;
  let cli: string;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-crash-'));
    cli = await bundleCli(resolve(__dirname, '..', '..', '..'), dir);
    // 200×: archive URLs (8 h virtual) stay valid for the whole test, so every archive request is a repeat if it happens twice.
    emu = await startEmulator({ seed: 'demo', timeScale: 200, quiet: true, archiveBytes: 24_000_000, packageBytes: 16_000_000 });
  });
  after(async () => {
    await emu?.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('completes "Order Portal" with no repeated non-idempotent call', async () => {
    const portal = new Portal(emu.baseUrl);
    const input = demoInput('orderPortal', join(dir, 'downloads'));
    const journal = join(dir, '.mendix-migrations', 'order-portal.json');
    const eventsFile = journal.replace(/\.json$/, '.events.jsonl');
    writeFileSync(join(dir, 'answers.json'), JSON.stringify(input));
    const env = cliEnv(emu.baseUrl);
    const created = await runCli(cli, ['plan', '--journal', journal, '--input', join(dir, 'answers.json')], env);
    assert.equal(created.code, 0, created.stderr);

    // Make "the middle of a transfer" a wide window rather than luck: each download's first request is
    // cut after 1 MB (the client waits before resuming, with a partial .part on disk), and the package
    // upload is held by the server for 600 ms while its body is in flight.
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: '/_downloads/**', kind: 'reset', afterBytes: 1_000_000, count: 4 });
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'POST', path: '/api/v2/apps/*/packages/upload', kind: 'delay', ms: 600, count: 1 });
    let uploadSeenAt: number | undefined;
    const midTransfer = new Set<string>();
    const { finished, killLog } = await runUntilDone(cli, portal, journal, input, env, () => {
      const startCount = readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.includes('"type":"step-finished"')).length;
      return (v) => {
        for (const p of v.partFiles) {
          if (p.bytes > 0 && !midTransfer.has(p.file)) {
            midTransfer.add(p.file);
            return `mid-download ${p.file} at ${p.bytes} bytes`;
          }
        }
        const uploadIntent = v.events.some((l) => l.includes('"action":"upload"') && l.includes('"type":"intent"'));
        if (uploadIntent && uploadSeenAt === undefined) uploadSeenAt = Date.now();
        if (uploadIntent && !midTransfer.has('package-upload') && Date.now() - (uploadSeenAt ?? 0) > 150) {
          midTransfer.add('package-upload');
          return 'mid-upload of the package';
        }
        return v.finishedSteps > startCount ? `after step boundary ${v.finishedSteps}` : undefined;
      };
    });
    assert.ok(finished, `did not finish; kills: ${killLog.join('; ')}`);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.equal(j.status, 'completed');
    assert.ok(killLog.filter((k) => k.startsWith('after step boundary')).length >= 20, `boundary kills: ${killLog.length}`);
    console.log(`      ${killLog.length} SIGKILLs (${killLog.filter((k) => k.startsWith('after step boundary')).length} at step boundaries, ${killLog.filter((k) => k.startsWith('mid-')).length} mid-transfer)`);
    assert.ok(killLog.some((k) => k.startsWith('mid-download')), 'killed during a download');
    assert.ok(killLog.includes('mid-upload of the package'), 'killed during the upload');

    // The call log: no non-idempotent POST was accepted more often than a clean run makes it.
    const writes = acceptedWrites(await portal.calls());
    const P = DEMO.projects;
    const E = DEMO.environments;
    const calls = await portal.calls();
    const downloads = calls.filter((c) => c.path.startsWith('/_downloads/')).map((c) => `${c.status} ${c.path.slice(0, 60)}`);
    const intents = ['backup.download', 'cutover.download'].map((id) => `${id}: ${JSON.stringify(j.steps[id].intents)} ${JSON.stringify(j.steps[id].error ?? null)}`);
    const diag = `\n${[...writes.entries()].map(([k, v]) => `${v} × ${k}`).join('\n')}\nkills: ${killLog.join('; ')}\n${downloads.join('\n')}\n${intents.join('\n')}`;
    assert.equal(writes.get(`POST /api/v2/apps/${P.orderPortal.id}/environments/${E.orderPortalProduction.id}/snapshots`), 2, `two backups: rehearsal and final${diag}`);
    const sum = (suffix: string) => [...writes.entries()].filter(([k]) => k.endsWith(suffix)).reduce((a, [, v]) => a + v, 0);
    assert.ok(sum('/packages/upload') <= 1, `at most one accepted package upload${diag}`);
    // An archive request is the one call whose lost answer cannot be looked up (no API lists archives);
    // the engine asks again only then, and says so in the journal. Every other repeat is a failure.
    const relisted = Object.values(j.steps).flatMap((st) => st.intents.filter((i) => i.details?.afterLostAnswer === true).map((i) => (typeof i.details?.snapshotId === 'string' ? i.details.snapshotId : '')));
    for (const [k, v] of writes) {
      if (!k.endsWith('/archives')) continue;
      const snapshotId = k.split('/').slice(-2)[0];
      // A kill between writing the intent and sending the request leaves a repeat that was recorded but never reached the service.
      const recorded = 1 + relisted.filter((x) => x === snapshotId).length;
      assert.ok(v >= 1 && v <= recorded, `one archive per snapshot (${v} accepted, ${recorded} recorded): ${k}${diag}`);
    }
    assert.equal(sum('/restores'), 2, `two restores: rehearsal and final${diag}`);
    assert.equal(writes.get('POST /api/1/apps/orderportal-us/environments/Production/start'), 4, `prepare, test, cutover, redeploy${diag}`);
    // The emulator's model: exactly the resources a clean run creates (an upload cut off mid-body creates nothing).
    const state = await portal.state();
    assert.equal(Object.values(state.packages).filter((p) => p.projectId === P.orderPortalTempA.id).length, 1, 'one package on the target');
    assert.equal(Object.values(state.restores).filter((r) => r.targetEnvId === E.orderPortalUsProduction.id).length, 2);
  });

  it('a SIGKILL right after each intent is written (around the call): the state is looked up, a start not made is sent again', async () => {
    const portal = new Portal(emu.baseUrl);
    await axios.post(`${emu.baseUrl}/_emulator/reset`, { seed: 'demo' });
    const sub = join(dir, 'intents');
    const input = demoInput('orderPortal', join(sub, 'downloads'), 'order-portal-intents');
    const journal = join(dir, '.mendix-migrations', 'order-portal-intents.json');
    writeFileSync(join(dir, 'answers-intents.json'), JSON.stringify(input));
    const env = cliEnv(emu.baseUrl);
    const created = await runCli(cli, ['plan', '--journal', journal, '--input', join(dir, 'answers-intents.json')], env);
    assert.equal(created.code, 0, created.stderr);
    // Each (step, action) is killed once, right after its intent reached the journal; a restore's lost
    // answer asks a person (no API lists restores), which the in-process test covers.
    const killed = new Set<string>();
    const killWhen: KillWhen = (v) => {
      for (const l of v.events) {
        if (!l.includes('"type":"intent"')) continue;
        const e = JSON.parse(l) as { stepId?: string; detail?: { action?: string } };
        const key = `${e.stepId ?? ''}|${e.detail?.action ?? ''}`;
        if (e.detail?.action === 'restore' || killed.has(key)) continue;
        killed.add(key);
        return `after intent ${key}`;
      }
      return undefined;
    };
    const { finished, killLog } = await runUntilDone(cli, portal, journal, input, env, () => killWhen);
    assert.ok(finished, `did not finish; kills: ${killLog.join('; ')}`);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.equal(j.status, 'completed');
    for (const k of ['target.prepare|start', 'test.start-target|start', 'cutover.start-target|start', 'backup.snapshot|snapshot', 'cutover.snapshot|snapshot', 'package.upload|upload']) {
      assert.ok(killLog.includes(`after intent ${k}`), `killed after ${k}: ${killLog.join('; ')}`);
    }
    const state = (await axios.get<{ startJobs: Record<string, { envId: string }> }>(`${emu.baseUrl}/_emulator/state?content=false`)).data;
    const targetStarts = Object.values(state.startJobs).filter((x) => x.envId === DEMO.environments.orderPortalUsProduction.id).length;
    assert.equal(targetStarts, 4, 'prepare, test, cutover, redeploy: one start job each');
    const writes = acceptedWrites(await portal.calls());
    assert.equal(writes.get(`POST /api/v2/apps/${DEMO.projects.orderPortal.id}/environments/${DEMO.environments.orderPortalProduction.id}/snapshots`), 2);
    assert.ok([...writes.entries()].filter(([k]) => k.endsWith('/packages/upload')).reduce((a, [, v]) => a + v, 0) <= 1);
    assert.equal(j.cutover.rollbacks?.length ?? 0, 0);
    console.log(`      ${killLog.length} kills right after an intent; ${targetStarts} start jobs on the target`);
  });
});

/**
 * Runs `mendix-migrate run` again and again (killed whenever `killWhen` of that cycle says so) until it
 * completes; at exit 3 the person does their part through the CLI.
 */
async function runUntilDone(cli: string, portal: Portal, journal: string, input: ReturnType<typeof demoInput>, env: NodeJS.ProcessEnv, killWhenOfCycle: () => KillWhen): Promise<{ finished: boolean; killLog: string[] }> {
  const eventsFile = journal.replace(/\.json$/, '.events.jsonl');
  const killLog: string[] = [];
  for (let cycle = 0; cycle < 120; cycle++) {
    const killWhen = killWhenOfCycle();
    const run = await runCli(cli, ['run', '--journal', journal, '--yes', '--confirm-stop', input.source.name, '--poll-interval', '20'], env, { eventsFile, downloadFolder: input.downloadFolder, killWhen });
    if (run.killedAt) {
      killLog.push(run.killedAt);
      continue;
    }
    if (run.code === 0) return { finished: true, killLog };
    assert.equal(run.code, 3, `run failed (cycle ${cycle}):\n${run.stdout}\n${run.stderr}`);
    // Exit 3 ends with one JSON line naming a step that waits for a person.
    const line = waitingOf(run.stdout);
    const now = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.ok(line && now.steps[line.step]?.status === 'waiting-for-person', run.stdout);
    await actViaCli(portal, journal, input, env);
  }
  return { finished: false, killLog };
}

/** The person's part for every step the journal says is waiting, confirmations through the CLI. */
async function actViaCli(portal: Portal, journal: string, input: ReturnType<typeof demoInput>, env: NodeJS.ProcessEnv): Promise<void> {
  const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
  const waiting = Object.entries(j.steps)
    .filter(([, s]) => s.status === 'waiting-for-person')
    .sort(([a], [b]) => Number(b === 'offboard.request') - Number(a === 'offboard.request'));
  for (const [id, st] of waiting) {
    const confirm = async () => {
      const bundled = join(journal, '..', '..', 'cli.js');
      const r = await runCli(bundled, ['verify', '--journal', journal, '--step', id, '--confirm', '--by', 'crash-test'], env);
      assert.equal(r.code, 0, `confirm ${id}: ${r.stdout}${r.stderr}`);
    };
    switch (id) {
      case 'backup.upload':
      case 'cutover.upload':
        await portal.uploadBackup(input.target.tempAppA.projectId, await targetEnvironmentId(portal, input), st.person?.file ?? '');
        break;
      case 'relink.unlink-source':
        await portal.link(input.target.tempAppB.projectId, input.source.nodeSubdomain);
        break;
      case 'relink.link-target':
        await portal.link(input.source.projectId, input.target.nodeSubdomain);
        break;
      case 'domain.dns': {
        const envId = await targetEnvironmentId(portal, input);
        for (const d of input.customDomains) {
          await portal.unbindDomain(d).catch(() => undefined);
          await portal.bindDomain(envId, d);
        }
        await confirm();
        break;
      }
      case 'offboard.request':
        await portal.offboard(input.source.nodeSubdomain);
        await confirm();
        break;
      default:
        await confirm();
    }
  }
}

/** The seven non-idempotent calls, the service method that makes each, and the path to fault. */
const CALLS = {
  start: { method: 'start', path: '/api/1/apps/*/environments/*/start' },
  stop: { method: 'stop', path: '/api/1/apps/*/environments/*/stop' },
  transport: { method: 'transport', path: '/api/1/apps/*/environments/*/transport' },
  snapshot: { method: 'createSnapshot', path: '/api/v2/apps/*/environments/*/snapshots' },
  archive: { method: 'createArchive', path: '/api/v2/apps/*/environments/*/snapshots/*/archives' },
  restore: { method: 'createRestore', path: '/api/v2/apps/*/environments/*/restores' },
  upload: { method: 'uploadPackage', path: '/api/v2/apps/*/packages/upload' },
} as const;
type CallKind = keyof typeof CALLS;
type FaultMode = 'refused' | 'lost';

interface FaultedRun {
  journal: Journal;
  /** `step|kind` pairs whose first call was faulted. */
  faulted: string[];
  runs: number;
  calls: Awaited<ReturnType<Portal['calls']>>;
  /** Start jobs the emulator created per environment id (a start that really started something). */
  startJobs: Map<string, number>;
}

/**
 * Every step's first call of every non-idempotent kind is refused (HTTP 403) or acted on with its
 * answer lost (`drop`), one step at a time (concurrency 1, so each fault belongs to the step that
 * made the call). After every run that ends failed, production must run: the source or the target.
 */
async function migrateUnderFaults(emu: RunningEmulator, dir: string, mode: FaultMode | 'none'): Promise<FaultedRun> {
  const portal = new Portal(emu.baseUrl);
  const input = demoInput('orderPortal', join(dir, `downloads-${mode}`), `order-portal-${mode}`);
  const { client, services } = demoServices(emu.baseUrl);
  const faulted = new Set<string>();
  let current = '';
  const kindOf = new Map<string, CallKind>(Object.entries(CALLS).map(([k, v]) => [v.method, k as CallKind]));
  const arm = async (kind: CallKind): Promise<void> => {
    const key = `${current}|${kind}`;
    if (mode === 'none' || faulted.has(key)) return;
    faulted.add(key);
    const f = mode === 'refused' ? { kind: 'status', status: 403, errorCode: 'NO_ACCESS', errorMessage: 'refused by the test' } : { kind: 'drop' };
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'POST', path: CALLS[kind].path, count: 1, ...f });
  };
  const faulty = new Proxy(services, {
    get(target, prop, receiver) {
      const value: unknown = Reflect.get(target, prop, receiver);
      const kind = typeof prop === 'string' ? kindOf.get(prop) : undefined;
      if (!kind || typeof value !== 'function') return value;
      return async (...args: unknown[]) => {
        await arm(kind);
        return (value as (...a: unknown[]) => Promise<unknown>).apply(target, args);
      };
    },
  });
  const prompt = new ScriptedPrompt('fault-test', { typed: { [input.source.name]: input.source.name }, yes: true });
  const session = await createMigration(dir, input, {
    services: faulty,
    prompt,
    logger: createLogger(() => undefined),
    concurrency: 1,
    planOptions: { pollIntervalMs: 20, pollTimeoutMs: 120_000, startTimeoutMs: 60_000 },
    onEvent: (e) => {
      if (e.type === 'step-started') current = e.stepId;
    },
  });
  const srcEnv = DEMO.environments.orderPortalProduction.id;
  const tgtEnv = DEMO.environments.orderPortalUsProduction.id;
  let runs = 0;
  for (; runs < 200; runs++) {
    const out = await session.runner.run();
    if (out.status === 'completed') break;
    const state = await portal.state();
    const running = [srcEnv, tgtEnv].filter((id) => state.environments[id]?.status === 'Running');
    if (out.status === 'failed') {
      assert.ok(running.length > 0, `production is down after a failed run: ${JSON.stringify(out.failed)}\n${JSON.stringify(session.store.peek().cutover)}`);
      continue;
    }
    assert.equal(out.status, 'waiting-for-person', JSON.stringify(out));
    for (const w of out.waiting) {
      if (/answer was lost/.test(w.instructions.summary)) {
        // The person looks in the portal: the restore that lost its answer is there; they wait for it.
        const sid = session.store.peek().steps[w.stepId].intents.at(-1)?.details?.snapshotId;
        const snapshotId = typeof sid === 'string' ? sid : '';
        for (let i = 0; i < 500; i++) {
          const r = Object.values((await portal.state()).restores).find((x) => x.sourceSnapshotId === snapshotId);
          assert.ok(r, `no restore of ${snapshotId} in the emulator`);
          if (r.state === 'completed') break;
          await new Promise((res) => setTimeout(res, 20));
        }
      }
    }
    await actAsPerson(portal, session.runner, out, input);
  }
  client.dispose();
  const jobs = ((await axios.get<{ startJobs: Record<string, { envId: string }> }>(`${emu.baseUrl}/_emulator/state?content=false`)).data.startJobs);
  const startJobs = new Map<string, number>();
  for (const j of Object.values(jobs)) startJobs.set(j.envId, (startJobs.get(j.envId) ?? 0) + 1);
  return { journal: session.store.journal, faulted: [...faulted], runs, calls: await portal.calls(), startJobs };
}

describe('every non-idempotent call refused, or its answer lost, at every step (incl. the cutover)', function () {
  this.timeout(600_000);
  let dir: string;
  let clean: Map<string, number>;
  let cleanStarts: Map<string, number>;
  const P = DEMO.projects;
  const E = DEMO.environments;
  const SNAPSHOTS = `POST /api/v2/apps/${P.orderPortal.id}/environments/${E.orderPortalProduction.id}/snapshots`;
  const sum = (m: Map<string, number>, suffix: string): number => [...m.entries()].filter(([k]) => k.endsWith(suffix)).reduce((a, [, v]) => a + v, 0);

  async function fresh(): Promise<RunningEmulator> {
    return startEmulator({ seed: 'demo', timeScale: 2000, quiet: true, archiveBytes: 300_000, packageBytes: 200_000 });
  }

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-intents-'));
    const emu = await fresh();
    try {
      const r = await migrateUnderFaults(emu, join(dir, 'clean'), 'none');
      assert.equal(r.journal.status, 'completed');
      clean = actedWrites(r.calls);
      cleanStarts = r.startJobs;
    } finally {
      await emu.close();
    }
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  it('lost answers: every call acted once, looked up instead of repeated, no rollback, completes', async () => {
    const emu = await fresh();
    try {
      const r = await migrateUnderFaults(emu, join(dir, 'lost'), 'lost');
      assert.equal(r.journal.status, 'completed');
      const acted = actedWrites(r.calls);
      const dropped = r.calls.filter((c) => c.fault === 'drop').length;
      const kinds = new Set(r.faulted.map((f) => f.split('|')[1]));
      for (const k of Object.keys(CALLS)) assert.ok(kinds.has(k), `a ${k} answer was lost somewhere (${r.faulted.join(', ')})`);
      assert.ok(r.faulted.includes('cutover.start-target|start'), 'the cutover start lost its answer');
      assert.ok(r.faulted.includes('cutover.stop-source|stop'), 'the cutover stop lost its answer');
      assert.equal(r.journal.cutover.rollbacks?.length ?? 0, 0, `no rollback: ${JSON.stringify(r.journal.cutover.rollbacks)}`);
      const diag = `\nclean: ${JSON.stringify([...clean])}\nlost: ${JSON.stringify([...acted])}`;
      assert.equal(acted.get(SNAPSHOTS), clean.get(SNAPSHOTS), `snapshots${diag}`);
      assert.equal(sum(acted, '/packages/upload'), 1, `one package upload${diag}`);
      assert.equal(sum(acted, '/restores'), sum(clean, '/restores'), `restores${diag}`);
      // Starts: the emulator's start jobs (a repeated start that met ALREADY_STARTED or a running start job started nothing).
      assert.deepEqual([...r.startJobs].sort(), [...cleanStarts].sort(), `start jobs${diag}`);
      // Archives: no API lists them, so each lost answer is the one allowed (and recorded) repeat.
      const relisted = Object.values(r.journal.steps).flatMap((st) => st.intents.filter((i) => i.details?.afterLostAnswer === true)).length;
      assert.equal(sum(acted, '/archives'), sum(clean, '/archives') + relisted, `archives${diag}`);
      assert.ok(relisted >= 1);
      console.log(`      lost answers: ${dropped} dropped after acting over ${r.runs + 1} runs; (step, call) pairs: ${r.faulted.length}`);
    } finally {
      await emu.close();
    }
  });

  it('refused calls: each is a failure, retried by the next run; a refusal in the cutover restarts the source; completes', async () => {
    const emu = await fresh();
    try {
      const r = await migrateUnderFaults(emu, join(dir, 'refused'), 'refused');
      assert.equal(r.journal.status, 'completed');
      const refusedCalls = r.calls.filter((c) => c.fault === 'status').length;
      const kinds = new Set(r.faulted.map((f) => f.split('|')[1]));
      for (const k of Object.keys(CALLS)) assert.ok(kinds.has(k), `a ${k} was refused somewhere (${r.faulted.join(', ')})`);
      assert.ok(r.faulted.includes('cutover.start-target|start'), 'the cutover start was refused');
      const refusedIntents = Object.values(r.journal.steps).flatMap((st) => st.intents.filter((i) => i.outcome === 'refused'));
      assert.equal(Object.values(r.journal.steps).flatMap((st) => st.intents.filter((i) => !i.resolvedAt)).length, 0, 'no intent left open');
      const rollbacks = r.journal.cutover.rollbacks ?? [];
      assert.ok(rollbacks.length >= 1);
      for (const rb of rollbacks) assert.equal(rb.result, 'source-restarted', JSON.stringify(rb));
      // Every downtime window ended: by a restart of the source or by the target.
      const windows = r.journal.cutover.downtimes ?? [];
      assert.ok(windows.length >= 1 && windows.every((w) => w.endedAt), JSON.stringify(windows));
      assert.equal(windows.at(-1)?.endedBy, 'target-started');
      const md = renderReport(r.journal, buildPlan(r.journal.input).steps);
      assert.equal(md.split('\n').filter((l) => /^\| \d+ \| .* \| rollback: the source restarted \|/.test(l)).length, windows.length - 1, md);
      assert.equal(md.split('\n').filter((l) => /^\| \d+ \| .* \| source restarted /.test(l)).length, rollbacks.length, md);
      const acted = actedWrites(r.calls);
      const diag = `\nclean: ${JSON.stringify([...clean])}\nrefused: ${JSON.stringify([...acted])}\nrollbacks: ${rollbacks.length}`;
      assert.equal(sum(acted, '/packages/upload'), 1, `one package upload${diag}`);
      // A rollback redoes the cutover from the stop; nothing else is done twice.
      assert.ok((acted.get(SNAPSHOTS) ?? 0) <= (clean.get(SNAPSHOTS) ?? 0) + rollbacks.length, `snapshots${diag}`);
      assert.ok(sum(acted, '/restores') <= sum(clean, '/restores') + rollbacks.length, `restores${diag}`);
      console.log(`      refusals: ${refusedCalls} refused calls (${refusedIntents.length} intents resolved as refused) over ${r.runs + 1} runs; rollbacks: ${rollbacks.length}`);
    } finally {
      await emu.close();
    }
  });
});
