/**
 * Guide step 8 (configure the target like the source) and step 9 (test): the API-writable part of
 * the configuration is diffed and applied after confirmation; the portal-only part becomes a
 * checklist a person confirms; then the target is started and its URL checked.
 */
import { diffConfiguration, mergedSettings, PORTAL_ONLY_SETTINGS, sourceOnlyCustomSettingActions, type ConfigDifference, type ConfigSide } from '../configDiff';
import { NeedsPersonError, type StepContext, type StepDefinition } from '../stepTypes';
import type { JsonObject } from '../types';
import { findEnvironment, startTargetAndCheck, str, targetEnvironment, type PlanOptions } from './common';
import { TARGET_PREPARE } from './packageSteps';

export const CONFIG_APPLY = 'config.apply';
export const CONFIG_CHECKLIST = 'config.portal-checklist';
export const TEST_START = 'test.start-target';
export const TEST_CONFIRM = 'test.confirm';

async function side(ctx: StepContext, appId: string, mode: string): Promise<ConfigSide> {
  const [settings, environment, tags] = await Promise.all([
    ctx.services.getSettings(appId, mode),
    findEnvironment(ctx, appId, mode),
    ctx.services.getTags(appId, mode),
  ]);
  return { settings, environment, tags };
}

export async function currentDiff(ctx: StepContext): Promise<ConfigDifference[]> {
  const { source, target } = ctx.input;
  const [s, t] = await Promise.all([side(ctx, source.nodeSubdomain, source.environment), side(ctx, target.nodeSubdomain, target.environment)]);
  return diffConfiguration(s, t);
}

function diffJson(d: ConfigDifference[]): JsonObject[] {
  return d.map((x) => ({ area: x.area, name: x.name, source: x.source, target: x.target, writable: x.writable, ...(x.note ? { note: x.note } : {}) }));
}

export function configSteps(opts: PlanOptions): StepDefinition[] {
  return [applyConfigStep(), portalChecklistStep(), startTargetStep(opts), confirmTestStep()];
}

/** Asks whether to apply the writable differences; `undefined` when nobody can be asked (a person must then). */
async function confirmApply(ctx: StepContext, writable: ConfigDifference[]): Promise<boolean> {
  const answer = await ctx.prompt.confirm(
    `Apply ${writable.length} configuration difference(s) to the target?`,
    writable.map((d) => `${d.area} ${d.name}: ${d.source} → target ${d.target}`).join('\n'),
  );
  if (answer === undefined) {
    throw new NeedsPersonError({
      summary: `Confirm applying ${writable.length} configuration difference(s) to the target`,
      actions: [
        ...writable.map((d) => `${d.area} ${d.name}: source ${d.source}, target ${d.target}`),
        'Run the step again to be asked again (CLI: --yes applies them), or Mark Done to keep the target as it is.',
      ],
    });
  }
  return answer;
}

async function applyDifferences(ctx: StepContext, writable: ConfigDifference[]): Promise<void> {
  const { source, target } = ctx.input;
  const [ss, ts] = await Promise.all([ctx.services.getSettings(source.nodeSubdomain, source.environment), ctx.services.getSettings(target.nodeSubdomain, target.environment)]);
  await ctx.services.setSettings(target.nodeSubdomain, target.environment, mergedSettings(ss, ts));
  const srcEnv = await findEnvironment(ctx, source.nodeSubdomain, source.environment);
  if (writable.some((d) => d.area === 'scaling') && srcEnv.instances !== undefined && srcEnv.memoryPerInstanceMb !== undefined) {
    await ctx.services.scale(target.nodeSubdomain, target.environment, srcEnv.instances, srcEnv.memoryPerInstanceMb);
  }
  for (const d of writable.filter((x) => x.area === 'tag')) await ctx.services.addTag(target.nodeSubdomain, target.environment, d.name);
}

function applyConfigStep(): StepDefinition {
  return {
    id: CONFIG_APPLY,
    phase: 'configure',
    title: 'Copy the configuration to the target',
    kind: 'api',
    dependsOn: [TARGET_PREPARE],
    describe:
      'Compares constants (values masked), scheduled events, custom runtime settings, scaling and tags of source and target, and after your confirmation applies the differences the Deploy API can write.',
    isDone: async (ctx) => {
      const o = ctx.state().outputs;
      // Declined at the prompt, or a person confirmed keeping the target as it is.
      if (o.declined === true || ctx.state().confirmation?.method === 'person') return true;
      if (o.applied !== true) return false;
      return (await currentDiff(ctx)).every((d) => !d.writable);
    },
    run: async (ctx) => {
      const diff = await currentDiff(ctx);
      const writable = diff.filter((d) => d.writable);
      await ctx.setOutputs({ diffBefore: diffJson(diff) });
      if (writable.length > 0) {
        if (!(await confirmApply(ctx, writable))) {
          await ctx.setOutputs({ declined: true });
          return;
        }
        await applyDifferences(ctx, writable);
      }
      await ctx.setOutputs({ applied: true, appliedCount: writable.length });
    },
    verify: async (ctx) => {
      if (ctx.state().outputs.declined === true) return { ok: true, detail: 'differences left as they are (declined)' };
      const c = ctx.state().confirmation;
      if (c?.method === 'person' && ctx.state().outputs.applied !== true) return { ok: true, detail: `differences left as they are (confirmed by ${c.by})`, basis: 'person' };
      const left = (await currentDiff(ctx)).filter((d) => d.writable);
      await ctx.setOutputs({ diffAfter: diffJson(left) });
      return left.length === 0
        ? { ok: true, detail: 'constants, scheduled events, custom settings, scaling and tags match' }
        : { ok: false, detail: `still different: ${left.map((d) => d.name).join(', ')}` };
    },
  };
}

function portalChecklistStep(): StepDefinition {
  return {
    id: CONFIG_CHECKLIST,
    phase: 'configure',
    title: 'Copy the portal-only settings (checklist)',
    kind: 'portal',
    dependsOn: [TARGET_PREPARE],
    describe: 'Some settings have no API at all; a person copies them in the portal from the source to the target environment and confirms.',
    instructions: async (ctx) => ({
      summary: `Copy the portal-only settings from ${ctx.input.source.name} ${ctx.input.source.environment} to node ${ctx.input.target.nodeSubdomain}`,
      actions: [
        // Custom runtime settings only the source has: the API changes existing settings only (§14.3).
        ...(await currentDiff(ctx).then(sourceOnlyCustomSettingActions, () => ['Runtime tab → Custom Runtime Settings: compare source and target (they could not be read just now)'])),
        ...PORTAL_ONLY_SETTINGS.map((s) => `Copy: ${s}`),
        'Confirm this step when done.',
      ],
      url: ctx.input.portalUrl,
    }),
    isDone: (ctx) => Promise.resolve(ctx.state().confirmation?.method === 'person'),
    run: () => Promise.resolve(),
    verify: (ctx) => {
      const c = ctx.state().confirmation;
      return Promise.resolve(c ? { ok: true, detail: `no API can read these settings; confirmed by ${c.by}`, basis: 'person' } : { ok: false, detail: 'waiting for a person to confirm' });
    },
  };
}

function startTargetStep(opts: PlanOptions): StepDefinition {
  return {
    id: TEST_START,
    phase: 'test',
    title: 'Start the target and check its URL',
    kind: 'api',
    dependsOn: ['restore', CONFIG_APPLY],
    describe: 'Starts the target with the restored data and configuration, and checks that its URL answers.',
    isDone: async (ctx) => {
      if (ctx.state().outputs.httpOk !== true) return false;
      return (await targetEnvironment(ctx)).status === 'Running';
    },
    run: async (ctx) => {
      const { env, check, failure } = await startTargetAndCheck(ctx, opts);
      await ctx.setOutputs({ url: env.url, httpStatus: check.status, httpOk: check.ok, httpDetail: check.detail, modelVersion: env.modelVersion ?? null });
      if (failure) throw failure;
    },
    verify: async (ctx) => {
      const env = await targetEnvironment(ctx);
      return env.status === 'Running' && ctx.state().outputs.httpOk === true
        ? { ok: true, detail: `${env.url} runs model ${env.modelVersion ?? '?'}; ${str(ctx.state().outputs.httpDetail) ?? `HTTP ${Number(ctx.state().outputs.httpStatus)}`}`, check: 'API + HTTP' }
        : { ok: false, detail: `the target is ${env.status}` };
    },
  };
}

function confirmTestStep(): StepDefinition {
  return {
    id: TEST_CONFIRM,
    phase: 'test',
    title: 'Test the app on the target',
    kind: 'portal',
    dependsOn: [TEST_START, CONFIG_CHECKLIST],
    describe:
      'A person tests the app on the target with the copied data. If something is wrong, fix it and rehearse again (steps 3–8 re-run and are timed); the rehearsal timings predict the cutover downtime.',
    instructions: (ctx) => {
      const url = str(ctx.stateOf(TEST_START)?.outputs.url) ?? '';
      return {
        summary: `Test the app at ${url} and confirm that it works`,
        actions: [`Open ${url} and test the main flows with the copied data.`, 'Confirm this step when it works; otherwise fix it and start another rehearsal.'],
        url,
      };
    },
    isDone: (ctx) => Promise.resolve(ctx.state().confirmation?.method === 'person'),
    run: () => Promise.resolve(),
    verify: (ctx) => {
      const c = ctx.state().confirmation;
      return Promise.resolve(c ? { ok: true, detail: `tested and confirmed by ${c.by}`, basis: 'person' } : { ok: false, detail: 'waiting for a person to test' });
    },
  };
}
