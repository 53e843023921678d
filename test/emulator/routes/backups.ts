/** Backups API v2 (contract §5): snapshots, archives, restores under /api/v2/apps/<ProjectId>/environments/<EnvironmentId>. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { apiKeyUser, requireEnvPermissions } from '../auth';
import { archiveFileName } from '../archive';
import type { EmulatorContext } from '../context';
import { ARCHIVE_URL_VALID_MS, signedUrl } from '../downloads';
import { ApiError } from '../errors';
import { isUuid, newId } from '../ids';
import { DURATIONS, environmentBusy, takeFailure, timeline } from '../lifecycle';
import type { Archive, Environment, Restore, Snapshot } from '../model';
import { archiveView, restoreView, snapshotView } from '../views';
import { bodyObject } from './v1Common';

type EnvParams = { Params: { appId: string; environmentId: string } };
type SnapParams = { Params: { appId: string; environmentId: string; snapshotId: string } };

const BASE = '/api/v2/apps/:appId/environments/:environmentId';
const DAY = 24 * 3600 * 1000;

function resolveEnv(ctx: EmulatorContext, req: FastifyRequest<EnvParams>): Environment {
  const user = apiKeyUser(ctx.store, req.headers);
  const { appId, environmentId } = req.params;
  if (!isUuid(appId) || !isUuid(environmentId)) throw new ApiError(400, 'INVALID_PARAMETERS', 'ProjectId and EnvironmentId must be UUIDs');
  const project = ctx.store.state.projects[appId];
  const env = ctx.store.state.environments[environmentId];
  if (!project || !env || !project.members.includes(user.id) || ctx.store.projectIdOfEnvironment(env) !== project.id) {
    throw new ApiError(404, 'ENVIRONMENT_NOT_FOUND', `Environment ${environmentId} not found`);
  }
  if (ctx.store.nodeOfEnvironment(env).generation === 'free') throw new ApiError(400, 'NOT_SUPPORTED', 'Backups are only available in Mendix Cloud');
  requireEnvPermissions(user, env, ['canAccessAPI', 'canManageBackups']);
  return env;
}

function snapshotOf(ctx: EmulatorContext, env: Environment, id: string): Snapshot {
  const snap = ctx.store.state.snapshots[id];
  if (!snap || snap.envId !== env.id) throw new ApiError(404, 'NOT_FOUND', `Snapshot ${id} not found`);
  return snap;
}

function nonNegativeInt(v: string | undefined, name: string, fallback: number, min: number): number {
  if (v === undefined || v === '') return fallback;
  const n = Number(v);
  if (!Number.isInteger(n) || n < min) throw new ApiError(400, 'INVALID_PARAMETERS', `${name} must be an integer >= ${min}`);
  return n;
}

export function registerBackups(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;
  const archiveUrl = (req: FastifyRequest, a: Archive): string | null => {
    if (a.state !== 'completed' || a.finishedAt === null) return null;
    const name = archiveFileName({ archiveId: a.id, dataType: a.dataType, mtime: a.finishedAt });
    return signedUrl(ctx, req, 'archives', a.id, name, a.finishedAt, a.finishedAt + ARCHIVE_URL_VALID_MS);
  };

  app.get<EnvParams & { Querystring: { offset?: string; limit?: string } }>(`${BASE}/snapshots`, (req) => {
    const env = resolveEnv(ctx, req);
    const offset = nonNegativeInt(req.query.offset, 'offset', 0, 0);
    const limit = nonNegativeInt(req.query.limit, 'limit', 100, 1);
    const all = Object.values(store.state.snapshots)
      .filter((x) => x.envId === env.id)
      .sort((a, b) => b.createdAt - a.createdAt);
    return { snapshots: all.slice(offset, offset + limit).map(snapshotView), total: all.length, offset, limit };
  });

  app.post<EnvParams>(`${BASE}/snapshots`, (req) => {
    const env = resolveEnv(ctx, req);
    const comment = bodyObject(req.body).comment;
    if (comment !== undefined && comment !== null && typeof comment !== 'string') throw new ApiError(400, 'INVALID_PARAMETERS', 'comment must be a string');
    if (environmentBusy(store, env.id)) throw new ApiError(400, 'ENVIRONMENT_BUSY', 'A backup or restore is already running for this environment');
    const now = store.now();
    const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
    const snap: Snapshot = {
      id: newId(),
      envId: env.id,
      projectId: store.projectIdOfEnvironment(env),
      kind: 'manual',
      comment: typeof comment === 'string' ? comment : null,
      state: 'queued',
      statusMessage: 'Queued',
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      expiresAt: now + 91 * DAY,
      modelVersion: env.dbModelVersion ?? pkg?.version ?? null,
      databaseBytes: 512 * 1024 * 1024,
      filesBytes: 256 * 1024 * 1024,
      hasDatabase: true,
      hasFiles: true,
      timeline: timeline(now, [
        ['queued', 0],
        ['running', DURATIONS.snapshotQueued],
        [takeFailure(env, 'snapshot') ? 'failed' : 'completed', DURATIONS.snapshotRunning],
      ]),
      uploadFile: null,
    };
    store.state.snapshots[snap.id] = snap;
    store.track('snapshot', snap.id);
    store.changed();
    return snapshotView(snap);
  });

  app.get<SnapParams>(`${BASE}/snapshots/:snapshotId`, (req) => snapshotView(snapshotOf(ctx, resolveEnv(ctx, req), req.params.snapshotId)));

  // Changing the comment leaves updated_at as it was (contract §5).
  app.put<SnapParams>(`${BASE}/snapshots/:snapshotId`, (req) => {
    const snap = snapshotOf(ctx, resolveEnv(ctx, req), req.params.snapshotId);
    const comment = bodyObject(req.body).comment;
    if (comment !== null && typeof comment !== 'string') throw new ApiError(400, 'INVALID_PARAMETERS', 'comment must be a string');
    snap.comment = comment;
    store.changed();
    return snapshotView(snap);
  });

  app.delete<SnapParams>(`${BASE}/snapshots/:snapshotId`, (req, reply) => {
    const snap = snapshotOf(ctx, resolveEnv(ctx, req), req.params.snapshotId);
    delete store.state.snapshots[snap.id];
    for (const [id, a] of Object.entries(store.state.archives)) if (a.snapshotId === snap.id) delete store.state.archives[id];
    store.changed();
    return reply.code(204).send();
  });

  app.post<SnapParams & { Querystring: { data_type?: string } }>(`${BASE}/snapshots/:snapshotId/archives`, (req) => {
    const env = resolveEnv(ctx, req);
    const dataType = req.query.data_type ?? 'files_and_database';
    if (dataType !== 'database_only' && dataType !== 'files_and_database') throw new ApiError(400, 'UNSUPPORTED', `Unsupported data_type ${dataType}`);
    const snap = snapshotOf(ctx, env, req.params.snapshotId);
    if (snap.state !== 'completed') throw new ApiError(400, 'INVALID_STATE', 'The snapshot is not completed yet');
    const now = store.now();
    const a: Archive = {
      id: newId(),
      snapshotId: snap.id,
      envId: env.id,
      dataType,
      state: 'queued',
      statusMessage: 'Queued',
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      targetBytes: store.state.config.archiveBytes,
      timeline: timeline(now, [
        ['queued', 0],
        ['running', DURATIONS.archiveQueued],
        [takeFailure(env, 'archive') ? 'failed' : 'completed', DURATIONS.archiveRunning],
      ]),
    };
    store.state.archives[a.id] = a;
    store.track('archive', a.id);
    // The archive is prepared while the job runs (not on the first download, which would then wait
    // seconds for its first byte); the job completes once its bytes are on disk.
    if (a.timeline?.steps.at(-1)?.state === 'completed') store.hold('archive', a.id, ctx.blobs.archive(a, snap.modelVersion ?? null));
    store.changed();
    return archiveView(a, null);
  });

  app.get<{ Params: { appId: string; environmentId: string; snapshotId: string; archiveId: string } }>(`${BASE}/snapshots/:snapshotId/archives/:archiveId`, (req) => {
    const env = resolveEnv(ctx, req);
    const snap = snapshotOf(ctx, env, req.params.snapshotId);
    const a = store.state.archives[req.params.archiveId];
    if (!a || a.snapshotId !== snap.id) throw new ApiError(404, 'NOT_FOUND', `Archive ${req.params.archiveId} not found`);
    return archiveView(a, archiveUrl(req, a));
  });

  app.post<EnvParams & { Querystring: { source_snapshot_id?: string; db_only?: string } }>(`${BASE}/restores`, (req) => {
    const env = resolveEnv(ctx, req);
    const sourceId = req.query.source_snapshot_id;
    if (!sourceId) throw new ApiError(400, 'INVALID_PARAMETERS', 'source_snapshot_id is required');
    const dbOnly = req.query.db_only === 'true';
    if (req.query.db_only !== undefined && req.query.db_only !== 'true' && req.query.db_only !== 'false') throw new ApiError(400, 'INVALID_PARAMETERS', 'db_only must be true or false');
    const snap = store.state.snapshots[sourceId];
    const sourceEnv = snap ? store.state.environments[snap.envId] : undefined;
    // Only snapshots of the same app can be restored; other apps' snapshots are not visible here.
    if (!snap || !sourceEnv || store.projectIdOfEnvironment(sourceEnv) !== store.projectIdOfEnvironment(env)) {
      throw new ApiError(400, 'NOT_FOUND', `Source snapshot ${sourceId} not found for this app`);
    }
    if (snap.state !== 'completed') throw new ApiError(400, 'ERROR_NOT_ALLOWED', 'The backup is not in a state that can be restored');
    if (env.status === 'Running') throw new ApiError(400, 'ERROR_NOT_ALLOWED', 'The app must be stopped before restoring a backup');
    if (env.dbModelVersion === null && env.packageId === null) throw new ApiError(400, 'ERROR_NOT_ALLOWED', 'Deploy the app first: a restore needs an existing database');
    const starting = Object.values(store.state.startJobs).some((j) => j.envId === env.id && j.result === null);
    if (starting || environmentBusy(store, env.id)) throw new ApiError(400, 'ENVIRONMENT_BUSY', 'The environment is busy');
    const now = store.now();
    const outcome = takeFailure(env, 'restore') ? 'failed' : 'completed';
    const r: Restore = {
      id: newId(),
      sourceSnapshotId: snap.id,
      sourceEnvId: snap.envId,
      targetEnvId: env.id,
      dbOnly,
      state: 'queued',
      statusMessage: 'Queued',
      createdAt: now,
      updatedAt: now,
      finishedAt: null,
      plannedOutcome: outcome,
      timeline: timeline(now, [
        ['queued', 0],
        ['running', DURATIONS.restoreQueued],
        [outcome, DURATIONS.restoreRunning],
      ]),
    };
    store.state.restores[r.id] = r;
    store.track('restore', r.id);
    store.changed();
    return restoreView(r);
  });

  app.get<{ Params: { appId: string; environmentId: string; restoreId: string } }>(`${BASE}/restores/:restoreId`, (req) => {
    const env = resolveEnv(ctx, req);
    const r = store.state.restores[req.params.restoreId];
    if (!r || r.targetEnvId !== env.id) throw new ApiError(400, 'NOT_FOUND', `Restore ${req.params.restoreId} not found`);
    return restoreView(r);
  });
}
