/**
 * Drives a plan: runs every step whose dependencies are done, independent ones concurrently, checks
 * "already done?" first so a resumed run skips finished work, stops at steps that need a person, and
 * writes every transition to the journal (atomically) and the event log (append-only).
 */
import type { Logger } from '../shared/logger';
import { isoNow, systemClock, type Clock } from '../shared/clock';
import { markStepDone, newStepState, type JournalStore } from './journalStore';
import type { MigrationServices } from '../mendix/services';
import { NeedsPersonError, RefusedError, type MigrationPrompt, type StepContext, type StepDefinition, type VerifyResult } from './stepTypes';
import type { Journal, PersonInstructions, StepErrorInfo, StepKind } from './types';
import { stepErrorInfo } from './errorInfo';
import { describeError } from '../shared/errors';
import { createStepContext } from './stepContext';
import { finishedRehearsal } from './rehearsal';
import { runReadySteps } from './stepScheduler';
import { recordRollback } from './rollbackRecord';
import { finalStatusOf, outcomeOf, SETTLED } from './runOutcome';

export interface WaitingStep {
  stepId: string;
  title: string;
  kind: StepKind;
  instructions: PersonInstructions;
}

export interface FailedStep {
  stepId: string;
  title: string;
  error: StepErrorInfo;
}

export type RunStatusResult = 'completed' | 'waiting-for-person' | 'failed' | 'aborted' | 'cancelled';

export interface RunOutcome {
  status: RunStatusResult;
  waiting: WaitingStep[];
  failed: FailedStep[];
}

export interface RunnerEvent {
  /** `rollback-started`: the step failed inside the cutover window and the source is being restarted. */
  type: 'step-started' | 'step-done' | 'step-failed' | 'step-waiting' | 'rollback-started' | 'progress';
  stepId: string;
  title: string;
  message?: string;
}

/** Restarts the source after a failure inside the cutover window; returns a short detail. */
export type RollbackAction = (ctx: StepContext) => Promise<string>;

export interface RunnerOptions {
  steps: readonly StepDefinition[];
  store: JournalStore;
  services: MigrationServices;
  prompt: MigrationPrompt;
  logger: Logger;
  clock?: Clock;
  /** How many independent steps may run at once. */
  concurrency?: number;
  rollback?: RollbackAction;
  onEvent?: (e: RunnerEvent) => void;
}

export interface RunOptions {
  signal?: AbortSignal;
  /** Run at most this one step (with its "already done?" check): "Run Next Step". */
  onlyStep?: string;
}

export class MigrationRunner {
  private readonly byId = new Map<string, StepDefinition>();
  private readonly clock: Clock;
  private readonly concurrency: number;

  constructor(private readonly opts: RunnerOptions) {
    for (const s of opts.steps) {
      if (this.byId.has(s.id)) throw new Error(`duplicate step id ${s.id}`);
      this.byId.set(s.id, s);
    }
    for (const s of opts.steps) {
      for (const d of s.dependsOn) if (!this.byId.has(d)) throw new Error(`step ${s.id} depends on unknown step ${d}`);
    }
    this.clock = opts.clock ?? systemClock;
    this.concurrency = Math.max(1, opts.concurrency ?? 4);
  }

  get steps(): readonly StepDefinition[] {
    return this.opts.steps;
  }

  step(id: string): StepDefinition {
    const s = this.byId.get(id);
    if (!s) throw new Error(`unknown step ${id}`);
    return s;
  }

  /** Steps whose dependencies are all done or skipped and which are not finished themselves. */
  readySteps(journal: Readonly<Journal> = this.opts.store.peek()): StepDefinition[] {
    return this.opts.steps.filter((s) => {
      const st = journal.steps[s.id];
      if (!st || SETTLED.has(st.status)) return false;
      return s.dependsOn.every((d) => SETTLED.has(journal.steps[d]?.status ?? 'pending'));
    });
  }

  async run(options: RunOptions = {}): Promise<RunOutcome> {
    const { store } = this.opts;
    const signal = options.signal ?? new AbortController().signal;
    if (store.peek().status === 'aborted') return this.outcome('aborted');
    await this.ensureStepStates();
    // A step left "running" by a crash, or failed before, is tried again; its own checks decide
    // whether the work is already done or an earlier call's result must be looked up.
    await store.update((j) => {
      for (const st of Object.values(j.steps)) if (st.status === 'running' || st.status === 'failed') st.status = 'pending';
      j.lastRun = { status: 'running', at: isoNow(this.clock) };
    });
    await store.appendEvent({ type: 'run-started', detail: options.onlyStep ? { onlyStep: options.onlyStep } : {} });

    await runReadySteps({
      ready: () => this.readySteps().filter((s) => !options.onlyStep || s.id === options.onlyStep),
      concurrency: this.concurrency,
      signal,
      execute: (s) => this.execute(s, signal),
      onCrash: (s, e) => this.opts.logger.error(`step ${s.id} crashed the runner: ${describeError(e).message}`),
    });
    await store.settle();
    const status = this.finalStatus(signal.aborted);
    await store.update((j) => {
      if (status === 'completed') j.status = 'completed';
      j.lastRun = { status, at: isoNow(this.clock) };
    });
    await store.appendEvent({ type: 'run-stopped', detail: { status } });
    return this.outcome(status);
  }

  /**
   * Records a person's confirmation of a manual step, then runs the same detection a run does (which
   * also records what later steps need, e.g. the uploaded snapshot) and the step's verification.
   * The step is done only when both pass; an `override` (the person's reason) is accepted only by
   * steps that allow it.
   */
  async confirmManualStep(stepId: string, by: string, signal?: AbortSignal, opts: { override?: string } = {}): Promise<VerifyResult> {
    const step = this.step(stepId);
    const { store } = this.opts;
    const before = store.peek().steps[stepId];
    if (step.kind === 'api' && before?.status !== 'waiting-for-person') return { ok: false, detail: `"${step.title}" is done by the engine: run it instead` };
    if (opts.override !== undefined && !step.allowsOverride) return { ok: false, detail: `"${step.title}" cannot be overridden: later steps need what its check finds` };
    await this.ensureStepStates();
    const j = store.peek();
    const unmet = step.dependsOn.filter((d) => !SETTLED.has(j.steps[d]?.status ?? 'pending'));
    if (unmet.length > 0) return { ok: false, detail: `cannot confirm yet: waiting for ${unmet.join(', ')}` };
    const at = isoNow(this.clock);
    await store.update((jj) => {
      jj.steps[stepId].confirmation = { by, at, method: 'person', ...(opts.override !== undefined ? { override: opts.override } : {}) };
    });
    await store.appendEvent({ type: 'step-confirmed', stepId, detail: opts.override !== undefined ? { by, override: opts.override } : { by } });
    const ctx = this.context(step, signal ?? new AbortController().signal);
    let detected: boolean;
    try {
      detected = await step.isDone(ctx);
    } catch (e) {
      detected = false;
      this.opts.logger.warn(`step ${stepId}: detection failed: ${describeError(e).message}`);
    }
    const checked = await this.safeVerify(step, ctx);
    // An automatic step waits for a person only when nothing can tell (a lost answer): their word is what it asks for.
    const v: VerifyResult = detected || !checked.ok || step.kind === 'api' ? checked : { ok: false, detail: `not detected as done yet (${checked.detail})` };
    if (v.ok) await step.confirmed?.(ctx);
    await store.update((jj) => {
      const st = jj.steps[stepId];
      st.verification = { ...v, at: isoNow(this.clock) };
      if (v.ok) markStepDone(st, this.clock.now());
    });
    await store.appendEvent({ type: 'verification', stepId, detail: { ok: v.ok, detail: v.detail } });
    if (v.ok) await this.afterDone(step);
    return v;
  }

  /** Runs only a step's verification and records the result. */
  async verifyStep(stepId: string, signal?: AbortSignal): Promise<VerifyResult> {
    const step = this.step(stepId);
    const ctx = this.context(step, signal ?? new AbortController().signal);
    const v = await this.safeVerify(step, ctx);
    await this.opts.store.update((j) => {
      j.steps[stepId].verification = { ...v, at: isoNow(this.clock) };
    });
    await this.opts.store.appendEvent({ type: 'verification', stepId, detail: { ok: v.ok, detail: v.detail } });
    return v;
  }

  /**
   * Stops the run for good. Before the cutover the source was never touched; inside the cutover
   * window the source is restarted first. Both are recorded.
   */
  async abort(reason: string): Promise<{ sourceTouched: boolean; rollback?: string }> {
    const { store } = this.opts;
    let rollback: string | undefined;
    const inWindow = this.inCutoverWindow();
    if (inWindow) rollback = await this.rollback(`abort: ${reason}`);
    const at = isoNow(this.clock);
    await store.update((j) => {
      j.status = 'aborted';
      j.abort = { at, reason, sourceTouched: inWindow };
    });
    await store.appendEvent({ type: 'abort', detail: { reason, sourceTouched: inWindow } });
    return { sourceTouched: inWindow, rollback };
  }

  /** True between "source stopped" and "target started" of the cutover. */
  inCutoverWindow(j: Readonly<Journal> = this.opts.store.peek()): boolean {
    return j.cutover.startedAt !== undefined && j.cutover.endedAt === undefined;
  }

  private async ensureStepStates(): Promise<void> {
    const missing = this.opts.steps.filter((s) => !this.opts.store.peek().steps[s.id]);
    if (missing.length === 0) return;
    await this.opts.store.update((j) => {
      for (const s of missing) j.steps[s.id] = newStepState();
    });
  }

  /** Returns false when the step failed. */
  private async execute(step: StepDefinition, signal: AbortSignal): Promise<boolean> {
    const { store } = this.opts;
    const ctx = this.context(step, signal);
    try {
      if (await step.isDone(ctx)) {
        const v = await this.safeVerify(step, ctx);
        if (v.ok) {
          await store.update((j) => {
            const st = j.steps[step.id];
            st.verification = { ...v, at: isoNow(this.clock) };
            if (step.kind !== 'api' && !st.confirmation) {
              st.confirmation = { by: 'engine', at: isoNow(this.clock), method: 'api' };
            }
            markStepDone(st, this.clock.now());
          });
          await store.appendEvent({ type: 'step-finished', stepId: step.id, detail: { alreadyDone: true, verification: v.detail } });
          this.emit('step-done', step, v.detail);
          await this.afterDone(step);
          return true;
        }
      }
      if (step.kind !== 'api') return await this.reachManual(step, ctx);

      const startedAt = isoNow(this.clock);
      await store.update((j) => {
        const st = j.steps[step.id];
        st.status = 'running';
        st.attempts += 1;
        st.startedAt = startedAt;
        st.finishedAt = undefined;
        st.durationMs = undefined;
        st.error = undefined;
        st.person = undefined;
      });
      await store.appendEvent({ type: 'step-started', stepId: step.id });
      this.emit('step-started', step);
      await step.run(ctx);
      const v = await this.safeVerify(step, ctx);
      if (!v.ok) throw new RefusedError(`verification failed: ${v.detail}`, 'inspect the environment, then run the step again');
      await store.update((j) => {
        const st = j.steps[step.id];
        st.verification = { ...v, at: isoNow(this.clock) };
        markStepDone(st, this.clock.now());
      });
      const st = store.peek().steps[step.id];
      await store.appendEvent({ type: 'step-finished', stepId: step.id, durationMs: st.durationMs, detail: { verification: v.detail } });
      this.emit('step-done', step, v.detail);
      await this.afterDone(step);
      return true;
    } catch (e) {
      if (e instanceof NeedsPersonError) {
        await this.markWaiting(step, e.instructions);
        return true;
      }
      const info = stepErrorInfo(e);
      if (signal.aborted) {
        // Cancelled by the person: the step is paused, not failed; a resumed run checks what got done.
        await store.update((j) => {
          const st = j.steps[step.id];
          st.status = 'pending';
          st.error = undefined;
        });
        await store.appendEvent({ type: 'step-paused', stepId: step.id, detail: { message: info.message } });
        return false;
      }
      await store.update((j) => {
        const st = j.steps[step.id];
        st.status = 'failed';
        st.error = info;
        st.finishedAt = isoNow(this.clock);
      });
      await store.appendEvent({ type: 'step-failed', stepId: step.id, detail: { ...info } });
      this.emit('step-failed', step, info.message);
      if (step.cutoverWindow && this.inCutoverWindow() && !signal.aborted) {
        this.emit('rollback-started', step, info.message);
        await this.rollback(`step ${step.id} failed: ${info.message}`);
      }
      return false;
    }
  }

  private async reachManual(step: StepDefinition, ctx: StepContext): Promise<boolean> {
    const st = this.opts.store.peek().steps[step.id];
    if (st.status !== 'waiting-for-person') {
      // First time the step is reached: let it prepare (e.g. note which snapshots exist already).
      await step.run(ctx);
    }
    const instructions = step.instructions ? await step.instructions(ctx) : { summary: step.title, actions: [step.describe] };
    await this.markWaiting(step, instructions);
    return true;
  }

  private async markWaiting(step: StepDefinition, instructions: PersonInstructions): Promise<void> {
    const now = isoNow(this.clock);
    let first = false;
    await this.opts.store.update((j) => {
      const st = j.steps[step.id];
      if (st.status !== 'waiting-for-person') {
        first = true;
        st.waitingSince = now;
        st.startedAt = st.startedAt && step.kind === 'api' ? st.startedAt : now;
      }
      st.status = 'waiting-for-person';
      st.person = instructions;
    });
    if (first) await this.opts.store.appendEvent({ type: 'step-waiting', stepId: step.id, detail: { summary: instructions.summary } });
    this.emit('step-waiting', step, instructions.summary);
  }

  /** Hook after any step completes: a finished rehearsal pass is recorded with its timings. */
  private async afterDone(_step: StepDefinition): Promise<void> {
    const pass = finishedRehearsal(this.opts.steps, this.opts.store.peek(), isoNow(this.clock));
    if (!pass) return;
    const { startedAt, durationsMs } = pass;
    await this.opts.store.update((jj) => {
      jj.rehearsals.push({ startedAt, finishedAt: isoNow(this.clock), durationsMs });
    });
    await this.opts.store.appendEvent({ type: 'rehearsal', detail: { recorded: durationsMs } });
  }

  private async rollback(reason: string): Promise<string> {
    const rollback = this.opts.rollback;
    const at = isoNow(this.clock);
    let result: 'source-restarted' | 'failed' = 'failed';
    let detail = 'no rollback action configured';
    if (rollback) {
      const anyStep = this.opts.steps.find((s) => s.cutoverWindow) ?? this.opts.steps[0];
      try {
        detail = await rollback(this.context(anyStep, new AbortController().signal));
        result = 'source-restarted';
      } catch (e) {
        detail = describeError(e).message;
      }
    }
    const cutoverIds = this.opts.steps.filter((s) => s.phase === 'cutover').map((s) => s.id);
    let undone: string[] = [];
    await this.opts.store.update((j) => {
      undone = recordRollback(j, { at, reason, result, detail }, cutoverIds);
    });
    await this.opts.store.appendEvent({ type: 'rollback', detail: { reason, result, detail, undone } });
    this.opts.logger.warn(`cutover rolled back (${result}): ${reason}`);
    return `${result}: ${detail}`;
  }

  private async safeVerify(step: StepDefinition, ctx: StepContext): Promise<VerifyResult> {
    try {
      return await step.verify(ctx);
    } catch (e) {
      return { ok: false, detail: `verification could not run: ${describeError(e).message}` };
    }
  }

  private finalStatus(cancelled: boolean): RunStatusResult {
    return finalStatusOf(this.opts.steps, this.opts.store.peek(), cancelled);
  }

  private outcome(status: RunStatusResult): RunOutcome {
    return outcomeOf(this.opts.steps, this.opts.store.peek(), status);
  }

  private emit(type: RunnerEvent['type'], step: StepDefinition, message?: string): void {
    this.opts.onEvent?.({ type, stepId: step.id, title: step.title, message });
  }

  private context(step: StepDefinition, signal: AbortSignal): StepContext {
    return createStepContext({ store: this.opts.store, services: this.opts.services, prompt: this.opts.prompt, logger: this.opts.logger, clock: this.clock }, step, signal, (message) =>
      this.emit('progress', step, message),
    );
  }
}

