/** Build API (contract §3) plus the v1 package upload (row 10): packages of the app behind an AppId. */
import type { FastifyInstance } from 'fastify';
import { requireNodePermissions } from '../auth';
import type { EmulatorContext } from '../context';
import { serveFile } from '../downloads';
import { ApiError } from '../errors';
import { newId } from '../ids';
import { DURATIONS, timeline } from '../lifecycle';
import type { Pkg } from '../model';
import { receivePackage } from '../packageUpload';
import { packageView } from '../views';
import { packageWithUrl } from './deployV1';
import { bodyObject, boolQuery, resolveApp, type AppRef } from './v1Common';

type AppParams = { Params: { appId: string } };
type PkgParams = { Params: { appId: string; packageId: string } };

function packageOf(ctx: EmulatorContext, ref: AppRef, packageId: string): Pkg {
  if (!/^[A-Za-z0-9-]{1,100}$/.test(packageId)) throw new ApiError(400, 'INVALID_PARAMETERS', 'Invalid PackageId');
  const pkg = ctx.store.state.packages[packageId];
  if (!pkg || pkg.projectId !== ref.project.id) throw new ApiError(404, 'PACKAGE_NOT_FOUND', `Package ${packageId} not found`);
  return pkg;
}

const VERSION = /^\d+\.\d+\.\d+$/;
const BRANCH = /^(main|trunk|branches\/[^\s]+)$/;

export function registerBuild(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.get<AppParams>('/api/1/apps/:appId/packages', (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI']);
    return Object.values(store.state.packages)
      .filter((p) => p.projectId === ref.project.id)
      .sort((a, b) => b.creationDate - a.creationDate)
      .map(packageView);
  });

  app.get<PkgParams & { Querystring: { url?: string } }>('/api/1/apps/:appId/packages/:packageId', (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI']);
    const withUrl = boolQuery(req.query.url, 'url');
    const pkg = packageOf(ctx, ref, req.params.packageId);
    return packageWithUrl(ctx, req, pkg, withUrl && pkg.status === 'Succeeded', false);
  });

  app.delete<PkgParams>('/api/1/apps/:appId/packages/:packageId', (req, reply) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI', 'canDeployApp']);
    const pkg = packageOf(ctx, ref, req.params.packageId);
    if (Object.values(store.state.environments).some((e) => e.packageId === pkg.id || e.runningPackageId === pkg.id)) throw new ApiError(409, 'PACKAGE_IN_USE', 'The package is deployed to an environment');
    delete store.state.packages[pkg.id];
    ctx.blobs.removePackage(pkg);
    store.changed();
    return reply.code(204).send();
  });

  // Deprecated direct download (contract §3): same bytes as the signed URL, but with credentials.
  app.route<PkgParams>({
    method: ['GET', 'HEAD'],
    url: '/api/1/apps/:appId/packages/:packageId/download',
    exposeHeadRoute: false,
    handler: async (req, reply) => {
      const ref = resolveApp(ctx, req, req.params.appId);
      requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI']);
      const pkg = packageOf(ctx, ref, req.params.packageId);
      if (pkg.status !== 'Succeeded') throw new ApiError(500, 'BUILD_NOT_SUCCEEDED', 'The package is not built successfully');
      await serveFile(req, reply, await ctx.blobs.package(pkg), 'application/octet-stream');
    },
  });

  app.post<AppParams>('/api/1/apps/:appId/packages', (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI', 'canDeployApp']);
    const b = bodyObject(req.body);
    if (typeof b.Branch !== 'string' || !BRANCH.test(b.Branch)) throw new ApiError(400, 'INVALID_PARAMETERS', 'Branch must be main, trunk or branches/<name>');
    if (typeof b.Revision !== 'string' && typeof b.Revision !== 'number') throw new ApiError(400, 'INVALID_PARAMETERS', 'Revision is required');
    if (typeof b.Version !== 'string' || !VERSION.test(b.Version)) throw new ApiError(400, 'INVALID_VERSION', 'Version must be major.minor.patch');
    const repo = ref.project.repo;
    if (!repo) throw new ApiError(500, 'BUILD_FAILED', 'The Team Server repository of this app has no model to build');
    const now = store.now();
    const build = ref.project.nextBuildNumber++;
    const version = `${b.Version}.${build}`;
    const pkg: Pkg = {
      id: newId(),
      projectId: ref.project.id,
      name: `Main line-${version}.mda`,
      description: typeof b.Description === 'string' ? b.Description : '',
      version,
      mendixVersion: repo.mendixVersion,
      creator: ref.user.name,
      creationDate: now,
      status: 'Queued',
      size: store.state.config.packageBytes,
      processedAt: 0,
      timeline: timeline(now, [
        ['Queued', 0],
        ['Building', DURATIONS.buildQueued],
        ['Uploading', DURATIONS.building],
        ['Succeeded', DURATIONS.buildUploading],
      ]),
      constants: repo.constants.map((c) => ({ ...c })),
      scheduledEvents: [...repo.scheduledEvents],
      uploadFile: null,
      uploadSha256: null,
    };
    pkg.processedAt = pkg.timeline!.steps[3].at;
    store.state.packages[pkg.id] = pkg;
    store.track('package', pkg.id);
    store.changed();
    return { PackageId: pkg.id };
  });

  app.post<AppParams & { Querystring: { name?: string } }>('/api/1/apps/:appId/packages/upload', async (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI', 'canDeployApp']);
    const { pkg } = await receivePackage(ctx, req, ref.project, ref.user, req.query.name);
    return { PackageId: pkg.id };
  });
}
