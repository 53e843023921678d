/**
 * The whole `MendixCloud` port: the engine's calls (`ClientMigrationServices`) plus what the Apps tree
 * offers: the account's apps with v4 details, credential-aware environment lists, snapshot pages, and
 * the start/backup/download round trips that wait for their job and report progress.
 */
import { join } from 'node:path';
import { MendixApiError } from './api/errors';
import type { V4Environment } from './api/schemas/deployV4Schemas';
import { ClientMigrationServices, env, snapshot } from './clientAdapter';
import { mergeApps, statusFromV4 } from './mergeApps';
import type {
  BackupDataType,
  CloudApp,
  DownloadResult,
  EnvironmentInfo,
  JobProgress,
  MendixCloud,
  SnapshotInfo,
  SnapshotPage,
  TransferListener,
} from './services';
import { downloadToFile } from './transfer/download';
import type { TransferProgress as MeterProgress } from './transfer/progress';
import type { TransferSnapshot } from '../shared/format';

function fromV4Env(e: V4Environment): EnvironmentInfo {
  return {
    environmentId: e.id,
    mode: e.name,
    status: statusFromV4(e.state),
    url: e.url,
    production: e.isProduction,
    mendixVersion: e.package?.runtimeVersion ?? undefined,
    modelVersion: e.package?.modelVersion ?? undefined,
  };
}

function toSnapshot(p: MeterProgress): TransferSnapshot {
  return { bytes: p.bytes, total: p.total, bytesPerSecond: p.rate, etaSeconds: p.etaSeconds };
}

/** A file name safe on every OS, from parts that come from the service. */
function safeName(name: string): string {
  const printable = [...name].map((c) => (c.charCodeAt(0) < 32 ? '_' : c)).join('');
  return printable.replace(/[\\/:*?"<>|]+/g, '_').slice(0, 180);
}

function stamp(iso: string | undefined): string {
  const d = iso ? new Date(iso) : new Date();
  return Number.isNaN(d.getTime()) ? 'unknown' : d.toISOString().slice(0, 16).replace(/[-:T]/g, '');
}

export class ClientMendixCloud extends ClientMigrationServices implements MendixCloud {
  private get hasApiKey(): boolean {
    return this.c.http.hasFamily('apiKey');
  }

  private get hasPat(): boolean {
    return this.c.http.hasFamily('v4');
  }

  async listAccountApps(opts: { signal?: AbortSignal; onEnriched?: (apps: CloudApp[]) => void } = {}): Promise<CloudApp[]> {
    const { signal, onEnriched } = opts;
    if (!this.hasApiKey) return mergeApps(undefined, this.hasPat ? await this.listV4Apps(signal) : undefined);
    // v1 first: one call for the whole list, while v4 pages through it.
    const v1 = await this.c.v1.listApps({ signal });
    const v4 = this.hasPat ? this.listV4Apps(signal) : Promise.resolve(undefined);
    if (!this.hasPat || !onEnriched) return mergeApps(v1, await v4);
    // v4 pages through every app; show the v1 list now and add regions when v4 is done.
    let settled: Awaited<typeof v4> | null = null;
    const later = v4.then((apps) => (settled = apps));
    await Promise.race([later, Promise.resolve()]);
    if (settled !== null) return mergeApps(v1, settled);
    void later.then((apps) => {
      if (apps) onEnriched(mergeApps(v1, apps));
    });
    return mergeApps(v1, undefined);
  }

  /** v4 only adds region and Technical Contact: with an API key as well, its failure is logged, not fatal. */
  private async listV4Apps(signal?: AbortSignal) {
    try {
      const out = [];
      for await (const a of this.c.v4.iterateApps({ pageSize: 100, signal })) out.push(a);
      return out;
    } catch (e) {
      if (!this.hasApiKey) throw e;
      this.opts.logger?.warn(`Deploy API v4 apps unavailable, regions and Technical Contacts are not shown: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  async listAppEnvironments(app: CloudApp, signal?: AbortSignal): Promise<EnvironmentInfo[]> {
    if (app.generation === 'none') return [];
    if (this.hasApiKey) {
      try {
        return (await this.c.v1.listEnvironments(app.appId, { signal })).map(env);
      } catch (e) {
        if (e instanceof MendixApiError && e.status === 404 && e.errorCode === 'APP_NOT_FOUND') return [];
        throw e;
      }
    }
    return (await this.c.v4.listAllEnvironments(app.projectId, { expandPackage: true, signal })).map(fromV4Env);
  }

  async listSnapshotPage(projectId: string, environmentId: string, offset: number, limit: number, signal?: AbortSignal): Promise<SnapshotPage> {
    const page = await this.c.backups.listSnapshots(projectId, environmentId, { offset, limit, signal });
    return { items: page.snapshots.map(snapshot), total: page.total };
  }

  async startAndWait(appId: string, mode: string, progress: JobProgress, signal: AbortSignal): Promise<void> {
    // AutoSyncDb: a model/database mismatch would otherwise fail the start (INVALID_DB_STRUCTURE).
    const r = await this.c.v1.startEnvironment(appId, mode, { autoSyncDb: true, signal });
    if (r.kind === 'alreadyStarted') return;
    progress('Starting');
    await this.c.jobs.start(appId, mode, r.jobId, {
      signal,
      intervalMs: 1000,
      onProgress: (j, ms) => progress(`${j.Status} (${Math.round(ms / 1000)} s)`),
    });
  }

  async createSnapshotAndWait(projectId: string, environmentId: string, comment: string, progress: JobProgress, signal: AbortSignal): Promise<SnapshotInfo> {
    const created = await this.c.backups.createSnapshot(projectId, environmentId, { comment: comment || undefined, signal });
    progress(created.state);
    const done = await this.c.jobs.snapshot(projectId, environmentId, created.snapshot_id, {
      signal,
      intervalMs: 1000,
      onProgress: (s, ms) => progress(`${s.status_message ?? s.state} (${Math.round(ms / 1000)} s)`),
    });
    return snapshot(done);
  }

  async downloadDeployedPackage(app: CloudApp, e: EnvironmentInfo, folder: string, progress: TransferListener, signal: AbortSignal): Promise<DownloadResult> {
    const p = await this.c.v1.getDeployedPackage(app.appId, e.mode, { url: true, signal });
    if (!p.Url) throw new Error(`The service gave no download URL for the package of ${app.name} ${e.mode}`);
    const r = await downloadToFile({
      url: p.Url.Location,
      dest: join(folder, safeName(p.Name ?? `${app.appId}-${e.mode}-${p.Version ?? p.PackageId}.mda`)),
      label: `package ${p.Name ?? p.PackageId}`,
      expectedSize: p.Size,
      onProgress: (t) => progress(toSnapshot(t)),
      signal,
      logger: this.opts.logger,
      details: { kind: 'package', appId: app.appId, mode: e.mode, packageId: p.PackageId },
      connections: this.opts.connections,
    });
    return { path: r.path, size: r.size, sha256: r.manifest.sha256 };
  }

  async downloadBackup(
    app: CloudApp,
    e: EnvironmentInfo,
    snap: SnapshotInfo,
    dataType: BackupDataType,
    folder: string,
    progress: { job: JobProgress; transfer: TransferListener },
    signal: AbortSignal,
  ): Promise<DownloadResult> {
    const archive = await this.c.backups.createArchive(app.projectId, e.environmentId, snap.snapshotId, dataType, { signal });
    progress.job(archive.state);
    const ready = await this.c.jobs.archive(app.projectId, e.environmentId, snap.snapshotId, archive.archive_id, {
      signal,
      intervalMs: 1000,
      onProgress: (a) => progress.job(a.status_message ?? a.state),
    });
    const ext = dataType === 'database_only' ? 'backup' : 'tar.gz';
    const prefix = dataType === 'database_only' ? 'database' : 'files_and_database';
    const r = await downloadToFile({
      url: ready.url,
      dest: join(folder, safeName(`${prefix}-${app.appId}-${e.mode}-${stamp(snap.createdAt)}.${ext}`)),
      label: `backup ${snap.snapshotId}`,
      onProgress: (t) => progress.transfer(toSnapshot(t)),
      signal,
      logger: this.opts.logger,
      details: { kind: 'backup', appId: app.appId, mode: e.mode, snapshotId: snap.snapshotId, dataType },
      connections: this.opts.connections,
      verifyArchive: true,
    });
    return { path: r.path, size: r.size, sha256: r.manifest.sha256 };
  }
}
