/**
 * Guide steps 11–12: unlink the source (link temporary app B to it), link the real app to the target
 * node, and redeploy the app's own package there.
 */
import { NeedsPersonError, type StepContext, type StepDefinition } from '../stepTypes';
import { currentAppId, findEnvironment, linkInPortal, relinkedAppId, restartAfterFailure, startAndWait, stopAndWait, str, type PlanOptions } from './common';
import { PACKAGE_DOWNLOAD } from './packageSteps';
import { CUTOVER_START } from './cutoverSteps';
import { LINK_TARGET, OFFBOARD_BACKUPS, REDEPLOY, UNLINK_SOURCE } from './finishStepIds';

export function unlinkSourceStep(): StepDefinition {
  return {
    id: UNLINK_SOURCE,
    phase: 'relink',
    title: 'Unlink the app from the source node (portal)',
    kind: 'portal',
    dependsOn: [CUTOVER_START, OFFBOARD_BACKUPS],
    describe: 'There is no "unlink": linking temporary app B to the source node detaches the real app from it, so it can be linked to the target node next.',
    instructions: (ctx) =>
      linkInPortal(ctx, ctx.input.target.tempAppB.name, `the source node ${ctx.input.source.nodeSubdomain}`, [
        `In the portal, open the app "${ctx.input.target.tempAppB.name}" and go to Environments.`,
        `Click "Select a node" and choose "Use this Node" on ${ctx.input.source.nodeSubdomain}.`,
        'Run the migration again: the engine checks that the node now serves temporary app B.',
      ]),
    isDone: async (ctx) => (await currentAppId(ctx, ctx.input.target.tempAppB.projectId)) === ctx.input.source.nodeSubdomain,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const b = await currentAppId(ctx, ctx.input.target.tempAppB.projectId);
      const real = await currentAppId(ctx, ctx.input.source.projectId);
      return b === ctx.input.source.nodeSubdomain && real !== ctx.input.source.nodeSubdomain
        ? { ok: true, detail: `node ${b} now serves temporary app B; the app is detached` }
        : { ok: false, detail: `node ${ctx.input.source.nodeSubdomain} still serves ${real === ctx.input.source.nodeSubdomain ? 'the app' : 'another app'}` };
    },
  };
}

export function linkTargetStep(): StepDefinition {
  return {
    id: LINK_TARGET,
    phase: 'relink',
    title: 'Link the app to the target node (portal)',
    kind: 'portal',
    dependsOn: [UNLINK_SOURCE],
    describe: 'Links the real app to the target node, which detaches temporary app A. Linking resets the node’s team permissions.',
    instructions: (ctx) =>
      linkInPortal(ctx, ctx.input.source.name, `the target node ${ctx.input.target.nodeSubdomain}`, [
        'The final backup and the package are downloaded and verified (see the journal).',
        `In the portal, open "${ctx.input.source.name}", go to Environments, click "Select a node" and "Use this Node" on ${ctx.input.target.nodeSubdomain}.`,
        'Check the node permissions afterwards: linking resets them.',
        'Run the migration again: the engine checks the link and redeploys.',
      ]),
    isDone: async (ctx) => (await currentAppId(ctx, ctx.input.source.projectId)) === ctx.input.target.nodeSubdomain,
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const a = await currentAppId(ctx, ctx.input.source.projectId);
      return a === ctx.input.target.nodeSubdomain
        ? { ok: true, detail: `"${ctx.input.source.name}" is linked to ${a}` }
        : { ok: false, detail: `"${ctx.input.source.name}" is linked to ${a ?? 'no node'}` };
    },
  };
}

const sourcePackageId = (ctx: StepContext): string | undefined => str(ctx.stateOf(PACKAGE_DOWNLOAD)?.outputs.packageId);

/**
 * Linking the node reset its permissions (v1 calls now answer NO_ACCESS); the Technical Contact
 * grants them back through v4, which needs no node permission.
 */
async function regrantPermissions(ctx: StepContext): Promise<void> {
  const { target } = ctx.input;
  // By id first: a v4 display name may differ from the v1 Mode, even in another script (§14.11).
  const knownId = str(ctx.stateOf('cutover.upload')?.outputs.targetEnvironmentId);
  const v4Envs = await ctx.services.listEnvironmentsV4(ctx.input.source.projectId);
  const env = v4Envs.find((e) => e.id === knownId) ?? v4Envs.find((e) => e.name.toLowerCase() === target.environment.toLowerCase());
  if (!env) throw new Error(`environment ${target.environment} not found on the target node`);
  const perms = await ctx.services.getPermissions(ctx.input.source.projectId, env.id);
  const me = perms.permissions.find((p) => p.userId.toLowerCase() === ctx.services.username.toLowerCase());
  if (!me || !me.canAccessAPI || !me.canDeployApp || !me.canManageBackups) {
    await ctx.services.grantNodePermissions(ctx.input.source.projectId, env.id, ctx.services.username);
    await ctx.setOutputs({ permissionsRegranted: true });
  }
}

async function runRedeploy(ctx: StepContext, opts: PlanOptions): Promise<void> {
  const { target } = ctx.input;
  const pkg = sourcePackageId(ctx);
  if (!pkg) throw new Error('the source package is unknown');
  await regrantPermissions(ctx);
  const deployed = await ctx.services.getDeployedPackage(target.nodeSubdomain, target.environment);
  // The target is production now: whatever fails after it was stopped, it is started again
  // (with the package it has) before the failure is reported.
  try {
    if (deployed?.packageId !== pkg) {
      await stopAndWait(ctx, opts, target.nodeSubdomain, target.environment);
      await ctx.services.transport(target.nodeSubdomain, target.environment, pkg);
    }
    await startAndWait(ctx, opts, target.nodeSubdomain, target.environment, true, 'start');
  } catch (e) {
    if (e instanceof NeedsPersonError) throw e;
    const recovered = await restartAfterFailure(ctx, opts, target.nodeSubdomain, target.environment);
    await ctx.setOutputs({ restartedAfterFailure: recovered });
    throw e;
  }
  const after = await findEnvironment(ctx, target.nodeSubdomain, target.environment);
  await ctx.setOutputs({ redeployed: true, packageId: pkg, url: after.url, modelVersion: after.modelVersion ?? null, mendixVersion: after.mendixVersion ?? null });
}

export function redeployStep(opts: PlanOptions): StepDefinition {
  return {
    id: REDEPLOY,
    phase: 'relink',
    title: 'Redeploy the app on the target node',
    kind: 'api',
    dependsOn: [LINK_TARGET],
    describe: 'Deploys the app’s own package (the one that ran on the source) to the target environment and starts it, now under the real app.',
    isDone: async (ctx) => {
      if (ctx.state().outputs.redeployed !== true) return false;
      const { target } = ctx.input;
      const env = await findEnvironment(ctx, target.nodeSubdomain, target.environment);
      return env.status === 'Running';
    },
    run: (ctx) => runRedeploy(ctx, opts),
    verify: async (ctx) => {
      const { target } = ctx.input;
      const appId = await relinkedAppId(ctx);
      const env = await findEnvironment(ctx, appId, target.environment);
      const deployed = await ctx.services.getDeployedPackage(appId, target.environment);
      const want = sourcePackageId(ctx);
      const ok = env.status === 'Running' && deployed?.packageId === want;
      return { ok, detail: `target ${env.status}, package ${deployed?.name ?? 'none'} (model ${env.modelVersion ?? '?'})` };
    },
  };
}
