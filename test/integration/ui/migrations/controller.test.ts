import { strict as assert } from 'node:assert';
import { existsSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationBusyError, MigrationController, type ControllerChange } from '../../../../src/core/ui/migrations/migrationController';
import { listJournals } from '../../../../src/core/ui/migrations/journalList';
import type { MigrationServices, TransferOptions } from '../../../../src/core/mendix/services';
import { FakeCloud } from '../../../support/fakeCloud';
import { testController } from '../../../support/testController';
import { sampleInput } from '../../../support/sampleInput';
import type { Journal } from '../../../../src/core/migration/types';

/** The in-memory cloud, with downloads that report progress like the real transfer code. */
function withProgress(cloud: FakeCloud): MigrationServices {
  const s = Object.create(cloud) as MigrationServices;
  s.download = async (url: string, dest: string, opts?: TransferOptions) => {
    opts?.onProgress?.({ bytes: 4, total: 13 });
    opts?.onProgress?.({ bytes: 13, total: 13 });
    return cloud.download(url, dest);
  };
  return s;
}

describe('migration controller', () => {
  let dir: string;
  let cloud: FakeCloud;
  let mc: MigrationController;
  let changes: ControllerChange[];
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-'));
    mkdirSync(join(dir, 'dl'));
    cloud = FakeCloud.demo();
    // The person has not linked temporary app A to the target node yet.
    const target = cloud.nodes.get('orderportal-us');
    if (target) target.linkedProjectId = null;
    changes = [];
    mc = testController(withProgress(cloud));
    mc.onDidChange((c) => changes.push(c));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('creates a journal without credentials and lists it with its phase', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    assert.ok(file.endsWith(join('.mendix-migrations', 'order-portal.json')));
    const list = await listJournals(dir);
    assert.equal(list.length, 1);
    assert.equal(list[0].phase, 'Preflight');
    assert.equal(list[0].done, 0);
    assert.ok(list[0].total > 20);
  });

  it('lists a journal a run holds from its live state, not from the last write to disk', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const onDisk = mc.peek(file);
    assert.ok(onDisk);
    // What a run holds in memory a moment before its write reaches the file: preflight is done.
    const live = structuredClone<Journal>(onDisk);
    live.steps.preflight.status = 'done';
    const runs = { busy: (f: string) => (f === file ? 'running' : undefined), peek: () => live, planLines: (f: string) => mc.planLines(f) };
    const [fromFile] = await listJournals(dir);
    const [fromRun] = await listJournals(dir, runs);
    assert.equal(fromFile.done, 0);
    assert.equal(fromRun.done, 1);
    assert.equal(fromRun.state, 'running');
    assert.equal(fromRun.file, fromFile.file);
    // Not held by a run: the file is read.
    const [idle] = await listJournals(dir, { ...runs, busy: () => undefined });
    assert.equal(idle.done, 0);
  });

  it('runs until a person is needed, announcing step changes and transfer progress with its step', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const out = await mc.run(file);
    assert.equal(out.status, 'waiting-for-person');
    assert.ok(out.waiting.some((w) => w.stepId === 'link.temp-a'));
    assert.equal(mc.peek(file)?.steps.preflight.status, 'done');
    const transfers = changes.filter((c): c is Extract<ControllerChange, { kind: 'transfer' }> => c.kind === 'transfer');
    const pkg = transfers.filter((t) => t.row.stepId === 'package.download');
    assert.ok(pkg.length >= 2, 'progress ticks reach the panel with their step');
    assert.match(pkg[0].row.label, /^Download /);
    assert.equal(pkg[0].row.total, 13);
    assert.equal(pkg[pkg.length - 1].row.done, true);
    assert.deepEqual(
      changes.filter((c) => c.kind === 'busy').map((c) => (c.kind === 'busy' ? c.busy : '')),
      ['running', undefined],
    );
    assert.ok(!existsSync(file.replace(/\.json$/, '.lock')), 'the lock is released');
    assert.equal(mc.busy(file), undefined);
  });

  it('refuses a second operation on the same journal while one runs', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const first = mc.run(file);
    await new Promise((r) => setImmediate(r));
    await assert.rejects(mc.verify(file, 'preflight'), MigrationBusyError);
    await first;
  });

  it("queues a person's Mark Done behind a run that is still busy elsewhere, and says so", async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const run = mc.run(file);
    await new Promise((r) => setImmediate(r));
    assert.equal(mc.busy(file), 'running');
    const queuedBehind: string[] = [];
    // Pressed while the run still works; it is checked once the run pauses (here: not linked yet).
    const confirmed = mc.markDone(file, 'link.temp-a', undefined, undefined, (busy) => queuedBehind.push(busy));
    const out = await run;
    assert.equal(out.status, 'waiting-for-person');
    const v = await confirmed;
    assert.deepEqual(queuedBehind, ['running'], 'the person is told what the confirmation waits for');
    assert.equal(v.ok, false);
    assert.match(v.detail, /link|node/i);
    assert.equal(mc.peek(file)?.steps['link.temp-a'].status, 'waiting-for-person');
    assert.equal(mc.busy(file), undefined);
  });

  it('two person actions in a row: the second confirmation and the runs that follow each wait their turn', async () => {
    const input = sampleInput(join(dir, 'dl'));
    const file = await mc.create(dir, input);
    await mc.run(file);
    cloud.link(input.target.tempAppA.projectId, input.target.nodeSubdomain);
    const queued: string[] = [];
    const first = mc.markDone(file, 'link.temp-a');
    const second = mc.markDone(file, 'link.temp-a', undefined, undefined, (b) => queued.push(`markDone behind ${b}`));
    const followUp = mc.run(file, { onQueued: (b) => queued.push(`run behind ${b}`) });
    assert.equal((await first).ok, true);
    await second;
    await followUp; // resolves: never refused as busy
    // The run waits behind the first confirmation, then behind the second one.
    assert.deepEqual(queued, ['markDone behind confirming link.temp-a', 'run behind confirming link.temp-a', 'run behind confirming link.temp-a'], JSON.stringify(queued));
    assert.equal(mc.peek(file)?.steps['link.temp-a'].status, 'done');
    assert.equal(mc.busy(file), undefined);
  });

  it('a queued Mark Done gives up when it is cancelled before the run pauses', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const run = mc.run(file);
    await new Promise((r) => setImmediate(r));
    const ac = new AbortController();
    const confirmed = mc.markDone(file, 'link.temp-a', ac.signal);
    ac.abort();
    await assert.rejects(confirmed);
    await run;
    assert.notEqual(mc.peek(file)?.steps['link.temp-a'].confirmation?.by, 'tester', 'nothing was confirmed');
  });

  it('marks a portal step done only when its verification proves it', async () => {
    const input = sampleInput(join(dir, 'dl'));
    const file = await mc.create(dir, input);
    await mc.run(file);
    const notYet = await mc.markDone(file, 'link.temp-a');
    assert.equal(notYet.ok, false);
    assert.equal(mc.peek(file)?.steps['link.temp-a'].status, 'waiting-for-person');
    cloud.link(input.target.tempAppA.projectId, input.target.nodeSubdomain);
    const ok = await mc.markDone(file, 'link.temp-a');
    assert.equal(ok.ok, true, ok.detail);
    assert.equal(mc.peek(file)?.steps['link.temp-a'].status, 'done');
    assert.equal(mc.peek(file)?.steps['link.temp-a'].confirmation?.by, 'tester');
  });

  it('aborts before the cutover without touching the source, and writes a report', async () => {
    const file = await mc.create(dir, sampleInput(join(dir, 'dl')));
    const r = await mc.abort(file, 'changed our minds');
    assert.equal(r.sourceTouched, false);
    assert.equal(mc.peek(file)?.status, 'aborted');
    assert.equal(cloud.calls.filter((c) => c.op === 'stop').length, 0);
    const md = await mc.report(file);
    assert.match(md, /order-portal/);
  });
});
