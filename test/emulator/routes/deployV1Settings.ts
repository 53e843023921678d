/** Deploy API v1 rows 13–20 (contract §2): settings, scale, tags, logs. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { hasPermission } from '../auth';
import type { EmulatorContext } from '../context';
import { signedUrl } from '../downloads';
import { ApiError } from '../errors';
import type { Environment } from '../model';
import { v1Scaled } from '../views';
import { bodyObject, majorOf, resolveEnv } from './v1Common';

type EnvParams = { Params: { appId: string; mode: string } };

/** Runtime settings Mendix Cloud manages itself and refuses as custom settings (contract §9). */
const BLOCKED_SETTINGS = [/^Database/i, /^com\.mendix\.storage\.s3\./i, /^com\.mendix\.storage\.azure\./i, /^MyScheduledEvents$/i, /^ScheduledEventExecution$/i, /^TempPath$/i, /^ClientCertificates$/i, /^CACertificates$/i];

function settingsView(env: Environment): Record<string, unknown> {
  return {
    Constants: env.constants.map((c) => ({ ...c })),
    CustomSettings: env.customSettings.map((c) => ({ ...c })),
    ScheduledEvents: env.scheduledEvents.map((e) => ({ ...e })),
  };
}

function listOf(v: unknown, name: string): Record<string, unknown>[] | undefined {
  if (v === undefined || v === null) return undefined;
  if (!Array.isArray(v) || v.some((x) => typeof x !== 'object' || x === null)) throw new ApiError(400, 'INVALID_PARAMETERS', `${name} must be a list of objects`);
  return v as Record<string, unknown>[];
}

export function registerDeployV1Settings(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get<EnvParams>('/api/1/apps/:appId/environments/:mode/settings', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
    return settingsView(env);
  });

  // Values apply at the next start; validate everything before changing anything.
  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/settings', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const b = bodyObject(req.body);
    const constants = listOf(b.Constants, 'Constants') ?? [];
    const events = listOf(b.ScheduledEvents, 'ScheduledEvents') ?? [];
    const custom = listOf(b.CustomSettings, 'CustomSettings');
    for (const c of constants) {
      if (!env.constants.some((x) => x.Name === c.Name)) throw new ApiError(400, 'CONSTANT_NOT_FOUND', `Constant ${String(c.Name)} does not exist`);
      // A number or boolean is taken as its text, as for custom settings (scripts build bodies from typed values).
      if (c.Value !== undefined && c.Value !== null && !['string', 'number', 'boolean'].includes(typeof c.Value)) {
        throw new ApiError(400, 'INVALID_PARAMETERS', `Value of ${String(c.Name)} must be a string`);
      }
    }
    for (const e of events) {
      if (!env.scheduledEvents.some((x) => x.Name === e.Name)) throw new ApiError(400, 'SCHEDULED_EVENT_NOT_FOUND', `Scheduled event ${String(e.Name)} does not exist`);
      if (e.Value !== 'Enabled' && e.Value !== 'Disabled') throw new ApiError(500, 'INVALID_SCHEDULED_EVENT_PARAMETER', `Value of ${String(e.Name)} must be Enabled or Disabled`);
    }
    for (const c of custom ?? []) {
      if (typeof c.Name !== 'string' || c.Name === '') throw new ApiError(400, 'INVALID_PARAMETERS', 'Custom settings need a Name');
      if (BLOCKED_SETTINGS.some((re) => re.test(c.Name as string))) throw new ApiError(400, 'CUSTOM_SETTING_NOT_SUPPORTED', `Custom setting ${c.Name} is not supported`);
      if (c.Value !== undefined && c.Value !== null && !['string', 'number', 'boolean'].includes(typeof c.Value)) {
        throw new ApiError(400, 'INVALID_PARAMETERS', `Value of custom setting ${c.Name} must be text`);
      }
    }
    for (const c of constants) {
      const target = env.constants.find((x) => x.Name === c.Name);
      // A number or boolean (checked above) becomes its JSON text: 25 → "25", false → "false".
      if (target && c.Value !== undefined) target.Value = c.Value === null || typeof c.Value === 'string' ? c.Value : JSON.stringify(c.Value);
    }
    for (const e of events) {
      const target = env.scheduledEvents.find((x) => x.Name === e.Name);
      if (target) target.Value = e.Value as 'Enabled' | 'Disabled';
    }
    // A null value stays null (§14.3).
    if (custom) env.customSettings = custom.map((c) => ({ Name: c.Name as string, Value: c.Value === undefined ? '' : c.Value === null ? null : String(c.Value as string | number | boolean) }));
    store.changed();
    return settingsView(env);
  });

  // The docs' example URL has a stray id after /scale; accept it.
  const scale = (req: FastifyRequest<EnvParams>) => {
    const { env, node } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const b = bodyObject(req.body);
    const instances = b.Instances === undefined ? env.instances : b.Instances;
    const memory = b.MemoryPerInstance === undefined ? env.memoryPerInstanceMb : b.MemoryPerInstance;
    if (!Number.isInteger(instances) || !Number.isInteger(memory) || (instances as number) < 1) {
      throw new ApiError(400, 'INVALID_REQUEST', 'Instances and MemoryPerInstance must be positive integers');
    }
    if ((memory as number) < 1024) throw new ApiError(400, 'INVALID_REQUEST', 'Memory per instance must be at least 1024 MB');
    if ((instances as number) * (memory as number) > node.memoryMb) throw new ApiError(400, 'INVALID_REQUEST', `The plan offers ${node.memoryMb} MB in total`);
    const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
    if ((instances as number) > 1 && pkg && majorOf(pkg.mendixVersion) < 7) throw new ApiError(400, 'NOT_ALLOWED', 'Horizontal scaling needs Mendix 7.0 or newer');
    env.instances = instances as number;
    env.memoryPerInstanceMb = memory as number;
    store.changed();
    return v1Scaled(store, env);
  };
  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/scale', (req) => scale(req));
  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/scale/:extra', (req) => scale(req));

  app.get<EnvParams>('/api/1/apps/:appId/environments/:mode/tags', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
    return env.tags.map((Tag) => ({ Tag }));
  });

  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/tags', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const tag = bodyObject(req.body).Tag;
    if (typeof tag !== 'string' || tag.trim() === '') throw new ApiError(400, 'INVALID_PARAMETERS', 'Tag is required');
    if (!env.tags.includes(tag)) env.tags.push(tag);
    store.changed();
    return { Tag: tag };
  });

  // 204 also when the tag is not there (contract §2 row 18).
  app.delete<EnvParams>('/api/1/apps/:appId/environments/:mode/tags', (req, reply) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const tag = bodyObject(req.body).Tag;
    if (typeof tag === 'string') env.tags = env.tags.filter((t) => t !== tag);
    store.changed();
    return reply.code(204).send();
  });

  for (const kind of ['logs', 'access-logs'] as const) {
    app.get<{ Params: { appId: string; mode: string; date: string } }>(`/api/1/apps/:appId/environments/:mode/${kind}/:date`, (req) => {
      const { env, user } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
      if (!hasPermission(user, env, 'canViewLogs')) throw new ApiError(403, 'FORBIDDEN', 'You do not have access to the logs of this environment');
      const m = /^(\d{4})-(\d{2})-(\d{2})$/.exec(req.params.date);
      const day = m ? Date.UTC(+m[1], +m[2] - 1, +m[3]) : NaN;
      const now = store.now();
      if (!Number.isFinite(day) || day > now || now - day > 30 * 24 * 3600 * 1000) throw new ApiError(404, 'NOT_FOUND', `No ${kind} for ${req.params.date}`);
      const file = `${kind}-${env.name.toLowerCase()}-${req.params.date}.txt`;
      // `Environment` is the environment's UUID (§14.7), not its Mode.
      return { Environment: env.id, Date: day, DownloadUrl: signedUrl(ctx, req, 'logs', `${env.id}~${req.params.date}`, file, now, now + 900_000) };
    });
  }
}
