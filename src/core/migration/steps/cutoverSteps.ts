/**
 * Guide step 10: the cutover with a data freeze. The source is stopped only after a typed
 * confirmation; the final backup is taken after the stop (see backupSteps); the target is started
 * on the restored data. Downtime is predicted from the rehearsal before the stop and measured after.
 */
import { isoNow } from '../../shared/clock';
import { callOutcome, errorCodeOf } from '../callOutcome';
import { predictDowntimeMs } from '../timings';
import { NeedsPersonError, RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import { poll, sourceEnvironment, startTargetAndCheck, stopAndWait, targetEnvironment, type PlanOptions } from './common';
import { TEST_CONFIRM } from './configSteps';

export const CUTOVER_STOP = 'cutover.stop-source';
export const CUTOVER_START = 'cutover.start-target';

function minutes(ms: number | undefined): string {
  return ms === undefined ? 'unknown' : `${Math.max(1, Math.round(ms / 60000))} min`;
}

export function cutoverSteps(opts: PlanOptions): StepDefinition[] {
  return [stopSourceStep(opts), startTargetStep(opts)];
}

/** Asks for the typed app name, then records the start of the cutover (and of the downtime) before any stop call. */
async function confirmFreeze(ctx: StepContext, predicted: number | undefined): Promise<void> {
  const { source } = ctx.input;
  const answer = await ctx.prompt.confirmTyped(
    `This stops ${source.name} (${source.environment}) for about ${minutes(predicted)}. Type the app name to stop it.`,
    source.name,
  );
  if (answer === undefined) {
    throw new NeedsPersonError({
      summary: `Confirm the data freeze: type the app name "${source.name}" to stop the source (predicted downtime ${minutes(predicted)})`,
      actions: [
        'Tell the app’s users about the downtime.',
        `Run again with --confirm-stop "${source.name}" (CLI) or answer the prompt (VS Code).`,
      ],
    });
  }
  if (!answer) throw new RefusedError('the typed name did not match; the source keeps running', `type exactly "${source.name}" to stop it`);
  // Recorded before the stop call: from here on, a failure rolls back by restarting the source.
  await ctx.updateJournal((j) => {
    const at = isoNow(ctx.clock);
    j.cutover.startedAt = at;
    j.cutover.rollback = undefined;
    j.cutover.downtimes = [...(j.cutover.downtimes ?? []), { startedAt: at }];
  });
}

function stopSourceStep(opts: PlanOptions): StepDefinition {
  return {
    id: CUTOVER_STOP,
    phase: 'cutover',
    title: 'Stop the source (data freeze)',
    kind: 'api',
    dependsOn: [TEST_CONFIRM],
    // Once the stop was decided (cutover.startedAt), a failure restarts the source if it stopped.
    cutoverWindow: true,
    describe:
      'Stops the source so no data changes after the final backup. Asks you to type the app name first. The downtime predicted from the rehearsal is recorded before the stop.',
    isDone: async (ctx) => {
      if (ctx.state().outputs.stopped !== true || !ctx.journal().cutover.startedAt) return false;
      return (await sourceEnvironment(ctx)).status !== 'Running';
    },
    run: async (ctx) => {
      const { source } = ctx.input;
      const predicted = predictDowntimeMs(ctx.journal());
      await ctx.updateJournal((j) => {
        j.cutover.predictedDowntimeMs = predicted;
      });
      if (!ctx.journal().cutover.startedAt) await confirmFreeze(ctx, predicted);
      await stopAndWait(ctx, opts, source.nodeSubdomain, source.environment);
      await ctx.setOutputs({ stopped: true, confirmedBy: ctx.prompt.person });
    },
    verify: async (ctx) => {
      const env = await sourceEnvironment(ctx);
      return env.status !== 'Running' ? { ok: true, detail: `${ctx.input.source.name} is ${env.status}` } : { ok: false, detail: 'the source still runs' };
    },
  };
}

function startTargetStep(opts: PlanOptions): StepDefinition {
  return {
    id: CUTOVER_START,
    phase: 'cutover',
    title: 'Start the target on the final data',
    kind: 'api',
    dependsOn: ['cutover.restore'],
    cutoverWindow: true,
    describe: 'Starts the target with the restored final backup and checks its URL; this ends the downtime, which is then measured.',
    isDone: async (ctx) => {
      if (!ctx.journal().cutover.endedAt) return false;
      return (await targetEnvironment(ctx)).status === 'Running';
    },
    run: async (ctx) => {
      const { env, check, failure } = await startTargetAndCheck(ctx, opts);
      if (failure) throw failure;
      await endDowntime(ctx, 'target-started');
      await ctx.setOutputs({ url: env.url, httpStatus: check.status });
    },
    // The start outlived its wait and a person confirmed the target runs: the downtime ends now.
    confirmed: (ctx) => endDowntime(ctx, 'target-confirmed'),
    verify: async (ctx) => {
      const env = await targetEnvironment(ctx);
      const c = ctx.journal().cutover;
      return env.status === 'Running'
        ? { ok: true, detail: `target runs; downtime ${minutes(c.measuredDowntimeMs)} (predicted ${minutes(c.predictedDowntimeMs)})` }
        : { ok: false, detail: `the target is ${env.status}` };
    },
  };
}

/** Closes the cutover's downtime (and its open window) at this moment, and measures it. */
async function endDowntime(ctx: StepContext, by: 'target-started' | 'target-confirmed'): Promise<void> {
  const end = ctx.clock.now();
  const endedAt = new Date(end).toISOString();
  await ctx.updateJournal((j) => {
    j.cutover.endedAt = endedAt;
    if (j.cutover.startedAt) j.cutover.measuredDowntimeMs = end - Date.parse(j.cutover.startedAt);
    const open = j.cutover.downtimes?.find((d) => d.endedAt === undefined);
    if (open) {
      open.endedAt = endedAt;
      open.endedBy = by;
    }
  });
}

/**
 * Rollback inside the cutover window: start the source again (its data was never changed). A lost
 * answer or "a start is already running" is followed by watching the status; every wait is bounded,
 * and a failure is reported (the runner records it) rather than waited on.
 */
export function restartSource(opts: PlanOptions): (ctx: StepContext) => Promise<string> {
  return async (ctx) => {
    const { source } = ctx.input;
    const env = await sourceEnvironment(ctx);
    if (env.status === 'Running') return 'the source was still running';
    let jobId: string | undefined;
    // Production is down: a refused or lost start is tried again a few times (by state) before the
    // failure is reported to a person.
    for (let attempt = 0; ; attempt++) {
      try {
        jobId = (await ctx.services.start(source.nodeSubdomain, source.environment, false)).jobId;
        break;
      } catch (e) {
        if (errorCodeOf(e) === 'APP_ALREADY_HAS_A_STARTING_JOB') break;
        if (callOutcome(e) === 'other' || attempt >= 2) throw e;
        ctx.log.warn(`restarting the source failed (${e instanceof Error ? e.message : String(e)}); trying again`);
        await ctx.clock.sleep(opts.pollIntervalMs, ctx.signal);
        if ((await sourceEnvironment(ctx)).status === 'Running') break;
      }
    }
    const id = jobId;
    if (id) await poll(ctx, opts, 'restart of the source', () => ctx.services.getStartJob(source.nodeSubdomain, source.environment, id), (s) => s === 'Started', undefined, opts.startTimeoutMs);
    else await poll(ctx, opts, 'restart of the source', () => sourceEnvironment(ctx), (e) => e.status === 'Running', undefined, opts.startTimeoutMs);
    return `${source.name} ${source.environment} started again`;
  };
}
