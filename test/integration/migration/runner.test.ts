import { strict as assert } from 'node:assert';
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { createLogger } from '../../../src/core/shared/logger';
import { MemoryLogSink } from '../../support/memoryLogSink';
import { JournalStore, journalPathsFor } from '../../../src/core/migration/journalStore';
import { MigrationRunner } from '../../../src/core/migration/runner';
import { renderReport } from '../../../src/core/migration/report';
import { NeedsPersonError, type StepContext, type StepDefinition } from '../../../src/core/migration/stepTypes';
import type { MigrationServices } from '../../../src/core/mendix/services';
import { ScriptedPrompt } from '../../support/scriptedPrompt';
import type { Phase, StepKind } from '../../../src/core/migration/types';
import { sampleInput } from '../../support/sampleInput';

interface Probe {
  order: string[];
  active: number;
  maxActive: number;
  runs: Map<string, number>;
}

/** Resolves once `n` parties arrived; rejects after 2 s (the runner did not overlap them). */
function barrier(n: number): () => Promise<void> {
  let arrived = 0;
  let open: () => void = () => undefined;
  const opened = new Promise<void>((r) => (open = r));
  return async () => {
    if (++arrived >= n) open();
    await Promise.race([opened, new Promise<void>((_, reject) => setTimeout(() => reject(new Error('steps did not run concurrently')), 2000))]);
  };
}

function apiStep(id: string, deps: string[], probe: Probe, opts: { ms?: number; fail?: () => boolean; phase?: Phase; meet?: () => Promise<void> } = {}): StepDefinition {
  return {
    id,
    phase: opts.phase ?? 'carry-package',
    title: id,
    kind: 'api',
    dependsOn: deps,
    describe: `test step ${id}`,
    isDone: (ctx) => Promise.resolve(ctx.state().outputs.finished === true),
    run: async (ctx: StepContext) => {
      probe.runs.set(id, (probe.runs.get(id) ?? 0) + 1);
      probe.active++;
      probe.maxActive = Math.max(probe.maxActive, probe.active);
      probe.order.push(`start:${id}`);
      if (opts.meet) await opts.meet();
      await new Promise((r) => setTimeout(r, opts.ms ?? 5));
      probe.active--;
      if (opts.fail?.()) throw new Error(`${id} broke`);
      await ctx.setOutputs({ finished: true });
      probe.order.push(`end:${id}`);
    },
    verify: (ctx) => Promise.resolve({ ok: ctx.state().outputs.finished === true, detail: 'finished flag set' }),
  };
}

function manualStep(id: string, deps: string[], kind: StepKind, proof: { done: boolean }): StepDefinition {
  return {
    id,
    phase: 'link-target',
    title: id,
    kind,
    dependsOn: deps,
    describe: 'a person does it',
    instructions: () => ({ summary: `do ${id}`, actions: ['click here'] }),
    isDone: () => Promise.resolve(proof.done),
    run: () => Promise.resolve(),
    verify: () => Promise.resolve({ ok: proof.done, detail: proof.done ? 'seen through the API' : 'not visible yet' }),
  };
}

describe('migration runner', () => {
  let dir: string;
  const services = {} as MigrationServices; // these synthetic steps never call the cloud
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-runner-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function setup(steps: StepDefinition[], concurrency = 4) {
    const paths = journalPathsFor(dir, 'run1');
    const store = await JournalStore.create(paths, sampleInput(dir), steps.map((s) => s.id));
    const sink = new MemoryLogSink();
    const runner = new MigrationRunner({
      steps,
      store,
      services,
      prompt: new ScriptedPrompt('tester'),
      logger: createLogger(sink.sink),
      concurrency,
    });
    return { store, runner, paths };
  }

  it('runs independent steps concurrently and respects dependencies', async () => {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    const meet = barrier(2);
    const steps = [
      apiStep('a', [], probe),
      apiStep('b', ['a'], probe, { meet }),
      apiStep('c', ['a'], probe, { meet }),
      apiStep('d', ['b', 'c'], probe),
    ];
    const { runner, store } = await setup(steps);
    const out = await runner.run();
    assert.equal(out.status, 'completed');
    assert.equal(probe.maxActive, 2, 'b and c overlap');
    assert.ok(probe.order.indexOf('end:a') < probe.order.indexOf('start:b'));
    assert.ok(probe.order.indexOf('end:b') < probe.order.indexOf('start:d'));
    assert.ok(probe.order.indexOf('end:c') < probe.order.indexOf('start:d'));
    assert.equal(store.peek().status, 'completed');
    for (const id of ['a', 'b', 'c', 'd']) {
      const st = store.peek().steps[id];
      assert.equal(st.status, 'done');
      assert.ok(st.durationMs !== undefined && st.startedAt && st.finishedAt);
    }
  });

  it('honours the concurrency limit', async () => {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    const steps = ['a', 'b', 'c', 'd', 'e'].map((id) => apiStep(id, [], probe, { ms: 40 }));
    const { runner } = await setup(steps, 2);
    await runner.run();
    assert.equal(probe.maxActive, 2);
  });

  it('skips finished steps on resume and re-runs a failed one', async () => {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    let breakB = true;
    const steps = [apiStep('a', [], probe), apiStep('b', ['a'], probe, { fail: () => breakB }), apiStep('c', ['b'], probe)];
    const { runner, store, paths } = await setup(steps);
    const first = await runner.run();
    assert.equal(first.status, 'failed');
    assert.equal(first.failed[0].stepId, 'b');
    assert.match(first.failed[0].error.message, /b broke/);
    assert.ok(first.failed[0].error.nextAction);
    assert.equal(store.peek().steps.c.status, 'pending');

    // A new process opens the same journal.
    breakB = false;
    const reopened = await JournalStore.open(paths);
    const runner2 = new MigrationRunner({
      steps,
      store: reopened,
      services,
      prompt: new ScriptedPrompt('tester'),
      logger: createLogger(() => undefined),
    });
    const second = await runner2.run();
    assert.equal(second.status, 'completed');
    assert.equal(probe.runs.get('a'), 1, 'a is not repeated');
    assert.equal(probe.runs.get('b'), 2);
    assert.equal(reopened.peek().steps.b.attempts, 2);
  });

  it('stops at a manual step, keeps running independent work, and resumes once the API shows it done', async () => {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    const linked = { done: false };
    const steps = [
      manualStep('link', [], 'portal', linked),
      apiStep('independent', [], probe),
      apiStep('after-link', ['link'], probe),
    ];
    const { runner, store } = await setup(steps);
    const first = await runner.run();
    assert.equal(first.status, 'waiting-for-person');
    assert.deepEqual(
      first.waiting.map((w) => [w.stepId, w.instructions.summary]),
      [['link', 'do link']],
    );
    assert.equal(store.peek().steps.independent.status, 'done');
    assert.equal(store.peek().steps['after-link'].status, 'pending');
    assert.ok(store.peek().steps.link.waitingSince);

    const again = await runner.run();
    assert.equal(again.status, 'waiting-for-person', 'still not visible through the API');

    linked.done = true;
    const done = await runner.run();
    assert.equal(done.status, 'completed');
    assert.equal(store.peek().steps.link.confirmation?.method, 'api');
  });

  it('a support step needs a person confirmation and then its verification', async () => {
    const proof = { done: false };
    const step: StepDefinition = {
      ...manualStep('ticket', [], 'support', proof),
      isDone: (ctx) => Promise.resolve(ctx.state().confirmation !== undefined && proof.done),
    };
    const { runner, store } = await setup([step]);
    assert.equal((await runner.run()).status, 'waiting-for-person');
    const refused = await runner.confirmManualStep('ticket', 'alice');
    assert.equal(refused.ok, false);
    assert.equal(store.peek().steps.ticket.status, 'waiting-for-person');
    proof.done = true;
    const ok = await runner.confirmManualStep('ticket', 'alice');
    assert.equal(ok.ok, true);
    const st = store.peek().steps.ticket;
    assert.equal(st.status, 'done');
    assert.equal(st.confirmation?.by, 'alice');
    assert.equal(st.confirmation?.method, 'person');
  });

  it('an api step that needs a person waits with its instructions instead of failing', async () => {
    const step: StepDefinition = {
      id: 'stop',
      phase: 'cutover',
      title: 'stop',
      kind: 'api',
      dependsOn: [],
      describe: 'needs typed confirmation',
      isDone: () => Promise.resolve(false),
      run: () => Promise.reject(new NeedsPersonError({ summary: 'type the app name', actions: ['--confirm X'] })),
      verify: () => Promise.resolve({ ok: false, detail: '' }),
    };
    const { runner } = await setup([step]);
    const out = await runner.run();
    assert.equal(out.status, 'waiting-for-person');
    assert.equal(out.waiting[0].instructions.summary, 'type the app name');
  });

  it('rolls back by restarting the source when a cutover step fails, and records it', async () => {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    const stop: StepDefinition = {
      ...apiStep('cutover.stop', [], probe, { phase: 'cutover' }),
      run: async (ctx) => {
        await ctx.setOutputs({ finished: true });
        await ctx.updateJournal((j) => void (j.cutover.startedAt = new Date().toISOString()));
      },
    };
    const failing = apiStep('cutover.restore', ['cutover.stop'], probe, { phase: 'cutover', fail: () => true });
    // The failing step records an intent and a job id first: a rollback must not leave them behind.
    const broken: StepDefinition = {
      ...failing,
      cutoverWindow: true,
      run: async (ctx) => {
        await ctx.recordIntent('restore', { snapshotId: 's-1' });
        await ctx.resolveIntent('restore', { restoreId: 'r-stale' });
        await failing.run(ctx);
      },
    };
    const paths = journalPathsFor(dir, 'rb');
    const store = await JournalStore.create(paths, sampleInput(dir), ['cutover.stop', 'cutover.restore']);
    let restarted = 0;
    const seen: string[] = [];
    const runner = new MigrationRunner({
      steps: [stop, broken],
      store,
      services,
      prompt: new ScriptedPrompt('t'),
      logger: createLogger(() => undefined),
      onEvent: (e) => seen.push(`${e.type} ${e.stepId}`),
      rollback: () => {
        seen.push('rollback action');
        restarted++;
        return Promise.resolve('source started again');
      },
    });
    const out = await runner.run();
    assert.equal(out.status, 'failed');
    assert.equal(restarted, 1);
    // The UI hears of the rollback before it runs (the header says "Rolling back" at once).
    assert.deepEqual(seen.slice(-3), ['step-failed cutover.restore', 'rollback-started cutover.restore', 'rollback action']);
    const j = store.peek();
    assert.equal(j.cutover.rollback?.result, 'source-restarted');
    assert.equal(j.cutover.startedAt, undefined);
    assert.equal(j.steps['cutover.stop'].status, 'pending', 'the next cutover starts by stopping the source again');
    // Every undone step is clean: no stale job ids, intents or outputs; the failed one keeps its error.
    assert.deepEqual(j.steps['cutover.restore'].intents, []);
    assert.deepEqual(j.steps['cutover.restore'].outputs, {});
    assert.match(j.steps['cutover.restore'].error?.message ?? '', /broke/);
    assert.deepEqual(j.steps['cutover.stop'].outputs, {});
    // Recorded for the UI and the report: what was undone, and when.
    assert.equal(j.cutover.rollbacks?.length, 1);
    assert.deepEqual(j.cutover.rollbacks?.[0].undone, ['cutover.stop', 'cutover.restore']);
    const md = renderReport(j, [stop, broken]);
    assert.match(md, /### Rollbacks[\s\S]*step cutover\.restore failed: cutover\.restore broke \| source restarted \(source started again\) \| cutover\.stop, cutover\.restore \|/);
    const events = readFileSync(paths.events, 'utf8');
    assert.match(events, /"type":"rollback"/);
  });

  /** A one-step run for the abort tests, inside the cutover window or not; counts source restarts. */
  async function abortable(name: string, inCutover: boolean) {
    const probe: Probe = { order: [], active: 0, maxActive: 0, runs: new Map() };
    const store = await JournalStore.create(journalPathsFor(dir, name), sampleInput(dir), ['a']);
    if (inCutover) await store.update((j) => void (j.cutover.startedAt = new Date().toISOString()));
    let restarted = 0;
    const runner = new MigrationRunner({
      steps: [apiStep('a', [], probe)],
      store,
      services,
      prompt: new ScriptedPrompt('t'),
      logger: createLogger(() => undefined),
      rollback: () => {
        restarted++;
        return Promise.resolve('started');
      },
    });
    return { probe, store, runner, restarts: () => restarted };
  }

  it('abort before the cutover leaves the source untouched and is recorded', async () => {
    const { probe, store, runner, restarts } = await abortable('ab', false);
    const r = await runner.abort('changed my mind');
    assert.equal(r.sourceTouched, false);
    assert.equal(restarts(), 0);
    assert.equal(store.peek().status, 'aborted');
    assert.equal(store.peek().abort?.reason, 'changed my mind');
    assert.equal((await runner.run()).status, 'aborted');
    assert.equal(probe.runs.size, 0);
  });

  it('abort inside the cutover window restarts the source first', async () => {
    const { store, runner, restarts } = await abortable('ab2', true);
    const r = await runner.abort('stop now');
    assert.equal(r.sourceTouched, true);
    assert.equal(restarts(), 1);
    assert.equal(store.peek().cutover.rollback?.result, 'source-restarted');
  });
});
