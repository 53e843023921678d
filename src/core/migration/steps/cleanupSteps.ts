/**
 * The optional clean-up at the end: what the migration created on the way — the rehearsal snapshots
 * it uploaded to the target, the copy of the package on temporary app A, and tags the target has that
 * the source did not. Each item is asked about on its own; nothing is removed without a "yes", and
 * every answer (who, when, what) is recorded in the journal. When nobody can be asked, everything
 * is kept.
 */
import { isoNow } from '../../shared/clock';
import type { StepContext, StepDefinition } from '../stepTypes';
import type { JsonObject } from '../types';
import { currentAppId, jsonObjects, relinkedAppId, str, targetProjectId } from './common';
import { REDEPLOY } from './finishStepIds';
import { PACKAGE_UPLOAD } from './packageSteps';
import { SOURCE_LOGS } from './sourceRecordsSteps';

export const CLEANUP = 'finish.cleanup';

type Kind = 'snapshot' | 'package' | 'tag';

interface Candidate {
  kind: Kind;
  id: string;
  question: string;
  detail: string;
  remove: () => Promise<void>;
}

interface Decision {
  kind: Kind;
  id: string;
  decision: 'removed' | 'kept' | 'not asked';
  by: string;
  at: string;
}

function decisions(ctx: StepContext): Decision[] {
  return jsonObjects(ctx.state().outputs.decisions).map((x) => ({
      kind: x.kind === 'snapshot' || x.kind === 'package' ? x.kind : 'tag',
      id: str(x.id) ?? '',
      decision: x.decision === 'removed' ? 'removed' : x.decision === 'kept' ? 'kept' : 'not asked',
      by: str(x.by) ?? '',
      at: str(x.at) ?? '',
    }));
}

function targetEnvironmentId(ctx: StepContext): string | undefined {
  return str(ctx.stateOf('cutover.upload')?.outputs.targetEnvironmentId) ?? str(ctx.stateOf('backup.upload')?.outputs.targetEnvironmentId);
}

/** Snapshots uploaded to the target during rehearsals: listed before the final upload and made since the run began. */
async function rehearsalSnapshots(ctx: StepContext): Promise<{ id: string; createdAt: string }[]> {
  const envId = targetEnvironmentId(ctx);
  const baseline = ctx.stateOf('cutover.upload')?.outputs.baseline;
  if (!envId || !Array.isArray(baseline)) return [];
  const before = new Set(baseline.map(String));
  const finalId = str(ctx.stateOf('cutover.upload')?.outputs.uploadedSnapshotId);
  const since = Date.parse(ctx.journal().createdAt);
  const snaps = await ctx.services.listSnapshots(targetProjectId(ctx), envId);
  return snaps
    .filter((s) => before.has(s.snapshotId) && s.snapshotId !== finalId && s.createdAt && Date.parse(s.createdAt) >= since)
    .map((s) => ({ id: s.snapshotId, createdAt: s.createdAt ?? '' }));
}

async function sourceTags(ctx: StepContext): Promise<string[] | undefined> {
  const recorded = ctx.stateOf(SOURCE_LOGS)?.outputs.sourceTags;
  if (Array.isArray(recorded)) return recorded.map(String);
  try {
    return await ctx.services.getTags(ctx.input.source.nodeSubdomain, ctx.input.source.environment);
  } catch {
    return undefined;
  }
}

async function candidates(ctx: StepContext): Promise<{ items: Candidate[]; notes: string[] }> {
  const { target } = ctx.input;
  const s = ctx.services;
  const items: Candidate[] = [];
  const notes: string[] = [];
  const envId = targetEnvironmentId(ctx);
  for (const snap of await rehearsalSnapshots(ctx)) {
    items.push({
      kind: 'snapshot',
      id: snap.id,
      question: `Delete the rehearsal snapshot ${snap.id} from the target environment?`,
      detail: `Uploaded to ${target.nodeSubdomain}/${target.environment} during a rehearsal (created ${snap.createdAt}); the final backup stays.`,
      remove: () => s.deleteSnapshot(targetProjectId(ctx), envId ?? '', snap.id),
    });
  }
  const pkgId = str(ctx.stateOf(PACKAGE_UPLOAD)?.outputs.packageId);
  if (pkgId) {
    const tempA = await currentAppId(ctx, target.tempAppA.projectId).catch(() => undefined);
    if (tempA && (await s.listPackages(tempA)).some((p) => p.packageId === pkgId)) {
      items.push({
        kind: 'package',
        id: pkgId,
        question: `Delete the copy of the package on temporary app A ("${target.tempAppA.name}")?`,
        detail: `Package ${pkgId} was uploaded to ${tempA} to prepare the target; the app now runs its own package.`,
        remove: () => s.deletePackage(tempA, pkgId),
      });
    } else if (!tempA) {
      notes.push(
        `Temporary app A ("${target.tempAppA.name}") is linked to no node any more, so no API reaches its copy of the package (${pkgId}): delete the app in the portal when you no longer need it.`,
      );
    }
  }
  const src = await sourceTags(ctx);
  if (src) {
    const have = new Set(src);
    const targetAppId = await relinkedAppId(ctx);
    for (const tag of (await s.getTags(targetAppId, target.environment)).filter((t) => !have.has(t))) {
      items.push({
        kind: 'tag',
        id: tag,
        question: `Remove the tag "${tag}" from the target environment?`,
        detail: `The source environment did not have it.`,
        remove: () => s.removeTag(targetAppId, target.environment, tag),
      });
    }
  } else {
    notes.push("The source's tags could not be read, so no tag is offered for removal.");
  }
  return { items, notes };
}

async function stillThere(ctx: StepContext, d: Decision): Promise<boolean> {
  const { target } = ctx.input;
  if (d.kind === 'tag') return (await ctx.services.getTags(await relinkedAppId(ctx), target.environment)).includes(d.id);
  if (d.kind === 'snapshot') {
    const envId = targetEnvironmentId(ctx);
    return envId ? (await ctx.services.listSnapshots(targetProjectId(ctx), envId)).some((x) => x.snapshotId === d.id) : false;
  }
  const tempA = await currentAppId(ctx, target.tempAppA.projectId).catch(() => undefined);
  return tempA ? (await ctx.services.listPackages(tempA)).some((p) => p.packageId === d.id) : false;
}

export function cleanupSteps(): StepDefinition[] {
  return [cleanupStep()];
}

function cleanupStep(): StepDefinition {
  return {
    id: CLEANUP,
    phase: 'offboard',
    title: 'Clean up what the migration created (optional)',
    kind: 'api',
    dependsOn: [REDEPLOY, SOURCE_LOGS],
    describe:
      'Offers to delete the rehearsal snapshots uploaded to the target, the package copy on temporary app A and tags the target has that the source did not — each only after you say yes, each answer recorded in the journal. Nothing is removed when nobody can be asked.',
    isDone: (ctx) => Promise.resolve(ctx.state().outputs.finished === true || ctx.state().confirmation?.method === 'person'),
    run: async (ctx) => {
      const done = decisions(ctx);
      const { items, notes } = await candidates(ctx);
      for (const c of items) {
        if (done.some((d) => d.kind === c.kind && d.id === c.id && d.decision !== 'not asked')) continue;
        const answer = await ctx.prompt.confirm(c.question, c.detail);
        if (answer === true) await c.remove();
        const d: Decision = { kind: c.kind, id: c.id, decision: answer === true ? 'removed' : answer === false ? 'kept' : 'not asked', by: ctx.prompt.person, at: isoNow(ctx.clock) };
        const next = [...done.filter((x) => !(x.kind === c.kind && x.id === c.id)), d];
        done.splice(0, done.length, ...next);
        await ctx.setOutputs({ decisions: next.map((x): JsonObject => ({ ...x })) });
        ctx.log.info(`clean-up: ${c.kind} ${c.id} ${d.decision}${answer === undefined ? '' : ` by ${d.by}`}`);
      }
      await ctx.setOutputs({ notes, finished: true, offered: items.length });
    },
    verify: async (ctx) => {
      const c = ctx.state().confirmation;
      if (c?.method === 'person' && ctx.state().outputs.finished !== true) return { ok: true, detail: `clean-up skipped (confirmed by ${c.by})` };
      const ds = decisions(ctx);
      const removed = ds.filter((d) => d.decision === 'removed');
      const left: string[] = [];
      for (const d of removed) if (await stillThere(ctx, d)) left.push(`${d.kind} ${d.id}`);
      if (left.length > 0) return { ok: false, detail: `still there after removal: ${left.join(', ')}` };
      const kept = ds.length - removed.length;
      return { ok: true, detail: ds.length === 0 ? 'nothing to clean up' : `${removed.length} removed (checked through the API), ${kept} kept` };
    },
  };
}
