/**
 * Guide steps 1 and 2: the preflight report, and linking temporary app A to the target node
 * (portal only; proved when app A's AppId becomes the target node's sub-domain and it lists the
 * target's environments).
 */
import { buildPreflight, type PreflightFacts } from '../preflight';
import { RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import type { JsonObject } from '../types';
import { currentAppId, findEnvironment, linkInPortal, sourceEnvironment, str } from './common';

export const PREFLIGHT = 'preflight';
export const LINK_TEMP_A = 'link.temp-a';

async function optional<T>(p: Promise<T>): Promise<T | undefined> {
  try {
    return await p;
  } catch {
    return undefined;
  }
}

async function gatherFacts(ctx: StepContext): Promise<PreflightFacts> {
  const { source, target } = ctx.input;
  const s = ctx.services;
  const sourceEnv = await sourceEnvironment(ctx);
  const tempAAppId = await optional(currentAppId(ctx, target.tempAppA.projectId));
  const linked = tempAAppId === target.nodeSubdomain;
  const targetEnv = linked ? await optional(findEnvironment(ctx, target.nodeSubdomain, target.environment)) : undefined;
  const [sourceSettings, v4Envs, sourceApp, sourcePermissions, tempA, tempB, tempBEnvironments, targetPermissions, pkg, freeDiskBytes, targetV4Envs] = await Promise.all([
    s.getSettings(source.nodeSubdomain, source.environment),
    optional(s.listEnvironmentsV4(source.projectId)),
    optional(s.getAppV4(source.projectId)),
    optional(s.getPermissions(source.projectId, sourceEnv.environmentId, s.username)),
    optional(s.getAppV4(target.tempAppA.projectId)),
    optional(s.getAppV4(target.tempAppB.projectId)),
    optional(s.listEnvironmentsV4(target.tempAppB.projectId)),
    targetEnv ? optional(s.getPermissions(target.tempAppA.projectId, targetEnv.environmentId, s.username)) : Promise.resolve(undefined),
    optional(s.getDeployedPackage(source.nodeSubdomain, source.environment)),
    optional(s.freeDiskBytes(ctx.input.downloadFolder)),
    targetEnv ? optional(s.listEnvironmentsV4(target.tempAppA.projectId)) : Promise.resolve(undefined),
  ]);
  const check = s.checkCustomDomain?.bind(s);
  const domainTtls = check
    ? await Promise.all(
        ctx.input.customDomains.map(async (domain) => {
          try {
            const r = await check(domain);
            return { domain, ttlSeconds: r.ttlSeconds, detail: r.detail, cnameOk: r.cnameOk };
          } catch (e) {
            return { domain, detail: `DNS check failed: ${e instanceof Error ? e.message : String(e)}` };
          }
        }),
      )
    : undefined;
  return {
    customDomains: ctx.input.customDomains,
    domainTtls,
    flavour: ctx.input.flavour,
    username: s.username,
    sourceEnv,
    sourceEnvV4: v4Envs?.find((e) => e.id === sourceEnv.environmentId),
    sourceSettings,
    sourceApp,
    sourcePermissions,
    tempA,
    tempB,
    tempBEnvironments,
    targetEnv,
    // Matched by id: display names may differ from the v1 Mode (§14.11).
    targetEnvV4: targetEnv ? targetV4Envs?.find((e) => e.id === targetEnv.environmentId) : undefined,
    targetPermissions,
    packageSize: pkg?.size,
    freeDiskBytes,
    targetDatabaseRamGb: ctx.input.considerations?.targetDatabaseRamGb,
    longestScheduledEventMinutes: ctx.input.considerations?.longestScheduledEventMinutes,
  };
}

/** The preflight's warnings ("title: detail"), from its recorded report. */
export function preflightWarnings(outputs: Readonly<JsonObject>): string[] {
  const report = outputs.report;
  if (!Array.isArray(report)) return [];
  return report.flatMap((i) => (i && typeof i === 'object' && !Array.isArray(i) && i.result === 'warn' ? [`${str(i.title) ?? '?'}: ${str(i.detail) ?? ''}`] : []));
}

export function startSteps(): StepDefinition[] {
  return [preflightStep(), linkTempAStep()];
}

function preflightStep(): StepDefinition {
  return {
    id: PREFLIGHT,
    phase: 'preflight',
    title: 'Preflight report',
    kind: 'api',
    dependsOn: [],
    describe:
      'Checks what the guides ask before starting: supported Mendix version, no runtime change, node permissions and Technical Contact on both nodes, temporary apps, an empty target, free disk, and hints for mail, FTP and VPN use (plus the v3 → v4 considerations).',
    isDone: (ctx) => Promise.resolve(ctx.state().outputs.passed === true),
    run: async (ctx) => {
      const facts = await gatherFacts(ctx);
      const items = buildPreflight(facts);
      const report: JsonObject[] = items.map((i) => ({ ...i }));
      await ctx.setOutputs({
        report,
        sourceUrl: facts.sourceEnv.url,
        sourceEnvironmentId: facts.sourceEnv.environmentId,
        sourceModelVersion: facts.sourceEnv.modelVersion ?? null,
        sourceMendixVersion: facts.sourceEnv.mendixVersion ?? null,
        sourceInstances: facts.sourceEnv.instances ?? null,
      });
      const fails = items.filter((i) => i.result === 'fail');
      if (fails.length > 0) {
        throw new RefusedError(
          `preflight failed: ${fails.map((f) => `${f.title}: ${f.detail}`).join('; ')}`,
          'fix the failed checks, then run again (the report is in the journal and the exported report)',
        );
      }
      await ctx.setOutputs({ passed: true });
    },
    verify: (ctx) => {
      const report = ctx.state().outputs.report;
      const n = Array.isArray(report) ? report.length : 0;
      const warns = preflightWarnings(ctx.state().outputs).length;
      return Promise.resolve(
        ctx.state().outputs.passed === true
          ? { ok: true, detail: `${n} checks, none failed${warns ? `, ${warns} warning(s) to read` : ''}` }
          : { ok: false, detail: 'preflight has failures' },
      );
    },
  };
}

function linkTempAStep(): StepDefinition {
  return {
    id: LINK_TEMP_A,
    phase: 'link-target',
    title: 'Link temporary app A to the target node (portal)',
    kind: 'portal',
    dependsOn: [PREFLIGHT],
    describe: 'Only the portal can link an app to a node. Linking temporary app A lets the engine deploy to and restore into the target node before the real app moves.',
    instructions: (ctx) =>
      linkInPortal(ctx, ctx.input.target.tempAppA.name, `the target node ${ctx.input.target.nodeSubdomain}`, [
        `In the portal, open "${ctx.input.target.tempAppA.name}" and go to Environments.`,
        `Click "Select a node" and then "Use this Node" on ${ctx.input.target.nodeSubdomain} (needs Technical Contact of the node and 2FA).`,
        'Run the migration again: the engine checks that the app lists the target environments.',
      ]),
    isDone: async (ctx) => {
      if ((await currentAppId(ctx, ctx.input.target.tempAppA.projectId)) !== ctx.input.target.nodeSubdomain) return false;
      return (await ctx.services.listEnvironments(ctx.input.target.nodeSubdomain)).length > 0;
    },
    run: () => Promise.resolve(),
    verify: async (ctx) => {
      const appId = await currentAppId(ctx, ctx.input.target.tempAppA.projectId);
      if (appId !== ctx.input.target.nodeSubdomain) return { ok: false, detail: `temporary app A is linked to ${appId ?? 'no node'}` };
      const envs = await ctx.services.listEnvironments(appId);
      return envs.length > 0
        ? { ok: true, detail: `temporary app A lists ${envs.map((e) => e.mode).join(', ')} of ${appId}` }
        : { ok: false, detail: 'the target node lists no environments' };
    },
  };
}
