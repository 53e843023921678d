/**
 * Guide step 15: download and verify every backup the person chose to keep, then ask Support to
 * offboard the source node — offered only once those backups are on disk and re-verified.
 */
import { RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import type { JsonObject, JsonValue } from '../types';
import { currentAppId, downloadFresh, fileInFolder, jsonObjects, str, type PlanOptions } from './common';
import { archiveOnce } from './backupSteps';
import { CUTOVER_START } from './cutoverSteps';
import { OFFBOARD_BACKUPS, OFFBOARD_REQUEST, personConfirmed, REDEPLOY } from './finishStepIds';

interface KeptBackup {
  snapshotId: string;
  path: string;
  size: number;
  sha256: string;
  verified: boolean;
}

function keptBackupsIn(raw: JsonValue | undefined): KeptBackup[] {
  return jsonObjects(raw).map((x) => ({
    snapshotId: str(x.snapshotId) ?? '',
    path: str(x.path) ?? '',
    size: Number(x.size),
    sha256: str(x.sha256) ?? '',
    verified: x.verified === true,
  }));
}

/** The kept backups recorded by the offboard.backups step (read from any step). */
const keptBackups = (ctx: StepContext): KeptBackup[] => keptBackupsIn(ctx.stateOf(OFFBOARD_BACKUPS)?.outputs.kept);

async function backupsReady(ctx: StepContext, kept: KeptBackup[]): Promise<string[]> {
  const problems: string[] = [];
  const final = ctx.stateOf('cutover.download')?.outputs ?? {};
  const all = [...kept, { snapshotId: 'final', path: str(final.path) ?? '', sha256: str(final.sha256) ?? '', size: Number(final.size ?? NaN), verified: final.verified === true }];
  for (const k of all) {
    const m = k.path ? await ctx.services.readDownloadManifest(k.path) : undefined;
    if (!k.verified) problems.push(`backup ${k.snapshotId} is not verified`);
    else if (!m || m.sha256 !== k.sha256 || m.size !== k.size) problems.push(`backup ${k.snapshotId} at ${k.path} is missing or changed`);
  }
  const wanted = new Set(ctx.input.keepBackups);
  for (const k of kept) wanted.delete(k.snapshotId);
  for (const w of wanted) problems.push(`backup ${w} has not been downloaded`);
  return problems;
}

/** Downloads one kept backup; an archive URL lives 8 hours, so a resumed run past that asks for a fresh archive. */
function downloadKept(ctx: StepContext, opts: PlanOptions, envId: string, snapshotId: string, path: string): Promise<{ size: number; sha256: string }> {
  return downloadFresh(ctx, path, `backup ${snapshotId}:`, async (attempt) => {
    const a = await archiveOnce(ctx, opts, envId, snapshotId, attempt === 0 ? `archive-${snapshotId}` : `archive-${snapshotId}-again${attempt}`);
    return a.url ?? '';
  });
}

async function runOffboardBackups(ctx: StepContext, opts: PlanOptions): Promise<void> {
  const envId = str(ctx.stateOf('cutover.snapshot')?.outputs.environmentId) ?? str(ctx.stateOf('backup.snapshot')?.outputs.environmentId);
  if (!envId) throw new Error('the source environment id is unknown');
  const kept = keptBackups(ctx);
  for (const snapshotId of ctx.input.keepBackups) {
    if (kept.some((k) => k.snapshotId === snapshotId && k.verified)) continue;
    const path = fileInFolder(ctx.input.downloadFolder, `${ctx.input.name}-kept-`, snapshotId, '.tar.gz');
    const r = await downloadKept(ctx, opts, envId, snapshotId, path);
    const check = await ctx.services.verifyBackupArchive(path);
    if (!check.ok) throw new Error(`backup ${snapshotId} is not a valid archive: ${check.detail}`);
    const entry: JsonValue = { snapshotId, path, size: r.size, sha256: r.sha256, verified: true };
    const next = [...kept.filter((k) => k.snapshotId !== snapshotId).map((k): JsonObject => ({ ...k })), entry];
    await ctx.setOutputs({ kept: next });
    kept.splice(0, kept.length, ...keptBackups(ctx));
  }
}

export function offboardBackupsStep(opts: PlanOptions): StepDefinition {
  return {
    id: OFFBOARD_BACKUPS,
    phase: 'offboard',
    title: 'Download and verify every backup to keep',
    kind: 'api',
    dependsOn: [CUTOVER_START],
    describe: 'The source’s backups disappear with the node: every backup you chose to keep is downloaded and verified (size, SHA-256, archive structure) before offboarding.',
    isDone: async (ctx) => (await backupsReady(ctx, keptBackups(ctx))).length === 0,
    run: (ctx) => runOffboardBackups(ctx, opts),
    verify: async (ctx) => {
      const problems = await backupsReady(ctx, keptBackups(ctx));
      return problems.length === 0
        ? { ok: true, detail: `${keptBackups(ctx).length + 1} backup(s) downloaded and verified` }
        : { ok: false, detail: problems.join('; ') };
    },
  };
}

/** Size and recorded checksum, then every byte re-hashed and every archive's structure read again. */
async function reverifyKeptBackups(ctx: StepContext): Promise<{ problems: string[]; files: string[] }> {
  const problems = await backupsReady(ctx, keptBackups(ctx));
  const final = str(ctx.stateOf('cutover.download')?.outputs.path);
  const files = [...keptBackups(ctx).map((k) => k.path), ...(final ? [final] : [])];
  for (const f of problems.length === 0 ? files : []) {
    const hash = await ctx.services.rehashDownload(f, ctx.signal);
    if (!hash.ok) problems.push(`${f}: ${hash.detail}`);
    const structure = await ctx.services.verifyBackupArchive(f);
    if (!structure.ok) problems.push(`${f}: ${structure.detail}`);
  }
  return { problems, files };
}

/** Temporary app B was linked to the source node; once the node is offboarded it is linked to nothing. */
async function nodeGone(ctx: StepContext): Promise<boolean> {
  return (await currentAppId(ctx, ctx.input.target.tempAppB.projectId)) !== ctx.input.source.nodeSubdomain;
}

export function offboardRequestStep(): StepDefinition {
  return {
    id: OFFBOARD_REQUEST,
    phase: 'offboard',
    title: 'Offboard the source node (Support request)',
    kind: 'support',
    dependsOn: [OFFBOARD_BACKUPS, REDEPLOY],
    describe: 'Asks Support to offboard the old node. Offered only once every kept backup is downloaded and verified, because the node’s backups go with it.',
    instructions: (ctx) => ({
      summary: `Ask Mendix Support to offboard node ${ctx.input.source.nodeSubdomain}`,
      actions: ['Send the request below at https://support.mendix.com.', 'Confirm this step when Support has offboarded the node: the engine checks that it is gone.'],
      url: 'https://support.mendix.com',
      requestText: [
        'Hello Mendix Support,',
        '',
        `Our app "${ctx.input.source.name}" (Project ID ${ctx.input.source.projectId}) now runs on node ${ctx.input.target.nodeSubdomain}.`,
        `Please offboard the old node ${ctx.input.source.nodeSubdomain} (currently linked to the temporary app "${ctx.input.target.tempAppB.name}", Project ID ${ctx.input.target.tempAppB.projectId}).`,
        'We have downloaded and verified every backup we need from it.',
      ].join('\n'),
    }),
    isDone: async (ctx) => personConfirmed(ctx) && (await nodeGone(ctx)),
    run: async (ctx) => {
      // Re-checked from disk right before the request is offered (and again at confirmation, in verify).
      const { problems, files } = await reverifyKeptBackups(ctx);
      if (problems.length > 0) throw new RefusedError(`offboarding refused: ${problems.join('; ')}`, 'download and verify the backups again (run step offboard.backups)');
      await ctx.setOutputs({ reverified: files.length });
    },
    verify: async (ctx) => {
      // Every path to offboarding (a run, "Mark Done", `verify --confirm`) passes here at the moment
      // of confirmation: size, SHA-256 of every byte and archive structure of every kept backup.
      const { problems, files } = await reverifyKeptBackups(ctx);
      if (problems.length > 0) return { ok: false, detail: `offboarding refused: ${problems.join('; ')}` };
      return (await nodeGone(ctx))
        ? { ok: true, detail: `node ${ctx.input.source.nodeSubdomain} is offboarded; ${files.length} kept backup(s) re-hashed and verified` }
        : { ok: false, detail: `node ${ctx.input.source.nodeSubdomain} still exists` };
    },
  };
}
