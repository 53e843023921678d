/**
 * Guide steps 3 and 4: carry the source's deployed package to the target node (checksummed,
 * resumable download; v2 upload; job polled), then transport it, start once with AutoSyncDb so the
 * target database gets its structure, and stop again so a backup can be restored into it.
 */
import { basename } from 'node:path';
import type { StepContext, StepDefinition } from '../stepTypes';
import { callOutcome } from '../callOutcome';
import { appIdOnNode, callUnderIntent, downloadFresh, fileInFolder, num, poll, startAndWait, stopAndWait, str, targetEnvironment, type PlanOptions } from './common';

export const PACKAGE_DOWNLOAD = 'package.download';
export const PACKAGE_UPLOAD = 'package.upload';
export const TARGET_TRANSPORT = 'target.transport';
export const TARGET_PREPARE = 'target.prepare';

function safeFileName(name: string): string {
  return basename(name).replace(/[^A-Za-z0-9._ -]/g, '_');
}

async function downloadedIntact(ctx: StepContext, path: string | undefined, sha256: string | undefined): Promise<boolean> {
  if (!path || !sha256) return false;
  const m = await ctx.services.readDownloadManifest(path);
  return m !== undefined && m.sha256 === sha256;
}

export function packageSteps(opts: PlanOptions): StepDefinition[] {
  return [downloadPackageStep(), uploadPackageStep(opts), transportStep(opts), prepareTargetStep(opts)];
}

function downloadPackageStep(): StepDefinition {
  return {
    id: PACKAGE_DOWNLOAD,
    phase: 'carry-package',
    title: 'Download the deployment package of the source',
    kind: 'api',
    dependsOn: ['preflight'],
    describe:
      'Fetches the package that runs on the source environment (the exact same build, so no runtime upgrade sneaks in) into the download folder, resumable and with a SHA-256 recorded next to it.',
    isDone: (ctx) => downloadedIntact(ctx, str(ctx.state().outputs.path), str(ctx.state().outputs.sha256)),
    run: async (ctx) => {
      const { source } = ctx.input;
      const pkg = await ctx.services.getDeployedPackage(source.nodeSubdomain, source.environment);
      if (!pkg) throw new Error(`no package is deployed on ${source.name} ${source.environment}`);
      const path = fileInFolder(ctx.input.downloadFolder, `${ctx.input.name}-`, safeFileName(pkg.name || `${pkg.packageId}.mda`));
      await ctx.setOutputs({ packageId: pkg.packageId, name: pkg.name, version: pkg.version ?? null, expectedSize: pkg.size ?? null, path });
      // Signed URLs are short-lived: ask for a fresh one per attempt and never store it.
      const result = await downloadFresh(ctx, path, 'package', () => ctx.services.getDeployedPackageUrl(source.nodeSubdomain, source.environment));
      await ctx.setOutputs({ size: result.size, sha256: result.sha256 });
    },
    verify: async (ctx) => {
      const o = ctx.state().outputs;
      const m = await ctx.services.readDownloadManifest(str(o.path) ?? '');
      if (!m || m.sha256 !== o.sha256) return { ok: false, detail: 'the downloaded package is missing or its checksum changed' };
      const expected = num(o.expectedSize);
      if (expected !== undefined && expected !== m.size) return { ok: false, detail: `size ${m.size} differs from the package size ${expected}` };
      return { ok: true, detail: `package ${m.size} bytes, sha256 ${m.sha256.slice(0, 12)}…`, check: 'SHA-256' };
    },
  };
}

/** A package named `pkgName` on the app that was not among `knownIds` (those there before the upload). */
async function findUploaded(ctx: StepContext, app: string, pkgName: string, knownIds: unknown): Promise<string | undefined> {
  const known = new Set(Array.isArray(knownIds) ? knownIds.map(String) : []);
  return (await ctx.services.listPackages(app)).find((p) => p.name === pkgName && !known.has(p.packageId))?.packageId;
}

/** The package this step uploaded: by its id, found after a crash during the upload, or uploaded now (under an intent). */
async function uploadOnce(ctx: StepContext, appId: string, file: string, name: string): Promise<string> {
  const packageId = str(ctx.state().outputs.packageId);
  if (packageId) return packageId;
  const pending = ctx.unresolvedIntent('upload');
  if (pending) {
    // The process died during the upload: find the package by name among those that were not there before.
    const found = await findUploaded(ctx, appId, name, pending.details?.knownPackageIds);
    if (found) {
      await ctx.resolveIntent('upload', { packageId: found, foundAfterRestart: true }, 'observed');
      return found;
    }
  }
  const known = (await ctx.services.listPackages(appId)).map((p) => p.packageId);
  try {
    const r = await callUnderIntent(
      ctx,
      'upload',
      { appId, name, knownPackageIds: known },
      () => ctx.services.uploadPackage(appId, file, name, { signal: ctx.signal, onProgress: (p) => ctx.progress(`upload ${p.bytes} bytes`) }),
      (x) => ({ packageId: x.packageId, jobId: x.jobId }),
    );
    return r.packageId;
  } catch (e) {
    if (callOutcome(e) !== 'unknown') throw e;
    // The answer was lost: look for the package now (the intent stays open if it is not there).
    const found = await findUploaded(ctx, appId, name, known);
    if (!found) throw e;
    await ctx.resolveIntent('upload', { packageId: found, foundAfterLostAnswer: true }, 'observed');
    return found;
  }
}

async function waitProcessed(ctx: StepContext, opts: PlanOptions, appId: string, packageId: string): Promise<void> {
  const jobId = str(ctx.state().outputs.jobId);
  if (jobId) {
    await poll(ctx, opts, 'package processing', () => ctx.services.getUploadJob(appId, jobId), (s) => s === 'Completed', (s) =>
      s === 'Failed' ? 'the uploaded package could not be processed' : undefined,
    );
    return;
  }
  await poll(
    ctx,
    opts,
    'package processing',
    async () => (await ctx.services.listPackages(appId)).find((p) => p.packageId === packageId)?.status ?? 'missing',
    (s) => s === 'Succeeded',
    (s) => (s === 'Failed' || s === 'missing' ? `package status ${s}` : undefined),
  );
}

function uploadPackageStep(opts: PlanOptions): StepDefinition {
  return {
    id: PACKAGE_UPLOAD,
    phase: 'carry-package',
    title: 'Upload the package to the target node',
    kind: 'api',
    dependsOn: [PACKAGE_DOWNLOAD, 'link.temp-a'],
    describe:
      'Uploads the downloaded package to temporary app A (linked to the target node) with the Deploy API v2 and waits until it is processed. The upload is never repeated blindly: after a crash the package list is searched first.',
    isDone: async (ctx) => {
      const id = str(ctx.state().outputs.packageId);
      if (!id) return false;
      const appId = await appIdOnNode(ctx, ctx.input.target.tempAppA.projectId, ctx.input.target.nodeSubdomain);
      const pkgs = await ctx.services.listPackages(appId);
      return pkgs.some((p) => p.packageId === id && p.status === 'Succeeded');
    },
    run: async (ctx) => {
      const appId = await appIdOnNode(ctx, ctx.input.target.tempAppA.projectId, ctx.input.target.nodeSubdomain);
      const src = ctx.stateOf(PACKAGE_DOWNLOAD)?.outputs ?? {};
      const file = str(src.path);
      const name = str(src.name) ?? 'package.mda';
      if (!file) throw new Error('the package has not been downloaded');
      const packageId = await uploadOnce(ctx, appId, file, name);
      await waitProcessed(ctx, opts, appId, packageId);
      await ctx.setOutputs({ appId });
    },
    verify: async (ctx) => {
      const id = str(ctx.state().outputs.packageId);
      const appId = await appIdOnNode(ctx, ctx.input.target.tempAppA.projectId, ctx.input.target.nodeSubdomain);
      const p = (await ctx.services.listPackages(appId)).find((x) => x.packageId === id);
      if (!p) return { ok: false, detail: `package ${id ?? '?'} not found on the target` };
      const expected = num(ctx.stateOf(PACKAGE_DOWNLOAD)?.outputs.size);
      if (expected !== undefined && p.size !== undefined && p.size !== expected) {
        return { ok: false, detail: `uploaded size ${p.size} differs from the downloaded ${expected}` };
      }
      return { ok: p.status === 'Succeeded', detail: `package ${p.name} on the target is ${p.status ?? 'unknown'}` };
    },
  };
}

async function deployedIsOurs(ctx: StepContext): Promise<boolean> {
  const id = str(ctx.stateOf(PACKAGE_UPLOAD)?.outputs.packageId);
  const pkg = await ctx.services.getDeployedPackage(ctx.input.target.nodeSubdomain, ctx.input.target.environment);
  return !!id && pkg?.packageId === id;
}

function transportStep(opts: PlanOptions): StepDefinition {
  return {
    id: TARGET_TRANSPORT,
    phase: 'prepare-target',
    title: 'Transport the package to the target environment',
    kind: 'api',
    dependsOn: [PACKAGE_UPLOAD],
    describe: 'Deploys the uploaded package to the target environment (stopping it first if it runs, as transport requires).',
    isDone: deployedIsOurs,
    run: async (ctx) => {
      const { target } = ctx.input;
      await stopAndWait(ctx, opts, target.nodeSubdomain, target.environment);
      const id = str(ctx.stateOf(PACKAGE_UPLOAD)?.outputs.packageId);
      if (!id) throw new Error('no uploaded package to transport');
      await ctx.services.transport(target.nodeSubdomain, target.environment, id);
    },
    verify: async (ctx) => ((await deployedIsOurs(ctx)) ? { ok: true, detail: 'the target runs the carried package' } : { ok: false, detail: 'the target does not have the carried package deployed' }),
  };
}

function prepareTargetStep(opts: PlanOptions): StepDefinition {
  return {
    id: TARGET_PREPARE,
    phase: 'prepare-target',
    title: 'Start the target once with database sync, then stop it',
    kind: 'api',
    dependsOn: [TARGET_TRANSPORT],
    describe:
      'Starts the target with AutoSyncDb so its database gets the app’s structure, waits for it, and stops it again: a backup can only be restored into a prepared, stopped environment.',
    isDone: async (ctx) => {
      if (ctx.state().outputs.prepared !== true) return false;
      const env = await targetEnvironment(ctx);
      return env.status !== 'Running';
    },
    run: async (ctx) => {
      const { target } = ctx.input;
      if (ctx.state().outputs.started !== true) {
        await startAndWait(ctx, opts, target.nodeSubdomain, target.environment, true, 'start');
        await ctx.setOutputs({ started: true });
      }
      await stopAndWait(ctx, opts, target.nodeSubdomain, target.environment);
      await ctx.setOutputs({ prepared: true });
    },
    verify: async (ctx) => {
      const env = await targetEnvironment(ctx);
      return env.status === 'Stopped'
        ? { ok: true, detail: 'the target started with the carried package and is stopped again' }
        : { ok: false, detail: `the target is ${env.status}` };
    },
  };
}
