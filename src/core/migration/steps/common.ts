/**
 * Helpers every step shares: polling an asynchronous job with the context's clock, finding the v1
 * AppId of a project (it follows the node the project is linked to), and the environments involved.
 */
import type { StepContext } from '../stepTypes';
import type { EnvironmentInfo } from '../../mendix/services';

export interface PlanOptions {
  /** Pause between polls of an asynchronous job. */
  pollIntervalMs: number;
  /** Give up polling after this long (the job keeps running on the server). */
  pollTimeoutMs: number;
}

export const DEFAULT_PLAN_OPTIONS: PlanOptions = { pollIntervalMs: 5_000, pollTimeoutMs: 6 * 3600_000 };

/** Polls `read` until `done` says so; `failed` turns a terminal failure into an error. */
export async function poll<T>(
  ctx: StepContext,
  opts: PlanOptions,
  what: string,
  read: () => Promise<T>,
  done: (v: T) => boolean,
  failed?: (v: T) => string | undefined,
): Promise<T> {
  const deadline = ctx.clock.now().getTime() + opts.pollTimeoutMs;
  for (;;) {
    const v = await read();
    const failure = failed?.(v);
    if (failure) throw new Error(`${what} failed: ${failure}`);
    if (done(v)) return v;
    if (ctx.clock.now().getTime() > deadline) {
      throw new Error(`${what} did not finish within ${Math.round(opts.pollTimeoutMs / 60000)} minutes; it may still be running — run again to keep watching`);
    }
    ctx.progress(`waiting for ${what}`);
    await ctx.clock.sleep(opts.pollIntervalMs, ctx.signal);
  }
}

/** The v1 AppId (sub-domain) a project has now, or undefined when the account cannot see it. */
export async function currentAppId(ctx: StepContext, projectId: string): Promise<string | undefined> {
  const apps = await ctx.services.listApps();
  return apps.find((a) => a.projectId === projectId)?.appId;
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

/** Stops an environment and waits until the API reports it stopped. */
export async function stopAndWait(ctx: StepContext, opts: PlanOptions, appId: string, mode: string): Promise<void> {
  const env = await findEnvironment(ctx, appId, mode);
  if (env.status !== 'Running') return;
  await ctx.services.stop(appId, mode);
  await poll(ctx, opts, `stop of ${appId}/${mode}`, () => findEnvironment(ctx, appId, mode), (e) => e.status !== 'Running');
}

/**
 * Starts an environment and waits for it, without ever sending a second start for one attempt: an
 * unresolved start intent (the process died mid-call) is followed by watching the status instead.
 */
export async function startAndWait(
  ctx: StepContext,
  opts: PlanOptions,
  appId: string,
  mode: string,
  autoSyncDb: boolean,
  intentName: string,
): Promise<void> {
  const env = await findEnvironment(ctx, appId, mode);
  if (env.status === 'Running') return;
  const jobId = str(ctx.state().outputs[`${intentName}JobId`]);
  if (jobId) {
    await waitStartJob(ctx, opts, appId, mode, jobId);
    return;
  }
  if (ctx.unresolvedIntent(intentName)) {
    // The earlier start may have reached the service: watch the status instead of starting again.
    await poll(ctx, opts, `start of ${appId}/${mode}`, () => findEnvironment(ctx, appId, mode), (e) => e.status === 'Running');
    await ctx.resolveIntent(intentName, { [`${intentName}Observed`]: true });
    return;
  }
  await ctx.recordIntent(intentName, { appId, mode, autoSyncDb });
  const r = await ctx.services.start(appId, mode, autoSyncDb);
  await ctx.resolveIntent(intentName, r.jobId ? { [`${intentName}JobId`]: r.jobId } : { [`${intentName}AlreadyStarted`]: true });
  if (r.jobId) await waitStartJob(ctx, opts, appId, mode, r.jobId);
}

async function waitStartJob(ctx: StepContext, opts: PlanOptions, appId: string, mode: string, jobId: string): Promise<void> {
  await poll(ctx, opts, `start of ${appId}/${mode}`, () => ctx.services.getStartJob(appId, mode, jobId), (s) => s === 'Started');
}
