/**
 * Guide steps 5–7, once for the rehearsal (`backup.*`, `restore`) and once for the cutover
 * (`cutover.*`): snapshot the source, prepare a `files_and_database` archive, download and verify it,
 * let a person upload it to the target in the portal (proved by the new snapshot the API then lists),
 * and restore it through the Backups API into the stopped target.
 */
import { isoNow } from '../../shared/clock';
import type { ArchiveInfo, SnapshotInfo } from '../../mendix/services';
import { DownloadUrlExpiredError } from '../../mendix/transfer/transferErrors';
import { NeedsPersonError, RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import { callOutcome } from '../callOutcome';
import { callUnderIntent, downloadFresh, fileInFolder, findEnvironment, num, poll, sourceEnvironment, stopAndWait, str, targetEnvironment, targetProjectId, type PlanOptions } from './common';

/** Archive URLs stay valid this long after the archive completed. */
const ARCHIVE_URL_LIFETIME_MS = 8 * 3600_000;

export interface BackupStepIds {
  snapshot: string;
  archive: string;
  download: string;
  upload: string;
  restore: string;
}

export function backupStepIds(prefix: 'backup' | 'cutover'): BackupStepIds {
  return prefix === 'backup'
    ? { snapshot: 'backup.snapshot', archive: 'backup.archive', download: 'backup.download', upload: 'backup.upload', restore: 'restore' }
    : { snapshot: 'cutover.snapshot', archive: 'cutover.archive', download: 'cutover.download', upload: 'cutover.upload', restore: 'cutover.restore' };
}

const failedState = (s: { state: string; statusMessage?: string | null }): string | undefined =>
  s.state === 'failed' ? (s.statusMessage ?? 'failed') : undefined;

async function waitSnapshot(ctx: StepContext, opts: PlanOptions, envId: string, id: string): Promise<SnapshotInfo> {
  const { projectId } = ctx.input.source;
  return poll(ctx, opts, 'the backup snapshot', () => ctx.services.getSnapshot(projectId, envId, id), (s) => s.state === 'completed', failedState);
}

async function waitArchive(ctx: StepContext, opts: PlanOptions, envId: string, snapshotId: string, archiveId: string): Promise<ArchiveInfo> {
  const { projectId } = ctx.input.source;
  return poll(ctx, opts, 'the backup archive', () => ctx.services.getArchive(projectId, envId, snapshotId, archiveId), (a) => a.state === 'completed', (a) =>
    a.state === 'failed' ? 'archive preparation failed' : undefined,
  );
}

/** Requests an archive of a snapshot (intent first) and waits for it; returns the completed archive. */
export async function requestArchive(ctx: StepContext, opts: PlanOptions, envId: string, snapshotId: string, intent: string): Promise<ArchiveInfo> {
  // No API lists a snapshot's archives, so an earlier request whose answer was lost cannot be looked
  // up. Asking again only prepares another download (no data changes); the journal says so.
  for (let attempt = 0; ; attempt++) {
    const lost = ctx.unresolvedIntent(intent) !== undefined;
    try {
      const a = await callUnderIntent(ctx, intent, lost ? { snapshotId, afterLostAnswer: true } : { snapshotId }, () => ctx.services.createArchive(ctx.input.source.projectId, envId, snapshotId), (x) => ({
        [`${intent}Id`]: x.archiveId,
      }));
      return await waitArchive(ctx, opts, envId, snapshotId, a.archiveId);
    } catch (e) {
      if (callOutcome(e) !== 'unknown' || attempt >= 1) throw e;
      ctx.log.warn('the answer to the archive request was lost; no API lists archives, so it is requested again');
    }
  }
}

/**
 * The completed archive of a snapshot for this step: reuses the archive an earlier attempt already
 * requested (its id is in the outputs), so a resumed download never asks for a second one.
 */
export async function archiveOnce(ctx: StepContext, opts: PlanOptions, envId: string, snapshotId: string, intent: string): Promise<ArchiveInfo> {
  const known = str(ctx.state().outputs[`${intent}Id`]);
  return known ? waitArchive(ctx, opts, envId, snapshotId, known) : requestArchive(ctx, opts, envId, snapshotId, intent);
}

/** One round of backup steps: the rehearsal (`backup.*`, `restore`) or the cutover (`cutover.*`). */
interface BackupRound {
  ids: BackupStepIds;
  final: boolean;
  label: 'final' | 'rehearsal';
  window: { cutoverWindow?: true };
  opts: PlanOptions;
}

const out = (ctx: StepContext, id: string) => ctx.stateOf(id)?.outputs ?? {};

export function backupSteps(prefix: 'backup' | 'cutover', opts: PlanOptions): StepDefinition[] {
  const final = prefix === 'cutover';
  const round: BackupRound = { ids: backupStepIds(prefix), final, label: final ? 'final' : 'rehearsal', window: final ? { cutoverWindow: true } : {}, opts };
  return [snapshotStep(round), archiveStep(round), downloadStep(round), uploadStep(round), restoreStep(round)];
}

/** The snapshot this step asked for: by its id, by the open intent's comment after a crash, or a new one. */
async function takeSnapshot(ctx: StepContext, label: string, environmentId: string): Promise<string> {
  const { projectId } = ctx.input.source;
  const id = str(ctx.state().outputs.snapshotId);
  if (id) return id;
  const pending = ctx.unresolvedIntent('snapshot');
  if (pending) {
    const comment = str(pending.details?.comment);
    const found = (await ctx.services.listSnapshots(projectId, environmentId)).find((s) => s.comment === comment);
    if (found) {
      await ctx.resolveIntent('snapshot', { snapshotId: found.snapshotId, foundAfterRestart: true }, 'observed');
      return found.snapshotId;
    }
  }
  // A unique comment lets a resumed run find this snapshot instead of creating another.
  const comment = `mendix-migrate ${ctx.input.name} ${label} ${isoNow(ctx.clock)}`;
  try {
    const s = await callUnderIntent(ctx, 'snapshot', { comment }, () => ctx.services.createSnapshot(projectId, environmentId, comment), (x) => ({
      snapshotId: x.snapshotId,
      comment,
    }));
    return s.snapshotId;
  } catch (e) {
    if (callOutcome(e) !== 'unknown') throw e;
    // The answer was lost: look the snapshot up by its comment now (the intent stays open if it is not there).
    const found = (await ctx.services.listSnapshots(projectId, environmentId)).find((x) => x.comment === comment);
    if (!found) throw e;
    await ctx.resolveIntent('snapshot', { snapshotId: found.snapshotId, comment, foundAfterLostAnswer: true }, 'observed');
    return found.snapshotId;
  }
}

function snapshotStep({ ids, final, label, window, opts }: BackupRound): StepDefinition {
  return {
    id: ids.snapshot,
    phase: final ? 'cutover' : 'backup',
    title: final ? 'Take the final backup of the stopped source' : 'Back up the source (rehearsal)',
    kind: 'api',
    dependsOn: final ? ['cutover.stop-source'] : ['preflight'],
    describe: final
      ? 'Creates the final snapshot only after the source is stopped, so no data written before the freeze is lost; it is refused while the source runs.'
      : 'Creates a snapshot of the source environment to rehearse the data transfer. The source keeps running.',
    ...window,
    isDone: async (ctx) => {
      const id = str(ctx.state().outputs.snapshotId);
      if (!id) return false;
      const env = await sourceEnvironment(ctx);
      return (await ctx.services.getSnapshot(ctx.input.source.projectId, env.environmentId, id)).state === 'completed';
    },
    run: async (ctx) => {
      const env = await sourceEnvironment(ctx);
      if (final && env.status === 'Running') {
        throw new RefusedError('the final backup is refused while the source runs: data written after it would be lost', 'stop the source first (step cutover.stop-source)');
      }
      // Written before anything else: "already done" must imply every output later steps read.
      if (str(ctx.state().outputs.environmentId) !== env.environmentId) await ctx.setOutputs({ environmentId: env.environmentId });
      const id = await takeSnapshot(ctx, label, env.environmentId);
      const done = await waitSnapshot(ctx, opts, env.environmentId, id);
      await ctx.setOutputs({ modelVersion: done.modelVersion ?? null, finishedAt: done.finishedAt ?? null });
    },
    verify: async (ctx) => {
      const id = str(ctx.state().outputs.snapshotId) ?? '';
      const env = await sourceEnvironment(ctx);
      const s = await ctx.services.getSnapshot(ctx.input.source.projectId, env.environmentId, id);
      if (final && env.status === 'Running') return { ok: false, detail: 'the source runs again: the final backup no longer covers all data' };
      return { ok: s.state === 'completed', detail: `snapshot ${id} is ${s.state}` };
    },
  };
}

function archiveStep({ ids, final, label, window, opts }: BackupRound): StepDefinition {
  return {
    id: ids.archive,
    phase: final ? 'cutover' : 'backup',
    title: `Prepare the ${label} backup archive`,
    kind: 'api',
    dependsOn: [ids.snapshot],
    describe: 'Asks the Backups API for a files_and_database archive of the snapshot and waits until it can be downloaded.',
    ...window,
    isDone: async (ctx) => {
      const archiveId = str(ctx.state().outputs.archiveId);
      const snapshotId = str(out(ctx, ids.snapshot).snapshotId);
      const envId = str(out(ctx, ids.snapshot).environmentId);
      if (!archiveId || !snapshotId || !envId) return false;
      return (await ctx.services.getArchive(ctx.input.source.projectId, envId, snapshotId, archiveId)).state === 'completed';
    },
    run: async (ctx) => {
      const snapshotId = str(out(ctx, ids.snapshot).snapshotId);
      const envId = str(out(ctx, ids.snapshot).environmentId);
      if (!snapshotId || !envId) throw new Error('no snapshot to archive');
      const existing = str(ctx.state().outputs.archiveId);
      const a = existing ? await waitArchive(ctx, opts, envId, snapshotId, existing) : await requestArchive(ctx, opts, envId, snapshotId, 'archive');
      await ctx.setOutputs({ finishedAt: a.finishedAt ?? isoNow(ctx.clock) });
    },
    verify: async (ctx) => {
      const o = ctx.state().outputs;
      const so = out(ctx, ids.snapshot);
      const a = await ctx.services.getArchive(ctx.input.source.projectId, str(so.environmentId) ?? '', str(so.snapshotId) ?? '', str(o.archiveId) ?? '');
      return { ok: a.state === 'completed', detail: `archive ${a.archiveId} is ${a.state}` };
    },
  };
}

async function fileIntact(ctx: StepContext): Promise<boolean> {
  const o = ctx.state().outputs;
  const path = str(o.path);
  if (!path || !str(o.sha256) || o.verified !== true) return false;
  const m = await ctx.services.readDownloadManifest(path);
  return m !== undefined && m.sha256 === o.sha256;
}

/** Downloads the archive to `path`; an archive whose URL has expired is requested afresh (twice at most). */
async function downloadArchive(ctx: StepContext, opts: PlanOptions, where: { envId: string; snapshotId: string; archiveId: string }, path: string): Promise<void> {
  const { envId, snapshotId } = where;
  let archiveId = where.archiveId;
  const r = await downloadFresh(ctx, path, 'backup', async (attempt) => {
    if (attempt > 0) {
      ctx.log.info('archive URL expired: requesting a fresh archive');
      archiveId = (await requestArchive(ctx, opts, envId, snapshotId, `rearchive${attempt}`)).archiveId;
      await ctx.setOutputs({ archiveId });
    }
    const a = await ctx.services.getArchive(ctx.input.source.projectId, envId, snapshotId, archiveId);
    const finished = a.finishedAt ? Date.parse(a.finishedAt) : NaN;
    const expired = !a.url || (!Number.isNaN(finished) && ctx.clock.now() - finished > ARCHIVE_URL_LIFETIME_MS);
    if (expired) throw new DownloadUrlExpiredError(`archive ${archiveId}`, 'it completed more than 8 hours ago');
    return a.url ?? '';
  });
  await ctx.setOutputs({ size: r.size, sha256: r.sha256 });
}

function downloadStep({ ids, final, label, window, opts }: BackupRound): StepDefinition {
  return {
    id: ids.download,
    phase: final ? 'cutover' : 'backup',
    title: `Download and verify the ${label} backup`,
    kind: 'api',
    dependsOn: [ids.archive],
    describe:
      'Downloads the archive (resumable, SHA-256 recorded) and checks its structure: .metadata, a PostgreSQL custom-format dump, files only under tree/. An expired archive URL is re-requested.',
    ...window,
    isDone: fileIntact,
    run: async (ctx) => {
      const so = out(ctx, ids.snapshot);
      const envId = str(so.environmentId);
      const snapshotId = str(so.snapshotId);
      const archiveId = str(ctx.state().outputs.archiveId) ?? str(out(ctx, ids.archive).archiveId);
      if (!envId || !snapshotId || !archiveId) throw new Error('no archive to download');
      // The snapshot id comes from an API answer: sanitised so the file stays inside the folder.
      const path = fileInFolder(ctx.input.downloadFolder, `${ctx.input.name}-${label}-files_and_database-`, snapshotId, '.tar.gz');
      await ctx.setOutputs({ path });
      await downloadArchive(ctx, opts, { envId, snapshotId, archiveId }, path);
      const check = await ctx.services.verifyBackupArchive(path);
      if (!check.ok) throw new Error(`the downloaded backup is not a valid archive: ${check.detail}`);
      await ctx.setOutputs({ verified: true, modelVersion: check.modelVersion ?? null });
    },
    verify: async (ctx) => {
      const o = ctx.state().outputs;
      if (!(await fileIntact(ctx))) return { ok: false, detail: 'the backup file is missing, changed or not verified' };
      const check = await ctx.services.verifyBackupArchive(str(o.path) ?? '');
      return check.ok ? { ok: true, detail: `backup ${num(o.size) ?? '?'} bytes verified (${check.detail})`, check: 'SHA-256 + archive' } : { ok: false, detail: check.detail };
    },
  };
}

async function findUploaded(ctx: StepContext): Promise<SnapshotInfo | undefined> {
  const baseline = ctx.state().outputs.baseline;
  if (!Array.isArray(baseline)) return undefined;
  const known = new Set(baseline.map(String));
  const env = await targetEnvironment(ctx);
  const snaps = await ctx.services.listSnapshots(targetProjectId(ctx), env.environmentId);
  return snaps.find((s) => !known.has(s.snapshotId) && s.state === 'completed');
}

function uploadStep({ ids, final, label, window }: BackupRound): StepDefinition {
  return {
    id: ids.upload,
    phase: final ? 'cutover' : 'restore',
    title: `Upload the ${label} backup to the target (portal)`,
    kind: 'portal',
    dependsOn: final ? [ids.download] : [ids.download, 'target.prepare'],
    describe:
      'No API accepts a backup upload, so a person uploads the downloaded archive in the portal; the engine then sees it as a new snapshot of the target environment.',
    ...window,
    instructions: async (ctx) => {
      const file = str(out(ctx, ids.download).path) ?? '';
      const env = await targetEnvironment(ctx);
      return {
        summary: `Upload ${file} to the ${ctx.input.target.environment} environment on node ${ctx.input.target.nodeSubdomain}`,
        actions: [
          `Open the portal and select the app "${ctx.input.target.tempAppA.name}" (linked to node ${ctx.input.target.nodeSubdomain}).`,
          `Go to Backups, choose the ${env.mode} environment, click Upload Archive and pick the file.`,
          'Choose "Full Snapshot" (database and files) and wait until the upload shows as completed.',
          'Then press "Mark Done" on this step (or run the migration again): the engine checks that the snapshot appeared.',
        ],
        url: `${ctx.input.portalUrl.replace(/\/+$/, '')}/link/deploy/${targetProjectId(ctx)}`,
        file,
      };
    },
    run: async (ctx) => {
      if (Array.isArray(ctx.state().outputs.baseline)) return;
      const env = await targetEnvironment(ctx);
      const snaps = await ctx.services.listSnapshots(targetProjectId(ctx), env.environmentId);
      await ctx.setOutputs({ baseline: snaps.map((s) => s.snapshotId), targetEnvironmentId: env.environmentId });
    },
    isDone: async (ctx) => {
      const s = await findUploaded(ctx);
      if (!s) return false;
      if (str(ctx.state().outputs.uploadedSnapshotId) !== s.snapshotId) await ctx.setOutputs({ uploadedSnapshotId: s.snapshotId });
      return true;
    },
    verify: async (ctx) => {
      const s = await findUploaded(ctx);
      return s ? { ok: true, detail: `the target lists the uploaded snapshot ${s.snapshotId} (${s.statusMessage ?? s.state})` } : { ok: false, detail: 'no new completed snapshot on the target environment yet' };
    },
  };
}

/** No API lists restores: after a lost answer a person must look before anything is restored again. */
function askAboutLostRestore(ctx: StepContext, snapshotId: string): NeedsPersonError {
  const { target } = ctx.input;
  return new NeedsPersonError({
    summary: 'A restore was requested but its answer was lost; check whether it ran before restoring again',
    actions: [
      `In the portal, open Backups of ${target.environment} on node ${target.nodeSubdomain} and look at the latest restore (of snapshot ${snapshotId}).`,
      'If it completed, confirm this step ("Mark Done" in the panel, or `mendix-migrate verify --step <id> --confirm`).',
      'If none ran, restore the uploaded snapshot there (Backups → Restore), wait until it completes, then confirm this step.',
    ],
    url: ctx.input.portalUrl,
  });
}

async function runRestore(ctx: StepContext, opts: PlanOptions, uploadStepId: string): Promise<void> {
  const { target } = ctx.input;
  const snapshotId = str(out(ctx, uploadStepId).uploadedSnapshotId);
  if (!snapshotId) throw new Error('no uploaded snapshot to restore');
  let restoreId = str(ctx.state().outputs.restoreId);
  if (!restoreId && ctx.unresolvedIntent('restore')) throw askAboutLostRestore(ctx, snapshotId);
  const env = await targetEnvironment(ctx);
  if (!restoreId) {
    await stopAndWait(ctx, opts, target.nodeSubdomain, target.environment);
    try {
      const r = await callUnderIntent(ctx, 'restore', { snapshotId }, () => ctx.services.createRestore(targetProjectId(ctx), env.environmentId, snapshotId), (x) => ({ restoreId: x.restoreId }));
      restoreId = r.restoreId;
    } catch (e) {
      throw callOutcome(e) === 'unknown' ? askAboutLostRestore(ctx, snapshotId) : e;
    }
  }
  const id = restoreId;
  await poll(ctx, opts, 'the restore', () => ctx.services.getRestore(targetProjectId(ctx), env.environmentId, id), (r) => r.state === 'completed', failedState);
}

function restoreStep({ ids, final, label, window, opts }: BackupRound): StepDefinition {
  return {
    id: ids.restore,
    phase: final ? 'cutover' : 'restore',
    title: `Restore the ${label} backup on the target`,
    kind: 'api',
    dependsOn: [ids.upload],
    describe: 'Restores the uploaded snapshot into the target environment through the Backups API (the environment is stopped first, as a restore requires).',
    ...window,
    isDone: async (ctx) => {
      const id = str(ctx.state().outputs.restoreId);
      if (!id) return false;
      const env = await targetEnvironment(ctx);
      return (await ctx.services.getRestore(targetProjectId(ctx), env.environmentId, id)).state === 'completed';
    },
    run: (ctx) => runRestore(ctx, opts, ids.upload),
    verify: async (ctx) => {
      const id = str(ctx.state().outputs.restoreId);
      if (!id) {
        const c = ctx.state().confirmation;
        return c ? { ok: true, detail: `restore confirmed by ${c.by}`, basis: 'person' } : { ok: false, detail: 'no restore recorded' };
      }
      const env = await targetEnvironment(ctx);
      const r = await ctx.services.getRestore(targetProjectId(ctx), env.environmentId, id);
      const te = await findEnvironment(ctx, ctx.input.target.nodeSubdomain, ctx.input.target.environment);
      return { ok: r.state === 'completed', detail: `restore ${id} is ${r.state}; target is ${te.status}` };
    },
  };
}
