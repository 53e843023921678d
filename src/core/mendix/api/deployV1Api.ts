/** Deploy API v1 (contract §2): apps, environments, start/stop, transport, settings, scale, tags. */
import * as z from '../../shared/zod';
import { MendixApiError } from './errors';
import { seg, type CallOptions, type MendixHttp } from './httpClient';
import {
  packageSchema,
  v1AppSchema,
  v1EnvironmentSchema,
  v1ScaleResponseSchema,
  v1SettingsSchema,
  v1StartJobSchema,
  v1StartResponseSchema,
  v1TagsSchema,
  v1LogUrlSchema,
  type MendixPackage,
  type V1LogUrl,
  type V1App,
  type V1Environment,
  type V1ScaleResult,
  type V1Settings,
  type V1SettingsUpdate,
  type V1StartJob,
} from './schemas/deployV1Schemas';

/** Outcome of a start call: a job to poll, or the environment was already running (HTTP 200 ALREADY_STARTED). */
export type StartResult = { kind: 'started'; jobId: string } | { kind: 'alreadyStarted' };

export interface TransportOptions extends CallOptions {
  /** How long to keep retrying while the package is still being processed (503; default 10 min). */
  processingTimeoutMs?: number;
}

const V1 = '/api/1';
const envPath = (appId: string, mode: string) => `${V1}/apps/${seg(appId)}/environments/${seg(mode)}`;

export class DeployV1Api {
  constructor(private readonly http: MendixHttp) {}

  listApps(call?: CallOptions): Promise<V1App[]> {
    return this.http.request({ operation: 'v1.listApps', family: 'apiKey', method: 'GET', path: `${V1}/apps`, schema: z.array(v1AppSchema), idempotent: true, call });
  }

  getApp(appId: string, call?: CallOptions): Promise<V1App> {
    return this.http.request({ operation: 'v1.getApp', family: 'apiKey', method: 'GET', path: `${V1}/apps/${seg(appId)}`, schema: v1AppSchema, idempotent: true, call });
  }

  listEnvironments(appId: string, call?: CallOptions): Promise<V1Environment[]> {
    return this.http.request({
      operation: 'v1.listEnvironments',
      family: 'apiKey',
      method: 'GET',
      path: `${V1}/apps/${seg(appId)}/environments`,
      schema: z.array(v1EnvironmentSchema),
      idempotent: true,
      call,
    });
  }

  getEnvironment(appId: string, mode: string, call?: CallOptions): Promise<V1Environment> {
    return this.http.request({ operation: 'v1.getEnvironment', family: 'apiKey', method: 'GET', path: envPath(appId, mode), schema: v1EnvironmentSchema, idempotent: true, call });
  }

  /**
   * Starts the environment. Never repeated automatically after a lost connection (a second start
   * would race the first): a MendixOutcomeUnknownError tells the caller to check the status first.
   */
  async startEnvironment(appId: string, mode: string, opts: { autoSyncDb: boolean } & CallOptions): Promise<StartResult> {
    const operation = 'v1.startEnvironment';
    const path = `${envPath(appId, mode)}/start`;
    try {
      const r = await this.http.request({
        operation,
        family: 'apiKey',
        method: 'POST',
        path,
        body: { AutoSyncDb: opts.autoSyncDb },
        schema: v1StartResponseSchema,
        idempotent: false,
        call: opts,
      });
      if (r.JobId) return { kind: 'started', jobId: r.JobId };
      // The documented "already started" is an HTTP 200 whose body the docs do not show (§14.5):
      // any 200 without a JobId means it, whatever the error key is called or how it is spelled.
      return { kind: 'alreadyStarted' };
    } catch (e) {
      // Tolerate ALREADY_STARTED arriving with an error status as well.
      if (e instanceof MendixApiError && e.errorCode?.toUpperCase() === 'ALREADY_STARTED' && e.status < 500) return { kind: 'alreadyStarted' };
      throw e;
    }
  }

  /**
   * One poll of a start job. Start failures arrive as error statuses here (MendixApiError with the
   * code); ALREADY_STARTED (below 500, any casing) means the environment runs, so the job is Started.
   */
  async getStartJob(appId: string, mode: string, jobId: string, call?: CallOptions): Promise<V1StartJob> {
    try {
      return await this.http.request({
        operation: 'v1.getStartJob',
        family: 'apiKey',
        method: 'GET',
        path: `${envPath(appId, mode)}/start/${seg(jobId)}`,
        schema: v1StartJobSchema,
        idempotent: true,
        call,
      });
    } catch (e) {
      if (e instanceof MendixApiError && e.errorCode?.toUpperCase() === 'ALREADY_STARTED' && e.status < 500) return { Status: 'Started' };
      throw e;
    }
  }

  /** Stops the environment; synchronous per the docs. Stopping twice is harmless, so it is retried. */
  stopEnvironment(appId: string, mode: string, call?: CallOptions): Promise<void> {
    return this.http.request({ operation: 'v1.stopEnvironment', family: 'apiKey', method: 'POST', path: `${envPath(appId, mode)}/stop`, idempotent: true, call });
  }

  /** The package deployed to an environment; with `url: true` it carries a short-lived download URL. */
  getDeployedPackage(appId: string, mode: string, opts: { url?: boolean } & CallOptions = {}): Promise<MendixPackage> {
    return this.http.request({
      operation: 'v1.getDeployedPackage',
      family: 'apiKey',
      method: 'GET',
      path: `${envPath(appId, mode)}/package`,
      query: { url: opts.url ?? false },
      schema: packageSchema,
      idempotent: true,
      call: opts,
    });
  }

  /**
   * Transports a package to a stopped environment. 503 means the package is still being processed:
   * retried with backoff until `processingTimeoutMs`. Transporting the same package twice leaves the
   * same state, so connection failures are retried too.
   */
  transport(appId: string, mode: string, packageId: string, opts: TransportOptions = {}): Promise<void> {
    return this.http.request({
      operation: 'v1.transport',
      family: 'apiKey',
      method: 'POST',
      path: `${envPath(appId, mode)}/transport`,
      body: { PackageId: packageId },
      idempotent: true,
      retry: { maxAttempts: 1_000, maxDelayMs: 15_000, deadlineMs: opts.processingTimeoutMs ?? 10 * 60_000 },
      call: opts,
    });
  }

  /** Removes the deployed app from a stopped environment. Destructive: never repeated automatically. */
  clean(appId: string, mode: string, call?: CallOptions): Promise<void> {
    return this.http.request({ operation: 'v1.clean', family: 'apiKey', method: 'POST', path: `${envPath(appId, mode)}/clean`, idempotent: false, call });
  }

  getSettings(appId: string, mode: string, call?: CallOptions): Promise<V1Settings> {
    return this.http.request({ operation: 'v1.getSettings', family: 'apiKey', method: 'GET', path: `${envPath(appId, mode)}/settings`, schema: v1SettingsSchema, idempotent: true, call });
  }

  /** Sets constants, custom settings and scheduled events (effective after a restart). Setting is idempotent. */
  setSettings(appId: string, mode: string, update: V1SettingsUpdate, call?: CallOptions): Promise<V1Settings> {
    return this.http.request({
      operation: 'v1.setSettings',
      family: 'apiKey',
      method: 'POST',
      path: `${envPath(appId, mode)}/settings`,
      body: update,
      schema: v1SettingsSchema,
      idempotent: true,
      call,
    });
  }

  scale(appId: string, mode: string, scale: { Instances: number; MemoryPerInstance: number }, call?: CallOptions): Promise<V1ScaleResult> {
    return this.http.request({
      operation: 'v1.scale',
      family: 'apiKey',
      method: 'POST',
      path: `${envPath(appId, mode)}/scale`,
      body: scale,
      schema: v1ScaleResponseSchema,
      idempotent: true,
      call,
    });
  }

  getTags(appId: string, mode: string, call?: CallOptions): Promise<string[]> {
    return this.http.request({ operation: 'v1.getTags', family: 'apiKey', method: 'GET', path: `${envPath(appId, mode)}/tags`, schema: v1TagsSchema, idempotent: true, call });
  }

  /** Adds a tag; adding an existing tag changes nothing, so it is retried like a PUT. */
  addTag(appId: string, mode: string, tag: string, call?: CallOptions): Promise<void> {
    return this.http.request({ operation: 'v1.addTag', family: 'apiKey', method: 'POST', path: `${envPath(appId, mode)}/tags`, body: { Tag: tag }, idempotent: true, call });
  }

  /**
   * A signed download URL of one day's application log (`logs`) or access log (`access-logs`),
   * `date` as YYYY-MM-DD (UTC). Needs the "Access to Logs" node permission. `Environment` in the
   * answer is the environment's UUID (§14.7).
   */
  getLogUrl(appId: string, mode: string, kind: 'logs' | 'access-logs', date: string, call?: CallOptions): Promise<V1LogUrl> {
    return this.http.request({
      operation: kind === 'logs' ? 'v1.getLogs' : 'v1.getAccessLogs',
      family: 'apiKey',
      method: 'GET',
      path: `${envPath(appId, mode)}/${kind}/${seg(date)}`,
      schema: v1LogUrlSchema,
      idempotent: true,
      call,
    });
  }

  /** Removes a tag; the service answers 204 also when the tag did not exist. */
  removeTag(appId: string, mode: string, tag: string, call?: CallOptions): Promise<void> {
    return this.http.request({ operation: 'v1.removeTag', family: 'apiKey', method: 'DELETE', path: `${envPath(appId, mode)}/tags`, body: { Tag: tag }, idempotent: true, call });
  }
}
