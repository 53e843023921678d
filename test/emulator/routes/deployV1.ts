/** Deploy API v1 (contract §2): apps, environments, start/stop, transport, clean, deployed package. */
import type { FastifyInstance } from 'fastify';
import type { EmulatorContext } from '../context';
import { PACKAGE_URL_TTL, signedUrl } from '../downloads';
import { ApiError } from '../errors';
import { newId, isUuid } from '../ids';
import { DURATIONS, isProcessing } from '../lifecycle';
import type { AppNode, Environment, Pkg, StartJob } from '../model';
import { v1App, v1Env, packageView } from '../views';
import { bodyObject, boolQuery, callerOf, majorOf, resolveApp, resolveEnv } from './v1Common';

type AppParams = { Params: { appId: string } };
type EnvParams = { Params: { appId: string; mode: string } };

export function registerDeployV1(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get('/api/1/apps', (req) => {
    const user = callerOf(ctx, req);
    return Object.values(store.state.nodes)
      .map((node) => ({ node, project: store.projectOfNode(node) }))
      .filter((x) => x.project?.members.includes(user.id))
      .map((x) => v1App(store, x.project!, x.node));
  });

  // Row 2: a project without a node gets a Free App environment.
  app.post('/api/1/apps', (req) => {
    const user = callerOf(ctx, req);
    const projectId = bodyObject(req.body).ProjectId;
    const project = typeof projectId === 'string' && isUuid(projectId) ? store.state.projects[projectId] : undefined;
    if (!project || !project.members.includes(user.id)) throw new ApiError(400, 'INVALID_PROJECTID', 'Invalid ProjectId');
    if (store.nodeOfProject(project.id)) throw new ApiError(400, 'APPLICATION_ALREADY_EXISTS', 'This app already has an environment');
    const node: AppNode = {
      id: newId(),
      subdomain: project.freeSubdomain,
      regionKey: 'free',
      generation: 'free',
      plan: 'Free',
      databaseRamGb: 0,
      memoryMb: 1024,
      dbVersion: '14',
      linkedProjectId: project.id,
      technicalContactId: user.id,
      environmentIds: [],
    };
    store.state.nodes[node.id] = node;
    store.changed();
    return v1App(store, project, node);
  });

  app.get<AppParams>('/api/1/apps/:appId', (req) => {
    const { project, node } = resolveApp(ctx, req, req.params.appId);
    return v1App(store, project, node);
  });

  app.get<AppParams>('/api/1/apps/:appId/environments', (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    if (ref.node.generation === 'free') return [];
    const envs = store.environmentsOf(ref.node);
    if (!envs.some((e) => e.permissions[ref.user.id]?.canAccessAPI)) throw new ApiError(403, 'NO_ACCESS', 'You do not have API Rights for this app');
    return envs.map((e) => v1Env(store, e));
  });

  app.get<EnvParams>('/api/1/apps/:appId/environments/:mode', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
    return v1Env(store, env);
  });

  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/start', (req, reply) => {
    const { env, node } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const auto = autoSyncDbOf(bodyObject(req.body).AutoSyncDb);
    if (env.status === 'Running') {
      // Documented quirk: "already started" is a 200, not an error status.
      return reply.code(200).send({ errorCode: 'ALREADY_STARTED', errorMessage: 'The environment is already started' });
    }
    const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
    if (!pkg) throw new ApiError(500, 'NO_MDA_HAS_BEEN_DEPLOYED', 'No deployment package has been deployed to this environment');
    if (Object.values(store.state.startJobs).some((j) => j.envId === env.id && j.result === null)) {
      throw new ApiError(500, 'APP_ALREADY_HAS_A_STARTING_JOB', 'The environment is already starting');
    }
    const now = store.now();
    const job: StartJob = {
      id: newId(),
      envId: env.id,
      createdAt: now,
      doneAt: now + DURATIONS.start * 1000 * (node.generation === 'v3' ? 2 : 1),
      result: null,
      plannedResult: plannedStartResult(env, pkg, auto),
    };
    store.state.startJobs[job.id] = job;
    store.track('start', job.id);
    store.changed();
    return { JobId: job.id };
  });

  app.get<{ Params: { appId: string; mode: string; jobId: string } }>('/api/1/apps/:appId/environments/:mode/start/:jobId', (req, reply) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
    const job = store.state.startJobs[req.params.jobId];
    if (!job || job.envId !== env.id) throw new ApiError(404, 'NO_SUCH_STARTJOB', `No start job ${req.params.jobId}`);
    if (job.result === null) return reply.send({ Status: 'Starting' });
    if (job.result === 'Started') return reply.send({ Status: 'Started' });
    // Start failures are error statuses on the poll call, never a "Failed" status (contract §2).
    throw new ApiError(500, job.result, startFailureMessage(job.result));
  });

  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/stop', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const now = store.now();
    for (const j of Object.values(store.state.startJobs)) {
      if (j.envId === env.id && j.result === null) {
        j.plannedResult = 'START_FAILED';
        j.doneAt = now;
      }
    }
    if (env.status === 'Running') env.status = 'Stopped';
    env.runningPackageId = null;
    store.changed();
    return v1Env(store, env);
  });

  app.get<EnvParams & { Querystring: { url?: string } }>('/api/1/apps/:appId/environments/:mode/package', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI']);
    const withUrl = boolQuery(req.query.url, 'url');
    const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
    if (!pkg) throw new ApiError(404, 'PACKAGE_NOT_FOUND', 'No package is deployed to this environment');
    return packageWithUrl(ctx, req, pkg, withUrl, true);
  });

  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/transport', (req) => {
    const { env, project } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    const packageId = bodyObject(req.body).PackageId;
    if (typeof packageId !== 'string' || packageId === '') throw new ApiError(400, 'INVALID_PARAMETERS', 'PackageId is required');
    const pkg = store.state.packages[packageId];
    if (!pkg || pkg.projectId !== project.id) throw new ApiError(404, 'PACKAGE_NOT_FOUND', `Package ${packageId} not found`);
    if (pkg.status === 'Failed') throw new ApiError(403, 'NOT ALLOWED', 'Processing of this deployment package failed');
    if (isProcessing(pkg, store.now())) {
      throw new ApiError(503, 'SERVICE UNAVAILABLE', 'The deployment package is still being processed; try again later', { headers: { 'Retry-After': '5' } });
    }
    if (majorOf(pkg.mendixVersion) < store.state.config.minSupportedMajor) {
      throw new ApiError(400, 'INVALID_RUNTIME_VERSION', `Mendix ${pkg.mendixVersion} is not supported in Mendix Cloud`);
    }
    applyTransport(env, pkg);
    store.changed();
    return v1Env(store, env);
  });

  app.post<EnvParams>('/api/1/apps/:appId/environments/:mode/clean', (req) => {
    const { env } = resolveEnv(ctx, req, req.params.appId, req.params.mode, ['canAccessAPI', 'canDeployApp']);
    if (env.status === 'Running') throw new ApiError(403, 'ENVIRONMENT_NOT_STOPPED', 'Stop the environment before cleaning it');
    if (env.status === 'Empty') throw new ApiError(422, 'ENVIRONMENT_NOT_DEPLOYED', 'Nothing is deployed to this environment');
    env.status = 'Empty';
    env.packageId = null;
    env.dbModelVersion = null;
    store.changed();
    return [{ Status: env.status, Mode: env.name, Url: v1Env(store, env).Url }];
  });
}

/**
 * `AutoSyncDb` is documented as a boolean; a published pipeline sends the string `"true"` (§14.8),
 * which costs nothing to accept. Anything else is refused.
 */
function autoSyncDbOf(v: unknown): boolean {
  if (v === undefined || v === null) return false;
  if (typeof v === 'boolean') return v;
  if (typeof v === 'string' && /^(true|false)$/i.test(v.trim())) return v.trim().toLowerCase() === 'true';
  throw new ApiError(400, 'INVALID_PARAMETERS', 'AutoSyncDb must be a boolean');
}

/**
 * The database structure a model version implies: builds of one release (same major.minor.patch)
 * share it; a new release may change the domain model. The emulator's stand-in for "the database
 * really differs" (§14.8).
 */
export function schemaOf(modelVersion: string): string {
  return modelVersion.split('.').slice(0, 3).join('.');
}

/** Decides at start time how the start job will end, so the poll call reports it. */
function plannedStartResult(env: Environment, pkg: Pkg, autoSyncDb: boolean): string {
  if (env.startFailure) {
    const code = env.startFailure;
    env.startFailure = null;
    return code;
  }
  if (env.constants.some((c) => c.Value === null)) return 'MISSING_CONSTANT';
  if (!autoSyncDb && env.dbModelVersion !== null && schemaOf(env.dbModelVersion) !== schemaOf(pkg.version)) return 'INVALID_DB_STRUCTURE';
  return 'Started';
}

function startFailureMessage(code: string): string {
  const messages: Record<string, string> = {
    MISSING_CONSTANT: 'A constant required by the model has no value',
    INVALID_DB_STRUCTURE: 'The database structure does not match the model; start with AutoSyncDb',
    DB_SYNC_FAILED: 'Synchronizing the database failed',
    START_FAILED: 'The application failed to start',
    STARTUP_ACTION_FAILED: 'The after-startup microflow failed',
    INSECURE_ADMIN_PASSWORD: 'The administrator password is insecure',
  };
  return messages[code] ?? 'The application failed to start';
}

/**
 * Transport copies the package to the environment; constants and events follow the new model. Into a
 * running environment it is accepted too (§14.1): the old package keeps running until the next start.
 */
export function applyTransport(env: Environment, pkg: Pkg): void {
  if (env.status === 'Running') {
    const running = env.runningPackageId ?? env.packageId;
    env.runningPackageId = running === pkg.id ? null : running;
  }
  env.packageId = pkg.id;
  if (env.status === 'Empty') env.status = 'Stopped';
  env.constants = pkg.constants.map((d) => {
    const old = env.constants.find((c) => c.Name === d.name);
    return old ? { ...old, DataType: d.dataType } : { Name: d.name, DataType: d.dataType, Value: d.defaultValue, DeployedValue: null };
  });
  env.scheduledEvents = pkg.scheduledEvents.map((name) => {
    const old = env.scheduledEvents.find((e) => e.Name === name);
    return old ?? { Name: name, Value: 'Disabled', DeployedValue: 'Disabled' };
  });
}

export function packageWithUrl(ctx: EmulatorContext, req: { headers: Record<string, unknown>; protocol: string }, pkg: Pkg, withUrl: boolean, deployed: boolean): Record<string, unknown> {
  const view: Record<string, unknown> = { ...packageView(pkg), ...(deployed ? { ExpiryDate: null } : {}) };
  if (withUrl) {
    const now = ctx.store.now();
    view.Url = { Location: signedUrl(ctx, req, 'packages', pkg.id, pkg.name, now, now + PACKAGE_URL_TTL * 1000), TTL: PACKAGE_URL_TTL };
  }
  return view;
}
