/**
 * `/_emulator/...`: test and demo controls (state, calls, faults, clock, config, reset) and the portal
 * and Support actions that have no API. No credentials: only loopback clients reach the emulator.
 */
import type { FastifyInstance } from 'fastify';
import { receiveBackup } from '../backupUpload';
import { BlobStore } from '../blobs';
import { SEED_NAMES, type EmulatorContext, type SeedName } from '../context';
import { ApiError } from '../errors';
import { bindCustomDomain, changeUrl, linkProject, offboardNode, unbindCustomDomain } from '../portal';
import { environmentUrl } from '../model';
import { snapshotView } from '../views';

function obj(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'INVALID_PARAMETERS', 'Body must be a JSON object');
  return body as Record<string, unknown>;
}

function positiveInt(v: unknown, name: string): number {
  const n = Number(v);
  if (!Number.isInteger(n) || n < 1) throw new ApiError(400, 'INVALID_PARAMETERS', `${name} must be a positive integer`);
  return n;
}

export function registerControl(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  // The whole model, plus for every package and completed archive the size and sha256 actually served.
  app.get<{ Querystring: { content?: string } }>('/_emulator/state', async (req) => {
    const s = store.state;
    const withContent = req.query.content !== 'false';
    const served: Record<string, { size: number; sha256: string; fileName: string } | null> = {};
    for (const pkg of Object.values(s.packages)) {
      const info = pkg.status === 'Succeeded' || pkg.uploadFile ? (withContent ? await ctx.blobs.package(pkg) : ctx.blobs.peek(BlobStore.packageKey(pkg))) : undefined;
      served[pkg.id] = info ? { size: info.size, sha256: info.sha256, fileName: info.fileName } : null;
    }
    for (const a of Object.values(s.archives)) {
      const model = s.snapshots[a.snapshotId]?.modelVersion ?? null;
      const info = a.state === 'completed' ? (withContent ? await ctx.blobs.archive(a, model) : ctx.blobs.peek(BlobStore.archiveKey(a))) : undefined;
      served[a.id] = info ? { size: info.size, sha256: info.sha256, fileName: info.fileName } : null;
    }
    const withServed = <T extends { id: string }>(rec: Record<string, T>) =>
      Object.fromEntries(Object.entries(rec).map(([k, v]) => [k, { ...v, served: served[v.id] ?? null }]));
    const envUrls = Object.fromEntries(Object.values(s.environments).map((e) => [e.id, environmentUrl(store.nodeOfEnvironment(e), e)]));
    return {
      now: new Date(store.now()).toISOString(),
      timeScale: store.clock.timeScale,
      ...s,
      environments: Object.fromEntries(Object.entries(s.environments).map(([k, e]) => [k, { ...e, url: envUrls[e.id] }])),
      packages: withServed(s.packages),
      archives: withServed(s.archives),
    };
  });

  app.get('/_emulator/calls', () => ctx.calls.list());
  app.delete('/_emulator/calls', (_req, reply) => {
    ctx.calls.clear();
    return reply.code(204).send();
  });

  app.get('/_emulator/faults', () => ctx.faults.list());
  app.post('/_emulator/faults', (req, reply) => reply.code(201).send(ctx.faults.add(req.body)));
  app.delete('/_emulator/faults', (_req, reply) => {
    ctx.faults.clear();
    return reply.code(204).send();
  });

  app.get('/_emulator/clock', () => ({ now: new Date(store.now()).toISOString(), timeScale: store.clock.timeScale }));
  app.post('/_emulator/clock/advance', async (req) => {
    const seconds = Number(obj(req.body).seconds);
    if (!Number.isFinite(seconds) || seconds < 0) throw new ApiError(400, 'INVALID_PARAMETERS', 'seconds must be a number >= 0');
    store.clock.advance(seconds);
    // The time that passed covers the real work jobs wait for (an archive's bytes): it is done too.
    await store.settleHolds();
    store.changed();
    return { now: new Date(store.now()).toISOString(), timeScale: store.clock.timeScale };
  });

  app.get('/_emulator/config', () => ({ ...store.state.config, timeScale: store.clock.timeScale }));
  app.post('/_emulator/config', (req) => {
    const b = obj(req.body);
    const c = store.state.config;
    if (b.archiveBytes !== undefined) c.archiveBytes = positiveInt(b.archiveBytes, 'archiveBytes');
    if (b.packageBytes !== undefined) c.packageBytes = positiveInt(b.packageBytes, 'packageBytes');
    if (b.uploadLimitBytes !== undefined) c.uploadLimitBytes = positiveInt(b.uploadLimitBytes, 'uploadLimitBytes');
    if (b.minSupportedMajor !== undefined) c.minSupportedMajor = positiveInt(b.minSupportedMajor, 'minSupportedMajor');
    if (b.timeScale !== undefined) {
      const t = Number(b.timeScale);
      if (!(t > 0)) throw new ApiError(400, 'INVALID_PARAMETERS', 'timeScale must be > 0');
      store.clock.setTimeScale(t);
    }
    store.changed();
    return { ...c, timeScale: store.clock.timeScale };
  });

  app.post('/_emulator/reset', (req) => {
    const seed = (obj(req.body).seed ?? 'demo') as SeedName;
    if (!SEED_NAMES.includes(seed)) throw new ApiError(400, 'INVALID_PARAMETERS', `seed must be one of ${SEED_NAMES.join(', ')}`);
    ctx.reseed(seed);
    ctx.faults.clear();
    ctx.calls.clear();
    return { seed };
  });

  // Portal role no API grants: Mendix Admin of the company (for doctor tests).
  app.post('/_emulator/user', (req) => {
    const b = obj(req.body);
    const user = typeof b.userId === 'string' ? store.state.users[b.userId] : undefined;
    if (!user) throw new ApiError(404, 'USER_NOT_FOUND', 'No such user');
    if (typeof b.isMendixAdmin !== 'boolean') throw new ApiError(400, 'INVALID_PARAMETERS', 'isMendixAdmin must be a boolean');
    user.isMendixAdmin = b.isMendixAdmin;
    store.changed();
    return { userId: user.id, isMendixAdmin: user.isMendixAdmin };
  });

  // Makes the next start of an environment fail with the given code on the poll call (null clears).
  app.post('/_emulator/start-failure', (req) => {
    const b = obj(req.body);
    const env = typeof b.environmentId === 'string' ? store.state.environments[b.environmentId] : undefined;
    if (!env) throw new ApiError(404, 'ENVIRONMENT_NOT_FOUND', 'No such environment');
    if (b.errorCode !== null && typeof b.errorCode !== 'string') throw new ApiError(400, 'INVALID_PARAMETERS', 'errorCode must be a string or null');
    env.startFailure = b.errorCode;
    store.changed();
    return { environmentId: env.id, errorCode: env.startFailure };
  });

  // Makes the next snapshot, archive or restore of an environment end in state `failed`.
  app.post('/_emulator/job-failure', (req) => {
    const b = obj(req.body);
    const env = typeof b.environmentId === 'string' ? store.state.environments[b.environmentId] : undefined;
    if (!env) throw new ApiError(404, 'ENVIRONMENT_NOT_FOUND', 'No such environment');
    const kind = b.operation;
    if (kind !== 'snapshot' && kind !== 'archive' && kind !== 'restore') throw new ApiError(400, 'INVALID_PARAMETERS', 'operation must be snapshot, archive or restore');
    env.failNext = [...(env.failNext ?? []), kind];
    store.changed();
    return { environmentId: env.id, failNext: env.failNext };
  });

  app.post('/_emulator/portal/link', (req) => {
    const b = obj(req.body);
    return linkProject(store, b.projectId, b.nodeSubdomain);
  });
  app.post('/_emulator/portal/change-url', (req) => {
    const b = obj(req.body);
    const node = changeUrl(store, b.nodeSubdomain, b.newSubdomain);
    return { nodeSubdomain: node.subdomain };
  });
  app.post('/_emulator/portal/bind-custom-domain', (req) => {
    const b = obj(req.body);
    return bindCustomDomain(store, b.environmentId, b.domain, b.certificateId);
  });
  app.post('/_emulator/portal/unbind-custom-domain', (req, reply) => {
    unbindCustomDomain(store, obj(req.body).domain);
    return reply.code(204).send();
  });
  app.post('/_emulator/portal/offboard', (req) => offboardNode(store, obj(req.body).nodeSubdomain));
}

/** Routes whose bodies are raw bytes, streamed (registered in a context without body parsing). */
export function registerControlUploads(app: FastifyInstance, ctx: EmulatorContext): void {
  app.post<{ Querystring: { projectId?: string; environmentId?: string } }>('/_emulator/portal/upload-backup', async (req, reply) => {
    const snap = await receiveBackup(ctx, req.query.projectId, req.query.environmentId, req.raw);
    return reply.code(201).send(snapshotView(snap));
  });
}
