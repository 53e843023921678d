/** Deploy API v2 (contract §4): package upload with a job to poll. `<AppId>` is still the sub-domain. */
import type { FastifyInstance } from 'fastify';
import { requireNodePermissions } from '../auth';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';
import { receivePackage } from '../packageUpload';
import { resolveApp } from './v1Common';

export function registerDeployV2(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  app.post<{ Params: { appId: string }; Querystring: { name?: string } }>('/api/v2/apps/:appId/packages/upload', async (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI', 'canDeployApp']);
    const { pkg, job } = await receivePackage(ctx, req, ref.project, ref.user, req.query.name);
    return { PackageId: pkg.id, JobId: job.id };
  });

  app.get<{ Params: { appId: string; jobId: string } }>('/api/v2/apps/:appId/jobs/:jobId', (req) => {
    const ref = resolveApp(ctx, req, req.params.appId);
    requireNodePermissions(store, ref.user, ref.node, ['canAccessAPI']);
    const job = store.state.uploadJobs[req.params.jobId];
    if (!job || job.projectId !== ref.project.id) throw new ApiError(404, 'JOB_NOT_FOUND', `No job ${req.params.jobId}`);
    return { Status: job.status };
  });
}
