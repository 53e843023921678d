import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import axios from 'axios';
import { join, resolve } from 'node:path';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';
import type { Journal } from '../../../src/core/migration/types';
import { acceptedWrites, demoInput, Portal, targetEnvironmentId } from './harness';
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
    const killLog: string[] = [];
    let finished = false;
    for (let cycle = 0; cycle < 120 && !finished; cycle++) {
      const startCount = readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.includes('"type":"step-finished"')).length;
      const killWhen: KillWhen = (v) => {
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
      const run = await runCli(cli, ['run', '--journal', journal, '--yes', '--confirm-stop', input.source.name, '--poll-interval', '20'], env, {
        eventsFile,
        downloadFolder: input.downloadFolder,
        killWhen,
      });
      if (run.killedAt) {
        killLog.push(run.killedAt);
        continue;
      }
      if (run.code === 0) {
        finished = true;
        break;
      }
      assert.equal(run.code, 3, `run failed (cycle ${cycle}):\n${run.stdout}\n${run.stderr}`);
      // Exit 3 ends with one JSON line naming a step that waits for a person.
      const line = waitingOf(run.stdout);
      const now = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
      assert.ok(line && now.steps[line.step]?.status === 'waiting-for-person', run.stdout);
      await actViaCli(portal, journal, input, env);
    }
    assert.ok(finished, `did not finish; kills: ${killLog.join('; ')}`);
    const j = JSON.parse(readFileSync(journal, 'utf8')) as Journal;
    assert.equal(j.status, 'completed');
    assert.ok(killLog.filter((k) => k.startsWith('after step boundary')).length >= 20, `boundary kills: ${killLog.length}`);
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
      assert.equal(v, 1 + relisted.filter((x) => x === snapshotId).length, `one archive per snapshot: ${k}${diag}`);
    }
    assert.equal(sum('/restores'), 2, `two restores: rehearsal and final${diag}`);
    assert.equal(writes.get('POST /api/1/apps/orderportal-us/environments/Production/start'), 4, `prepare, test, cutover, redeploy${diag}`);
    // The emulator's model: exactly the resources a clean run creates (an upload cut off mid-body creates nothing).
    const state = await portal.state();
    assert.equal(Object.values(state.packages).filter((p) => p.projectId === P.orderPortalTempA.id).length, 1, 'one package on the target');
    assert.equal(Object.values(state.restores).filter((r) => r.targetEnvId === E.orderPortalUsProduction.id).length, 2);
  });
});

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
