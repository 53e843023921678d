/**
 * Helpers every step shares: polling an asynchronous job with the context's clock, finding the v1
 * AppId of a project (it follows the node the project is linked to), and the environments involved.
 */
import { isAbsolute, join, relative, resolve } from 'node:path';
import { callOutcome, errorCodeOf } from '../callOutcome';
import { NeedsPersonError, type StepContext } from '../stepTypes';
import type { DownloadResult, EnvironmentInfo, MigrationServices } from '../../mendix/services';
import { DownloadUrlExpiredError } from '../../mendix/transfer/transferErrors';
import { waitFor } from '../../mendix/api/waitFor';
import { MendixWaitTimeoutError } from '../../mendix/api/errors';
import type { JsonObject, JsonValue, PersonInstructions } from '../types';

export interface PlanOptions {
  /** Pause between polls of an asynchronous job. */
  pollIntervalMs: number;
  /** Longest wait for a data job (snapshot, archive, restore, package processing): they can take hours. */
  pollTimeoutMs: number;
  /** Longest wait for an environment to start or stop: minutes, then a person is asked. */
  startTimeoutMs: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { pollIntervalMs: 5_000, pollTimeoutMs: 6 * 3600_000, startTimeoutMs: 20 * 60_000 };

/** Bounds of the poll interval (a timer beyond 2^31 ms fires at once: a busy poll). */
export const POLL_INTERVAL_BOUNDS = { min: 10, max: 600_000 } as const;
/** Bounds of the job deadlines (at most a week, still far below the timer limit). */
const DEADLINE_MAX_MS = 7 * 24 * 3600_000;

/** Throws a clear error for a plan option outside its bounds. */
export function checkPlanOptions(o: PlanOptions): PlanOptions {
  const within = (v: number, min: number, max: number): boolean => Number.isInteger(v) && v >= min && v <= max;
  if (!within(o.pollIntervalMs, POLL_INTERVAL_BOUNDS.min, POLL_INTERVAL_BOUNDS.max)) {
    throw new RangeError(`the poll interval must be a whole number of ms from ${POLL_INTERVAL_BOUNDS.min} to ${POLL_INTERVAL_BOUNDS.max} (10 minutes), got ${o.pollIntervalMs}`);
  }
  for (const [name, v] of [['pollTimeoutMs', o.pollTimeoutMs], ['startTimeoutMs', o.startTimeoutMs]] as const) {
    if (!within(v, 1, DEADLINE_MAX_MS)) throw new RangeError(`${name} must be a whole number of ms from 1 to ${DEADLINE_MAX_MS} (a week), got ${v}`);
  }
  return o;
}

function minutesText(ms: number): string {
  return ms < 60_000 ? `${Math.max(1, Math.round(ms / 1000))} s` : `${Math.round(ms / 60_000)} minutes`;
}

/**
 * Polls `read` until `done` says so; `failed` turns a terminal failure into an error. Past the
 * deadline (`limitMs`, default the data-job limit) a person is asked, with what was last seen:
 * the job may still be running, so nothing is repeated and nothing waits forever. The waiting itself
 * is the API client's one poller (`waitFor`), on the context's clock and signal.
 */
export async function poll<T>(
  ctx: StepContext,
  opts: PlanOptions,
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  failed?: (v: T) => string | undefined,
  limitMs: number = opts.pollTimeoutMs,
): Promise<T> {
  const since = ctx.clock.now();
  const finished = (v: T): boolean => {
    const failure = failed?.(v);
    if (failure) throw new Error(`${what} failed: ${failure}`);
    return done(v);
  };
  try {
    return await waitFor(() => read(), finished, {
      clock: ctx.clock,
      intervalMs: opts.pollIntervalMs,
      // waitFor gives up before a sleep that would end past its limit; the engine polls once more
      // after the deadline has passed, so the limit it is given is one interval longer.
      timeoutMs: limitMs + opts.pollIntervalMs,
      signal: ctx.signal,
      what,
      onProgress: (v) => {
        if (!failed?.(v) && !done(v)) ctx.progress(`waiting for ${what}`);
      },
    });
  } catch (e) {
    if (!(e instanceof MendixWaitTimeoutError)) throw e;
    throw new NeedsPersonError({
      summary: `${what} did not finish within ${minutesText(limitMs)}; look at it before the migration goes on`,
      actions: [
        `Waited since ${new Date(since).toISOString()}; last seen: ${describeSeen(e.lastValue)}.`,
        'Open the environment in the portal and look at its status and logs.',
        'When it has finished, run the migration again (it looks the result up and goes on; nothing is repeated).',
        'If it is stuck, fix the cause in the portal first; inside the cutover, "Abort" restarts the source.',
      ],
      url: ctx.input.portalUrl,
    });
  }
}

function describeSeen(v: unknown): string {
  if (typeof v === 'string') return v;
  if (v && typeof v === 'object') {
    const o = v as { status?: unknown; state?: unknown };
    if (typeof o.status === 'string') return `status ${o.status}`;
    if (typeof o.state === 'string') return `state ${o.state}`;
  }
  return 'no final state';
}

/**
 * Makes a non-idempotent call under an intent: the intent is written first, resolved as `answered`
 * with the call's outputs, or as `refused` when the service said it did not act (so a later attempt
 * makes the call again instead of waiting for a result that will never come). A lost answer leaves
 * the intent open: the caller looks the state up on the next attempt.
 */
export async function callUnderIntent<T>(ctx: StepContext, action: string, details: JsonObject, call: () => Promise<T>, outputs: (r: T) => JsonObject): Promise<T> {
  await ctx.recordIntent(action, details);
  let r: T;
  try {
    r = await call();
  } catch (e) {
    if (callOutcome(e) === 'refused') {
      await ctx.resolveIntent(action, { [`${action}RefusedWith`]: errorCodeOf(e) ?? (e instanceof Error ? e.message.slice(0, 200) : 'refused') }, 'refused');
    }
    throw e;
  }
  await ctx.resolveIntent(action, outputs(r));
  return r;
}

/** What a person does to link an app to a node: only the portal can (there is no API for it). */
export function linkInPortal(ctx: StepContext, appName: string, node: string, actions: string[]): PersonInstructions {
  return { summary: `Link "${appName}" to ${node}`, actions, url: ctx.input.portalUrl };
}

/** The v1 AppId (sub-domain) a project has now, or undefined when the account cannot see it. */
export async function currentAppId(ctx: StepContext, projectId: string): Promise<string | undefined> {
  const apps = await ctx.services.listApps();
  return apps.find((a) => a.projectId === projectId)?.appId;
}

/**
 * The v1 AppId of the target node once the app is relinked to it, found by the app's project id:
 * Support's URL change renames the node (it takes the old sub-domain), and the AppId with it.
 */
export async function relinkedAppId(ctx: StepContext): Promise<string> {
  return (await currentAppId(ctx, ctx.input.source.projectId)) ?? ctx.input.target.nodeSubdomain;
}

/** The v1 AppId of a project that must be linked to the given node. */
export async function appIdOnNode(ctx: StepContext, projectId: string, nodeSubdomain: string): Promise<string> {
  const appId = await currentAppId(ctx, projectId);
  if (appId !== nodeSubdomain) {
    throw new Error(`project ${projectId} is not linked to node ${nodeSubdomain} (its AppId is ${appId ?? 'not visible'})`);
  }
  return appId;
}

export async function findEnvironment(ctx: StepContext, appId: string, mode: string): Promise<EnvironmentInfo> {
  const envs = await ctx.services.listEnvironments(appId);
  const env = envs.find((e) => e.mode.toLowerCase() === mode.toLowerCase());
  if (!env) throw new Error(`environment ${mode} not found on ${appId} (has: ${envs.map((e) => e.mode).join(', ') || 'none'})`);
  return env;
}

/** The source environment (the source app is on its node until the relink phase). */
export function sourceEnvironment(ctx: StepContext): Promise<EnvironmentInfo> {
  return findEnvironment(ctx, ctx.input.source.nodeSubdomain, ctx.input.source.environment);
}

/** The target environment, addressed through its node's sub-domain (the v1 AppId of whatever app is linked). */
export function targetEnvironment(ctx: StepContext): Promise<EnvironmentInfo> {
  return findEnvironment(ctx, ctx.input.target.nodeSubdomain, ctx.input.target.environment);
}

/** Project currently linked to the target node: temp app A until the real app is linked. */
export function targetProjectId(ctx: StepContext): string {
  const linked = ctx.stateOf('relink.link-target')?.status === 'done';
  return linked ? ctx.input.source.projectId : ctx.input.target.tempAppA.projectId;
}

export function str(v: unknown): string | undefined {
  return typeof v === 'string' ? v : undefined;
}

export function num(v: unknown): number | undefined {
  return typeof v === 'number' ? v : undefined;
}

/** The objects of a JSON array held in the journal (anything else in it, or a non-array, is left out). */
export function jsonObjects(v: JsonValue | undefined): JsonObject[] {
  return Array.isArray(v) ? v.filter((x): x is JsonObject => typeof x === 'object' && x !== null && !Array.isArray(x)) : [];
}

/**
 * Stops an environment and waits until the API reports it stopped. Stopping is idempotent by state:
 * after a lost answer the status is looked up and, if it still runs, the stop is sent once more.
 */
export async function stopAndWait(ctx: StepContext, opts: PlanOptions, appId: string, mode: string): Promise<void> {
  for (let attempt = 0; ; attempt++) {
    const env = await findEnvironment(ctx, appId, mode);
    if (env.status !== 'Running') return;
    try {
      await ctx.services.stop(appId, mode);
      break;
    } catch (e) {
      if (callOutcome(e) !== 'unknown' || attempt >= 1) throw e;
      ctx.log.warn(`the answer to the stop of ${appId}/${mode} was lost; looking at its status`);
    }
  }
  await poll(ctx, opts, `stop of ${appId}/${mode}`, () => findEnvironment(ctx, appId, mode), (e) => e.status !== 'Running', undefined, opts.startTimeoutMs);
}

/** The error code a start gets while an earlier start of the same environment is still running. */
const STARTING_JOB = 'APP_ALREADY_HAS_A_STARTING_JOB';

/**
 * Starts an environment and waits for it. An intent is resolved only by evidence: a job id returned,
 * "already started", or the environment seen running. After a lost answer (or a crash around the
 * call) the status is looked up; if it does not run, start is sent again — start is idempotent by
 * state (`ALREADY_STARTED`, or "a start is already running", which is then watched). A refused start
 * is a failure, and a start job that ended in failure is forgotten, so the next attempt starts anew.
 */
export async function startAndWait(
  ctx: StepContext,
  opts: PlanOptions,
  appId: string,
  mode: string,
  autoSyncDb: boolean,
  intentName: string,
): Promise<void> {
  const jobKey = `${intentName}JobId`;
  for (let attempt = 0; ; attempt++) {
    const env = await findEnvironment(ctx, appId, mode);
    if (env.status === 'Running') {
      if (ctx.unresolvedIntent(intentName)) await ctx.resolveIntent(intentName, { [`${intentName}Observed`]: true }, 'observed');
      return;
    }
    const jobId = str(ctx.state().outputs[jobKey]);
    if (jobId) {
      await waitStartJob(ctx, opts, appId, mode, jobId, jobKey);
      return;
    }
    if (ctx.unresolvedIntent(intentName)) {
      // The earlier start's answer was lost and the environment does not run: send it again (by state).
      ctx.log.warn(`the answer to the start of ${appId}/${mode} was lost and it does not run; starting it again`);
      await ctx.resolveIntent(intentName, { [`${intentName}SeenNotRunning`]: env.status }, 'not-done');
    }
    let r: { jobId?: string; alreadyStarted: boolean } | undefined;
    try {
      r = await callUnderIntent(ctx, intentName, { appId, mode, autoSyncDb }, () => ctx.services.start(appId, mode, autoSyncDb), (x) =>
        x.jobId ? { [jobKey]: x.jobId } : { [`${intentName}AlreadyStarted`]: true },
      );
    } catch (e) {
      if (callOutcome(e) === 'unknown' && attempt < 2) continue; // look the state up now, not on the next run
      if (errorCodeOf(e) !== STARTING_JOB) throw e;
      // A start sent earlier (its answer lost) is still running: watch the status, bounded.
      await ctx.resolveIntent(intentName, { [`${intentName}AlreadyStarting`]: true }, 'observed');
    }
    if (r?.jobId) await waitStartJob(ctx, opts, appId, mode, r.jobId, jobKey);
    else await poll(ctx, opts, `start of ${appId}/${mode}`, () => findEnvironment(ctx, appId, mode), (e) => e.status === 'Running', undefined, opts.startTimeoutMs);
    return;
  }
}

async function waitStartJob(ctx: StepContext, opts: PlanOptions, appId: string, mode: string, jobId: string, jobKey: string): Promise<void> {
  try {
    await poll(ctx, opts, `start of ${appId}/${mode}`, () => ctx.services.getStartJob(appId, mode, jobId), (s) => s === 'Started', undefined, opts.startTimeoutMs);
  } catch (e) {
    // The job reported its failure (or is unknown): it is over, so the next attempt starts again.
    if (callOutcome(e) !== 'unknown' && !(e instanceof NeedsPersonError)) await ctx.setOutputs({ [jobKey]: null });
    throw e;
  }
}

/**
 * After a failure that left a production environment stopped: starts it again with whatever is
 * deployed, a few tries (a refused or lost start is tried again by state). Returns what happened;
 * never throws, because the caller reports the original failure.
 */
export async function restartAfterFailure(ctx: StepContext, opts: PlanOptions, appId: string, mode: string): Promise<string> {
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const env = await findEnvironment(ctx, appId, mode);
      if (env.status === 'Running') return attempt === 0 ? 'it was still running' : 'started again';
      let jobId: string | undefined;
      try {
        jobId = (await ctx.services.start(appId, mode, true)).jobId;
      } catch (e) {
        if (errorCodeOf(e) !== STARTING_JOB) throw e;
      }
      const id = jobId;
      if (id) await poll(ctx, opts, `restart of ${appId}/${mode}`, () => ctx.services.getStartJob(appId, mode, id), (x) => x === 'Started', undefined, opts.startTimeoutMs);
      else await poll(ctx, opts, `restart of ${appId}/${mode}`, () => findEnvironment(ctx, appId, mode), (e) => e.status === 'Running', undefined, opts.startTimeoutMs);
      return 'started again';
    } catch (e) {
      ctx.log.warn(`restarting ${appId}/${mode} failed: ${e instanceof Error ? e.message : String(e)}`);
      await ctx.clock.sleep(opts.pollIntervalMs, ctx.signal).catch(() => undefined);
    }
  }
  return 'could not be started again: start it in the portal';
}

type HttpCheckResult = Awaited<ReturnType<MigrationServices['httpCheck']>>;

/**
 * Starts the target environment (idempotent by state, intent `start`), then asks its URL over HTTP.
 * `failure` is the error to throw when the URL did not answer well; the caller decides when.
 */
export async function startTargetAndCheck(ctx: StepContext, opts: PlanOptions): Promise<{ env: EnvironmentInfo; check: HttpCheckResult; failure?: Error }> {
  const { target } = ctx.input;
  await startAndWait(ctx, opts, target.nodeSubdomain, target.environment, true, 'start');
  const env = await targetEnvironment(ctx);
  const check = await ctx.services.httpCheck(env.url);
  const failure = check.ok ? undefined : new Error(`the target started but ${env.url} answered ${check.status}: ${check.detail}`);
  return { env, check, ...(failure ? { failure } : {}) };
}

/**
 * Downloads to `path` from a URL asked for per attempt (`urlFor`): download URLs are short-lived, so
 * one that expired is asked for afresh, three tries at most. `what` names the bytes in progress.
 */
export async function downloadFresh(ctx: StepContext, path: string, what: string, urlFor: (attempt: number) => Promise<string>): Promise<DownloadResult> {
  for (let attempt = 0; ; attempt++) {
    try {
      const url = await urlFor(attempt);
      return await ctx.services.download(url, path, { signal: ctx.signal, onProgress: (p) => ctx.progress(`${what} ${p.bytes} bytes`) });
    } catch (e) {
      if (!(e instanceof DownloadUrlExpiredError) || attempt >= 2) throw e;
    }
  }
}

/** A name from an API answer made safe as one file name: no separators, no `..`, no control characters. */
export function safeName(name: string): string {
  const cleaned = name.replace(/[^A-Za-z0-9._-]/g, '_').replace(/^\.+/, '_').slice(0, 200);
  return cleaned === '' ? '_' : cleaned;
}

/**
 * `<folder>/<prefix><name><suffix>` with `name` (from an API answer) sanitised; throws if the result
 * would still leave the folder.
 */
export function fileInFolder(folder: string, prefix: string, name: string, suffix = ''): string {
  const path = join(folder, safeName(`${prefix}${safeName(name)}${suffix}`));
  const rel = relative(resolve(folder), resolve(path));
  if (rel === '' || rel.startsWith('..') || isAbsolute(rel)) throw new Error(`refusing to write outside the download folder: ${JSON.stringify(name)}`);
  return path;
}
