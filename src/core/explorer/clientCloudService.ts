/** The explorer's CloudService over the shared Mendix API client (one client per account). */
import { join } from 'node:path';
import type { MendixClient } from '../api/mendixClient';
import { MendixApiError } from '../api/errors';
import type { V1Environment } from '../api/schemas/deployV1Schemas';
import type { V4Environment } from '../api/schemas/deployV4Schemas';
import type { Snapshot as ApiSnapshot } from '../api/schemas/backupsSchemas';
import { downloadToFile } from '../transfer/download';
import type { TransferProgress as ApiTransferProgress } from '../transfer/progress';
import type { Logger } from '../util/logger';
import type { BackupDataType, CloudService, DownloadResult, JobProgress, TransferProgress } from './cloudService';
import type { TransferSnapshot } from './format';
import { mergeApps, normaliseStatus } from './mergeApps';
import type { CloudApp, CloudEnvironment, DeployedPackage, EnvironmentSettings, Snapshot, SnapshotPage } from './model';

function fromV1Env(e: V1Environment): CloudEnvironment {
  return {
    environmentId: e.EnvironmentId,
    mode: e.Mode,
    status: normaliseStatus(e.Status),
    url: e.Url ?? undefined,
    production: e.Production,
    mendixVersion: e.MendixVersion ?? undefined,
    modelVersion: e.ModelVersion ?? undefined,
  };
}

function fromV4Env(e: V4Environment): CloudEnvironment {
  return {
    environmentId: e.id,
    mode: e.name,
    status: normaliseStatus(e.state),
    url: e.url,
    production: e.isProduction,
    mendixVersion: e.package?.runtimeVersion ?? undefined,
    modelVersion: e.package?.modelVersion ?? undefined,
  };
}

function fromApiSnapshot(s: ApiSnapshot): Snapshot {
  return {
    snapshotId: s.snapshot_id,
    state: s.state,
    createdAt: s.created_at ?? undefined,
    finishedAt: s.finished_at ?? undefined,
    expiresAt: s.expires_at ?? undefined,
    comment: s.comment ?? undefined,
    modelVersion: s.model_version ?? undefined,
    statusMessage: s.status_message ?? undefined,
  };
}

function toSnapshot(p: ApiTransferProgress): TransferSnapshot {
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

export class ClientCloudService implements CloudService {
  constructor(
    private readonly client: MendixClient,
    private readonly log: Logger,
    /** Connections per download (read at each download, so a settings change applies to the next one). */
    private readonly connections: () => number | undefined = () => undefined,
  ) {}

  private get hasApiKey(): boolean {
    return this.client.http.hasFamily('apiKey');
  }

  private get hasPat(): boolean {
    return this.client.http.hasFamily('v4');
  }

  async listApps(signal?: AbortSignal, onEnriched?: (apps: CloudApp[]) => void): Promise<CloudApp[]> {
    if (!this.hasApiKey) return mergeApps(undefined, this.hasPat ? await this.listV4Apps(signal) : undefined);
    // v1 first: one call for the whole list, while v4 pages through it.
    const v1 = await this.client.v1.listApps({ signal });
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
      for await (const a of this.client.v4.iterateApps({ pageSize: 100, signal })) out.push(a);
      return out;
    } catch (e) {
      if (!this.hasApiKey) throw e;
      this.log.warn(`Deploy API v4 apps unavailable, regions and Technical Contacts are not shown: ${e instanceof Error ? e.message : String(e)}`);
      return undefined;
    }
  }

  async listEnvironments(app: CloudApp, signal?: AbortSignal): Promise<CloudEnvironment[]> {
    if (app.generation === 'none') return [];
    if (this.hasApiKey) {
      try {
        return (await this.client.v1.listEnvironments(app.appId, { signal })).map(fromV1Env);
      } catch (e) {
        if (e instanceof MendixApiError && e.status === 404 && e.errorCode === 'APP_NOT_FOUND') return [];
        throw e;
      }
    }
    return (await this.client.v4.listAllEnvironments(app.projectId, { expandPackage: true, signal })).map(fromV4Env);
  }

  async getDeployedPackage(app: CloudApp, env: CloudEnvironment, signal?: AbortSignal): Promise<DeployedPackage | undefined> {
    if (env.status === 'empty') return undefined;
    try {
      const p = await this.client.v1.getDeployedPackage(app.appId, env.mode, { signal });
      return { packageId: p.PackageId, name: p.Name ?? p.PackageId, version: p.Version, creationDate: p.CreationDate, sizeBytes: p.Size, status: p.Status };
    } catch (e) {
      if (e instanceof MendixApiError && e.status === 404) return undefined;
      throw e;
    }
  }

  async listSnapshots(app: CloudApp, env: CloudEnvironment, offset: number, limit: number, signal?: AbortSignal): Promise<SnapshotPage> {
    const page = await this.client.backups.listSnapshots(app.projectId, env.environmentId, { offset, limit, signal });
    return { items: page.snapshots.map(fromApiSnapshot), total: page.total };
  }

  async getSettings(app: CloudApp, env: CloudEnvironment, signal?: AbortSignal): Promise<EnvironmentSettings> {
    const s = await this.client.v1.getSettings(app.appId, env.mode, { signal });
    return {
      constants: s.Constants.map((c) => ({ name: c.Name, dataType: c.DataType ?? undefined, value: c.Value ?? '', deployedValue: c.DeployedValue ?? undefined })),
      scheduledEvents: s.ScheduledEvents.map((e) => ({ name: e.Name, value: e.Value, deployedValue: e.DeployedValue ?? undefined })),
      customSettings: s.CustomSettings.map((c) => ({ name: c.Name, value: c.Value ?? '' })),
    };
  }

  async startEnvironment(app: CloudApp, env: CloudEnvironment, progress: JobProgress, signal: AbortSignal): Promise<void> {
    // AutoSyncDb: a model/database mismatch would otherwise fail the start (INVALID_DB_STRUCTURE).
    const r = await this.client.v1.startEnvironment(app.appId, env.mode, { autoSyncDb: true, signal });
    if (r.kind === 'alreadyStarted') return;
    progress('Starting');
    await this.client.jobs.start(app.appId, env.mode, r.jobId, {
      signal,
      intervalMs: 1000,
      onProgress: (j, ms) => progress(`${j.Status} (${Math.round(ms / 1000)} s)`),
    });
  }

  async stopEnvironment(app: CloudApp, env: CloudEnvironment, signal: AbortSignal): Promise<void> {
    await this.client.v1.stopEnvironment(app.appId, env.mode, { signal });
  }

  async createSnapshot(app: CloudApp, env: CloudEnvironment, comment: string, progress: JobProgress, signal: AbortSignal): Promise<Snapshot> {
    const created = await this.client.backups.createSnapshot(app.projectId, env.environmentId, { comment: comment || undefined, signal });
    progress(created.state);
    const done = await this.client.jobs.snapshot(app.projectId, env.environmentId, created.snapshot_id, {
      signal,
      intervalMs: 1000,
      onProgress: (s, ms) => progress(`${s.status_message ?? s.state} (${Math.round(ms / 1000)} s)`),
    });
    return fromApiSnapshot(done);
  }

  async downloadDeployedPackage(app: CloudApp, env: CloudEnvironment, folder: string, progress: TransferProgress, signal: AbortSignal): Promise<DownloadResult> {
    const p = await this.client.v1.getDeployedPackage(app.appId, env.mode, { url: true, signal });
    if (!p.Url) throw new Error(`The service gave no download URL for the package of ${app.name} ${env.mode}`);
    const dest = join(folder, safeName(p.Name ?? `${app.appId}-${env.mode}-${p.Version ?? p.PackageId}.mda`));
    const r = await downloadToFile({
      url: p.Url.Location,
      dest,
      label: `package ${p.Name ?? p.PackageId}`,
      expectedSize: p.Size,
      onProgress: (t) => progress(toSnapshot(t)),
      signal,
      logger: this.log,
      details: { kind: 'package', appId: app.appId, mode: env.mode, packageId: p.PackageId },
      connections: this.connections(),
    });
    return { file: r.path, bytes: r.size };
  }

  async downloadBackup(
    app: CloudApp,
    env: CloudEnvironment,
    snapshot: Snapshot,
    dataType: BackupDataType,
    folder: string,
    progress: { job: JobProgress; transfer: TransferProgress },
    signal: AbortSignal,
  ): Promise<DownloadResult> {
    const archive = await this.client.backups.createArchive(app.projectId, env.environmentId, snapshot.snapshotId, dataType, { signal });
    progress.job(archive.state);
    const ready = await this.client.jobs.archive(app.projectId, env.environmentId, snapshot.snapshotId, archive.archive_id, {
      signal,
      intervalMs: 1000,
      onProgress: (a) => progress.job(a.status_message ?? a.state),
    });
    const ext = dataType === 'database_only' ? 'backup' : 'tar.gz';
    const prefix = dataType === 'database_only' ? 'database' : 'files_and_database';
    const dest = join(folder, safeName(`${prefix}-${app.appId}-${env.mode}-${stamp(snapshot.createdAt)}.${ext}`));
    const r = await downloadToFile({
      url: ready.url,
      dest,
      label: `backup ${snapshot.snapshotId}`,
      onProgress: (t) => progress.transfer(toSnapshot(t)),
      signal,
      logger: this.log,
      details: { kind: 'backup', appId: app.appId, mode: env.mode, snapshotId: snapshot.snapshotId, dataType },
      connections: this.connections(),
      verifyArchive: true,
    });
    return { file: r.path, bytes: r.size };
  }
}
