import { strict as assert } from 'node:assert';
import { mkdtempSync, openSync, readFileSync, rmSync, statSync, writeFileSync, writeSync, closeSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import axios from 'axios';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';
import { createLogger } from '../../../src/core/shared/logger';
import { createMigration, type MigrationSession } from '../../../src/core/migration/session';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import type { RunOutcome } from '../../../src/core/migration/runner';
import type { Journal } from '../../../src/core/migration/types';
import type { PlanOptions } from '../../../src/core/migration/steps/common';
import { actAsPerson, demoInput, demoServices, Portal, type DemoApp } from './harness';
import { DiskFullError, isDiskFull } from '../../../src/core/mendix/transfer/transferErrors';
import { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { bundleCli, cliEnv, runCli, waitingOf } from './cliProcess';
import { renderReport } from '../../../src/core/migration/report';

describe('engine faults: exit codes, bad journals, bounds, the offboarding gate, deadlines', function () {
  this.timeout(180_000);
  let emu: RunningEmulator;
  let dir: string;
  let cli: string;
  let portal: Portal;

  before(async () => {
    dir = mkdtempSync(join(tmpdir(), 'mm-engine-'));
    cli = await bundleCli(resolve(__dirname, '..', '..', '..'), dir);
  });
  after(() => rmSync(dir, { recursive: true, force: true }));
  beforeEach(async () => {
    emu = await startEmulator({ seed: 'demo', timeScale: 2000, quiet: true, archiveBytes: 300_000, packageBytes: 200_000 });
    portal = new Portal(emu.baseUrl);
    await portal.config({ minSupportedMajor: 6 });
  });
  afterEach(async () => {
    await emu.close();
  });

  let n = 0;
  async function plan(app: DemoApp = 'legacyHr'): Promise<{ journal: string; env: NodeJS.ProcessEnv }> {
    const name = `m${++n}`;
    const input = demoInput(app, join(dir, name, 'downloads'), name);
    const answers = join(dir, `${name}.answers.json`);
    writeFileSync(answers, JSON.stringify(input));
    const journal = join(dir, name, '.mendix-migrations', `${name}.json`);
    const env = cliEnv(emu.baseUrl);
    const r = await runCli(cli, ['plan', '--journal', journal, '--input', answers], env);
    assert.equal(r.code, 0, r.stderr);
    return { journal, env };
  }

  it('run --step exits 0 done, 1 failed, 2 unknown or blocked, 3 waiting — each with a message', async () => {
    const { journal, env } = await plan('orderPortal');
    const run = (...args: string[]) => runCli(cli, ['run', '--journal', journal, '--poll-interval', '20', ...args], env);

    const unknown = await run('--step', 'nope');
    assert.equal(unknown.code, 2, unknown.stdout + unknown.stderr);
    assert.match(unknown.stderr, /unknown step "nope"/);

    const blocked = await run('--step', 'cutover.start-target');
    assert.equal(blocked.code, 2, blocked.stdout + blocked.stderr);
    assert.match(blocked.stdout, /cannot run yet: it needs cutover\.restore \(pending\) done first/);

    const done = await run('--step', 'preflight');
    assert.equal(done.code, 0, done.stdout + done.stderr);
    assert.match(done.stdout, /✔ Preflight report \(preflight\) done/);
    const again = await run('--step', 'preflight', '--json');
    assert.equal(again.code, 0, again.stdout + again.stderr);
    assert.deepEqual((JSON.parse(again.stdout.trim().split('\n').pop() ?? '{}') as { status?: string }).status, 'done');

    // Temporary app A is linked in the demo: link another app to the target node so the step waits.
    await portal.link(DEMO.projects.orderPortalTempB.id, 'orderportal-us');
    const waiting = await run('--step', 'link.temp-a');
    assert.equal(waiting.code, 3, waiting.stdout + waiting.stderr);
    assert.equal(waitingOf(waiting.stdout)?.step, 'link.temp-a');

    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: '/api/1/apps/*/environments/*/package', kind: 'status', status: 403, errorCode: 'NO_ACCESS', count: 50 });
    const failed = await run('--step', 'package.download');
    assert.equal(failed.code, 1, failed.stdout + failed.stderr);
    assert.match(failed.stdout, /✘ .*\(package\.download\) failed: .*NO_ACCESS/);
  });

  it('a damaged journal or one from a newer version exits 2 and says why; a BOM is accepted', async () => {
    const { journal, env } = await plan();
    const text = readFileSync(journal, 'utf8');
    const copy = join(dir, 'copy.json');

    writeFileSync(copy, text.slice(0, text.length / 2));
    let r = await runCli(cli, ['status', '--journal', copy], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /is not valid JSON/);

    const newer = JSON.parse(text) as { schemaVersion: number };
    newer.schemaVersion = 2;
    writeFileSync(copy, JSON.stringify(newer));
    r = await runCli(cli, ['run', '--journal', copy], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /written by a newer version of the migration engine \(journal schema 2; this one reads 1\): update the extension or the CLI/);

    writeFileSync(copy, `\uFEFF${text}`);
    r = await runCli(cli, ['status', '--journal', copy], env);
    assert.equal(r.code, 0, r.stdout + r.stderr);
  });

  it('bounds numeric options and refuses plain http to another machine, saying why', async () => {
    const { journal, env } = await plan();
    let r = await runCli(cli, ['run', '--journal', journal, '--poll-interval', String(2 ** 31)], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--poll-interval needs a whole number of ms from 10 to 600000/);
    r = await runCli(cli, ['dns', 'app.example.com', '--timeout', String(2 ** 31)], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /--timeout needs a whole number from 1 to 60000/);

    r = await runCli(cli, ['run', '--journal', journal], { ...env, MENDIX_DEPLOY_URL: 'http://192.0.2.10:8080' });
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /plain http to another machine: the API key and the PAT would cross the network in cleartext/);
    r = await runCli(cli, ['run', '--journal', journal, '--deploy-url', 'file:///etc/passwd'], env);
    assert.equal(r.code, 2, r.stdout + r.stderr);
    assert.match(r.stderr, /must be an https:\/\/ URL/);
    // Loopback http (the emulator here) is fine: the run goes on to the first person step.
    r = await runCli(cli, ['run', '--journal', journal, '--poll-interval', '20'], env);
    assert.equal(r.code, 3, r.stdout + r.stderr);
  });

  it('the answers file: refuses a long name, a bad custom domain, a javascript: portal URL and a relative download folder', async () => {
    const good = demoInput('orderPortal', join(dir, 'answers-dl'), 'answers');
    const cases: [Record<string, unknown>, RegExp][] = [
      [{ name: 'a'.repeat(65) }, /name: at most 64 characters/],
      [{ customDomains: ['https://shop.example.com/'] }, /customDomains\.0: "https:\/\/shop\.example\.com\/" looks like a URL/],
      [{ portalUrl: 'javascript:alert(1)' }, /portalUrl: must be an http\(s\) address/],
      [{ downloadFolder: 'downloads' }, /downloadFolder: must be an absolute path, got "downloads"/],
    ];
    for (const [change, message] of cases) {
      const file = join(dir, 'bad-answers.json');
      writeFileSync(file, JSON.stringify({ ...good, ...change }));
      const journal = join(dir, 'answers', `${++n}.json`);
      const r = await runCli(cli, ['plan', '--journal', journal, '--input', file], cliEnv(emu.baseUrl));
      assert.equal(r.code, 2, JSON.stringify(change) + r.stdout + r.stderr);
      assert.match(r.stderr, message);
    }
  });

  it('transfer errors say what happened: a file:// URL is refused by name, a full disk names the path and the free bytes', async () => {
    const { client, services } = demoServices(emu.baseUrl);
    await assert.rejects(services.download('file:///etc/passwd', join(dir, 'x.tar.gz')), /refusing to download from a file: URL: only http and https/);
    client.dispose();
    const full = Object.assign(new Error('EIO: short write'), { code: 'EIO' });
    assert.ok(isDiskFull(full) && isDiskFull(Object.assign(new Error('no space'), { code: 'ENOSPC' })) && !isDiskFull(new Error('ECONNRESET')));
    assert.match(new DiskFullError('/data/b.tar.gz', 1024).message, /^disk full at \/data\/b\.tar\.gz \(1024 bytes free\): free some space/);
  });

  it('a silent API costs one deadline per operation, not 5 × the timeout, and the error names the endpoint', async () => {
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: '/api/1/apps', kind: 'delay', ms: 3_000, count: 20 });
    const client = new MendixClient({
      credentials: { username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat },
      config: { deployBaseUrl: emu.baseUrl, cloudPortalBaseUrl: emu.baseUrl, homeBaseUrl: emu.baseUrl },
      retry: { baseDelayMs: 20, maxDelayMs: 50 },
      timeoutMs: 300,
      operationDeadlineMs: 1_000,
    });
    const t0 = Date.now();
    await assert.rejects(client.v1.listApps(), (e: Error) => /could not reach GET \/api\/1\/apps \(\w+\) after [1-4] attempt/.test(e.message));
    const took = Date.now() - t0;
    assert.ok(took < 2_500, `gave up after ${took} ms`);
    client.dispose();
  });

  async function session(app: DemoApp, options: Partial<PlanOptions> = {}) {
    const input = demoInput(app, join(dir, `s${++n}`, 'downloads'), `s${n}`);
    const { client, services } = demoServices(emu.baseUrl);
    const prompt = new ScriptedPrompt('engine-test', { typed: { [input.source.name]: input.source.name }, yes: true });
    const s = await createMigration(join(dir, `s${n}`), input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 20, pollTimeoutMs: 120_000, ...options } });
    return { input, client, s };
  }

  async function driveUntil(s: MigrationSession, input: ReturnType<typeof demoInput>, stop: (out: RunOutcome) => boolean): Promise<RunOutcome> {
    for (let i = 0; i < 40; i++) {
      const out = await s.runner.run();
      if (stop(out) || out.status === 'completed') return out;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      await actAsPerson(portal, s.runner, out, input);
    }
    throw new Error('did not get there');
  }

  it('offboarding re-verifies every kept backup at confirmation: a same-size corrupted final backup is refused, also by verify --confirm', async () => {
    const { input, client, s } = await session('orderPortal');
    const out = await driveUntil(s, input, (o) => o.waiting.some((w) => w.stepId === 'offboard.request'));
    assert.ok(out.waiting.some((w) => w.stepId === 'offboard.request'), JSON.stringify(out));
    const finalPath = s.store.peek().steps['cutover.download'].outputs.path;
    assert.equal(typeof finalPath, 'string');
    const file = finalPath as string;
    const size = statSync(file).size;
    const fd = openSync(file, 'r+');
    writeSync(fd, Buffer.alloc(Math.min(65_536, size)), 0, Math.min(65_536, size), 0); // zero the start, same size
    closeSync(fd);
    assert.equal(statSync(file).size, size);
    await portal.offboard(input.source.nodeSubdomain); // Support did it anyway
    client.dispose();

    const journal = s.store.paths.journal;
    const r = await runCli(cli, ['verify', '--journal', journal, '--step', 'offboard.request', '--confirm', '--by', 'test'], cliEnv(emu.baseUrl));
    assert.equal(r.code, 1, r.stdout + r.stderr);
    assert.match(r.stdout, /offboarding refused: .*SHA-256|offboarding refused: .*sha256|offboarding refused/i);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.notEqual(j.steps['offboard.request'].status, 'done');
    assert.notEqual(j.status, 'completed');
    const v = await s.runner.confirmManualStep('offboard.request', 'test');
    assert.equal(v.ok, false, v.detail);
    assert.match(v.detail, /offboarding refused/);
  });

  it('a start that never reports "Started" asks a person after its deadline, in the cutover, with the facts', async () => {
    const { input, client, s } = await session('legacyHr', { startTimeoutMs: 1_500 });
    const out = await driveUntil(s, input, (o) => o.waiting.some((w) => w.stepId === 'cutover.upload'));
    assert.ok(out.waiting.some((w) => w.stepId === 'cutover.upload'));
    await actAsPerson(portal, s.runner, { ...out, waiting: out.waiting.filter((w) => w.stepId === 'cutover.upload') }, input);
    // Every poll of the start job answers "Starting", for ever.
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: '/api/1/apps/*/environments/*/start/*', kind: 'malformed', body: '{"Status":"Starting"}', count: 100_000 });
    const t0 = Date.now();
    const stuck = await s.runner.run();
    const took = Date.now() - t0;
    const w = stuck.waiting.find((x) => x.stepId === 'cutover.start-target');
    assert.ok(w, JSON.stringify(stuck));
    assert.ok(took < 15_000, `asked after ${took} ms`);
    assert.match(w.instructions.summary, /start of legacyhr-v4\/Production did not finish within 2 s/);
    assert.ok(w.instructions.actions.some((a) => /last seen: Starting/.test(a)), JSON.stringify(w.instructions));
    const open = s.store.peek().cutover.downtimes?.at(-1);
    assert.ok(open && !open.endedAt, 'the downtime window is open and recorded');
    await axios.delete(`${emu.baseUrl}/_emulator/faults`);
    const done = await driveUntil(s, input, () => false);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const closed = s.store.peek().cutover.downtimes?.at(-1);
    assert.equal(closed?.endedBy, 'target-started');
    assert.equal((await portal.state()).environments[DEMO.environments.legacyHrV4Production.id].status, 'Running');
    client.dispose();
  });

  it('a person who confirms the target runs after the start’s deadline ends the downtime then; the report shows no open window', async () => {
    const { input, client, s } = await session('legacyHr', { startTimeoutMs: 1_500 });
    const out = await driveUntil(s, input, (o) => o.waiting.some((w) => w.stepId === 'cutover.upload'));
    await actAsPerson(portal, s.runner, { ...out, waiting: out.waiting.filter((w) => w.stepId === 'cutover.upload') }, input);
    await axios.post(`${emu.baseUrl}/_emulator/faults`, { method: 'GET', path: '/api/1/apps/*/environments/*/start/*', kind: 'malformed', body: '{"Status":"Starting"}', count: 100_000 });
    const stuck = await s.runner.run();
    assert.ok(stuck.waiting.some((x) => x.stepId === 'cutover.start-target'), JSON.stringify(stuck));
    const stoppedAt = Date.parse(s.store.peek().cutover.downtimes?.at(-1)?.startedAt ?? '');
    // The emulator starts the target behind the poll that never says so.
    const envId = DEMO.environments.legacyHrV4Production.id;
    const target = async () => (await portal.state()).environments[envId].status;
    for (let i = 0; i < 200 && (await target()) !== 'Running'; i++) await new Promise((r) => setTimeout(r, 25));
    assert.equal(await target(), 'Running', 'the emulator started the target behind the stuck poll');
    const before = Date.now();
    const v = await s.runner.confirmManualStep('cutover.start-target', 'ops');
    assert.ok(v.ok, v.detail);
    const j = s.store.peek();
    const w = j.cutover.downtimes?.at(-1);
    assert.equal(w?.endedBy, 'target-confirmed');
    assert.ok(w?.endedAt && Date.parse(w.endedAt) >= before - 5, `ended at the confirmation, not earlier: ${w?.endedAt}`);
    assert.equal(j.cutover.endedAt, w?.endedAt);
    assert.equal(j.cutover.measuredDowntimeMs, Date.parse(w?.endedAt ?? '') - stoppedAt);
    assert.equal(j.steps['cutover.start-target'].status, 'done');
    await axios.delete(`${emu.baseUrl}/_emulator/faults`);
    const done = await driveUntil(s, input, () => false);
    assert.equal(done.status, 'completed', JSON.stringify(done));
    const md = renderReport(s.store.peek(), s.plan.steps);
    assert.match(md, /a person confirmed the target runs/);
    assert.doesNotMatch(md, /still open|still down/);
    client.dispose();
  });
});
