/**
 * `MigrationServices` over the shared Mendix API client and transfer helpers: maps the client's
 * wire vocabulary (v1 `AppId`/`Mode`, Backups v2 snake_case, v4 camelCase) to the engine's port, and
 * a full disk to `DiskFullError` (transfer errors otherwise pass through as they are). Nothing here retries on its own: the
 * client already retries what is safe and never repeats a non-idempotent call.
 */
import { mkdir, stat, statfs } from 'node:fs/promises';
import { dirname } from 'node:path';
import axios from 'axios';
import type { MendixClient } from './api/mendixClient';
import { MendixApiError } from './api/errors';
import { downloadToFile } from './transfer/download';
import { uploadPackageFile } from './transfer/packageUpload';
import { readManifest, verifyAgainstManifest } from './transfer/manifest';
import { DiskFullError, isDiskFull, UnsupportedUrlError } from './transfer/transferErrors';
import { verifyBackupArchive, type BackupArchiveReport } from './transfer/verifyBackupArchive';
import type { Logger } from '../shared/logger';
import {
  type AppSummary,
  type ArchiveCheck,
  type ArchiveInfo,
  type DomainCheck,
  type DownloadResult,
  type EnvironmentInfo,
  type EnvironmentSettings,
  type MigrationServices,
  type PackageInfo,
  type PermissionsInfo,
  type RestoreInfo,
  type SnapshotInfo,
  type TransferOptions,
  type UploadJobStatus,
  type V4App,
  type V4Environment,
} from './services';
import type { V1Environment } from './api/schemas/deployV1Schemas';
import type { Archive, Restore, Snapshot } from './api/schemas/backupsSchemas';

export interface ClientAdapterOptions {
  client: MendixClient;
  /** The API key's user name (node permissions are looked up for it). */
  username: string;
  logger?: Logger;
  /** Replaces the HTTP check of an app URL (tests, or hosts that cannot reach the app). */
  httpCheck?: (url: string) => Promise<{ ok: boolean; status: number; detail: string }>;
  /** Custom-domain DNS check (see `dnsDomainCheck`); without it domain steps rely on confirmation. */
  checkCustomDomain?: (domain: string, target?: { host: string }) => Promise<DomainCheck>;
  /** Connections per download when the server honours ranges (default 8; 1 = one stream). */
  connections?: number;
}

/** Backups (`.tar.gz`, or a database-only `.backup`) are checked in the same read that hashes them. */
const BACKUP_FILE = /\.(tar\.gz|backup)$/i;

export const env = (e: V1Environment): EnvironmentInfo => ({
  environmentId: e.EnvironmentId,
  mode: e.Mode,
  status: e.Status,
  url: e.Url ?? '',
  modelVersion: e.ModelVersion ?? undefined,
  mendixVersion: e.MendixVersion ?? undefined,
  production: e.Production,
});

export const snapshot = (s: Snapshot): SnapshotInfo => ({
  snapshotId: s.snapshot_id,
  state: s.state,
  comment: s.comment ?? undefined,
  createdAt: s.created_at ?? undefined,
  finishedAt: s.finished_at ?? undefined,
  expiresAt: s.expires_at ?? undefined,
  statusMessage: s.status_message ?? undefined,
  modelVersion: s.model_version ?? undefined,
});

const archive = (a: Archive, snapshotId: string): ArchiveInfo => ({
  archiveId: a.archive_id,
  snapshotId: a.snapshot_id ?? snapshotId,
  state: a.state,
  url: a.url ?? null,
  finishedAt: a.finished_at ?? null,
});

const restore = (r: Restore): RestoreInfo => ({
  restoreId: r.restore_id,
  state: r.state,
  sourceSnapshotId: r.source_snapshot_id ?? null,
  statusMessage: r.status_message ?? null,
});

async function defaultHttpCheck(url: string): Promise<{ ok: boolean; status: number; detail: string }> {
  try {
    const res = await axios.get(url, { timeout: 15_000, maxRedirects: 5, validateStatus: () => true, responseType: 'stream' });
    (res.data as { destroy?: () => void }).destroy?.();
    return { ok: res.status < 500, status: res.status, detail: `HTTP ${res.status}` };
  } catch (e) {
    return { ok: false, status: 0, detail: e instanceof Error ? e.message : String(e) };
  }
}

/**
 * An "HTTP check" that asks the Deploy API instead of the app: the app URL counts as answering when
 * the environment serving it runs. For hosts that cannot reach the app (and the emulator, which
 * serves no app hosts).
 */
export function apiStatusHttpCheck(client: MendixClient): (url: string) => Promise<{ ok: boolean; status: number; detail: string }> {
  return async (url) => {
    for (const app of await client.v1.listApps()) {
      let envs: V1Environment[];
      try {
        envs = await client.v1.listEnvironments(app.AppId);
      } catch {
        continue; // an app whose node permissions were reset cannot be listed; it is not ours to check
      }
      const e = envs.find((x) => x.Url === url);
      if (e) return e.Status === 'Running' ? { ok: true, status: 200, detail: 'environment runs (checked through the API)' } : { ok: false, status: 503, detail: `environment is ${e.Status}` };
    }
    return { ok: false, status: 404, detail: 'no environment serves this URL' };
  };
}

export class ClientMigrationServices implements MigrationServices {
  readonly username: string;
  protected readonly c: MendixClient;

  readonly checkCustomDomain?: (domain: string, target?: { host: string }) => Promise<DomainCheck>;
  /** Archive checks that ran while the file was downloaded: used once, while the file keeps its size and mtime. */
  private readonly checkedWhileDownloading = new Map<string, { size: number; mtimeMs: number; check: ArchiveCheck }>();

  constructor(protected readonly opts: ClientAdapterOptions) {
    this.c = opts.client;
    this.username = opts.username;
    this.checkCustomDomain = opts.checkCustomDomain;
  }

  async listApps(): Promise<AppSummary[]> {
    return (await this.c.v1.listApps()).map((a) => ({ appId: a.AppId, projectId: a.ProjectId, name: a.Name, url: a.Url ?? undefined }));
  }
  async listEnvironments(appId: string): Promise<EnvironmentInfo[]> {
    return (await this.c.v1.listEnvironments(appId)).map(env);
  }
  async getEnvironment(appId: string, mode: string): Promise<EnvironmentInfo> {
    return env(await this.c.v1.getEnvironment(appId, mode));
  }
  async getDeployedPackage(appId: string, mode: string): Promise<PackageInfo | undefined> {
    try {
      const p = await this.c.v1.getDeployedPackage(appId, mode);
      return { packageId: p.PackageId, name: p.Name ?? `${p.PackageId}.mda`, version: p.Version ?? undefined, size: p.Size ?? undefined, status: p.Status, creationDate: p.CreationDate ?? undefined };
    } catch (e) {
      // Only this code means "nothing deployed" (§14.6); ENVIRONMENT_NOT_FOUND or APP_NOT_FOUND are failures.
      if (e instanceof MendixApiError && e.status === 404 && e.errorCode?.toUpperCase() === 'PACKAGE_NOT_FOUND') return undefined;
      throw e;
    }
  }
  async getDeployedPackageUrl(appId: string, mode: string): Promise<string> {
    const p = await this.c.v1.getDeployedPackage(appId, mode, { url: true });
    if (!p.Url) throw new Error(`no download URL for the package deployed on ${appId}/${mode}`);
    return p.Url.Location;
  }
  async listPackages(appId: string): Promise<PackageInfo[]> {
    return (await this.c.build.listPackages(appId)).map((p) => ({
      packageId: p.PackageId,
      name: p.Name ?? '',
      version: p.Version ?? undefined,
      size: p.Size ?? undefined,
      status: p.Status,
    }));
  }
  async uploadPackage(appId: string, file: string, name: string, o?: TransferOptions): Promise<{ packageId: string; jobId: string }> {
    const r = await uploadPackageFile(this.c.v2, appId, file, { name, signal: o?.signal, onProgress: o?.onProgress, clock: this.c.http.clock });
    return { packageId: r.PackageId, jobId: r.JobId };
  }
  async getUploadJob(appId: string, jobId: string): Promise<UploadJobStatus> {
    return (await this.c.v2.getJob(appId, jobId)).Status;
  }
  transport(appId: string, mode: string, packageId: string): Promise<void> {
    return this.c.v1.transport(appId, mode, packageId);
  }
  async start(appId: string, mode: string, autoSyncDb: boolean): Promise<{ jobId?: string; alreadyStarted: boolean }> {
    const r = await this.c.v1.startEnvironment(appId, mode, { autoSyncDb });
    return r.kind === 'started' ? { jobId: r.jobId, alreadyStarted: false } : { alreadyStarted: true };
  }
  async getStartJob(appId: string, mode: string, jobId: string): Promise<'Starting' | 'Started'> {
    return (await this.c.v1.getStartJob(appId, mode, jobId)).Status;
  }
  stop(appId: string, mode: string, signal?: AbortSignal): Promise<void> {
    return this.c.v1.stopEnvironment(appId, mode, { signal });
  }
  async getSettings(appId: string, mode: string): Promise<EnvironmentSettings> {
    const s = await this.c.v1.getSettings(appId, mode);
    // Kept as GET returned them: null stays null, DataType and DeployedValue go back unchanged.
    return {
      constants: s.Constants.map((c) => ({ name: c.Name, value: c.Value ?? null, dataType: c.DataType ?? null, deployedValue: c.DeployedValue ?? null })),
      scheduledEvents: s.ScheduledEvents.map((e) => ({ name: e.Name, value: e.Value, deployedValue: e.DeployedValue ?? null })),
      customSettings: s.CustomSettings.map((c) => ({ name: c.Name, value: c.Value ?? null })),
    };
  }
  /** Sends the collections in GET's shape (§14.3): `Name`, `DataType`, `Value`, `DeployedValue`. */
  async setSettings(appId: string, mode: string, settings: EnvironmentSettings): Promise<void> {
    await this.c.v1.setSettings(appId, mode, {
      Constants: settings.constants.map((c) => ({ Name: c.name, DataType: c.dataType ?? null, Value: c.value, DeployedValue: c.deployedValue ?? null })),
      ScheduledEvents: settings.scheduledEvents.map((e) => ({ Name: e.name, Value: e.value === 'Enabled' ? 'Enabled' : 'Disabled', DeployedValue: e.deployedValue ?? null })),
      CustomSettings: settings.customSettings.map((c) => ({ Name: c.name, Value: c.value })),
    });
  }
  async scale(appId: string, mode: string, instances: number, memoryPerInstanceMb: number): Promise<void> {
    await this.c.v1.scale(appId, mode, { Instances: instances, MemoryPerInstance: memoryPerInstanceMb });
  }
  getTags(appId: string, mode: string): Promise<string[]> {
    return this.c.v1.getTags(appId, mode);
  }
  addTag(appId: string, mode: string, tag: string): Promise<void> {
    return this.c.v1.addTag(appId, mode, tag);
  }
  removeTag(appId: string, mode: string, tag: string): Promise<void> {
    return this.c.v1.removeTag(appId, mode, tag);
  }
  deletePackage(appId: string, packageId: string): Promise<void> {
    return this.c.build.deletePackage(appId, packageId);
  }
  async getLogUrl(appId: string, mode: string, kind: 'logs' | 'access-logs', date: string): Promise<string | undefined> {
    try {
      return (await this.c.v1.getLogUrl(appId, mode, kind, date)).DownloadUrl;
    } catch (e) {
      if (e instanceof MendixApiError && e.status === 404 && e.errorCode !== 'APP_NOT_FOUND' && e.errorCode !== 'ENVIRONMENT_NOT_FOUND') return undefined;
      throw e;
    }
  }
  async getAppV4(projectId: string): Promise<V4App> {
    const a = await this.c.v4.getApp(projectId);
    return {
      id: a.id,
      name: a.name,
      subdomain: a.subdomain,
      region: a.region ?? undefined,
      licenseType: a.licenseType,
      technicalContact: a.technicalContact ? { userId: a.technicalContact.userId, status: a.technicalContact.status ?? undefined } : undefined,
    };
  }
  async listEnvironmentsV4(projectId: string): Promise<V4Environment[]> {
    return (await this.c.v4.listAllEnvironments(projectId, { expandPackage: true })).map((e) => ({
      id: e.id,
      name: e.name,
      state: e.state,
      url: e.url,
      isProduction: e.isProduction,
      planName: e.planName ?? undefined,
      modelVersion: e.package?.modelVersion ?? undefined,
      runtimeVersion: e.package?.runtimeVersion ?? undefined,
      dbVersion: e.dbVersion ?? undefined,
      packageId: e.package?.id,
      packageExpiresOn: e.package?.expiresOn ?? undefined,
    }));
  }
  async getPermissions(projectId: string, environmentId: string, userId?: string): Promise<PermissionsInfo> {
    const p = await this.c.v4.listPermissions(projectId, environmentId, { userId });
    return {
      technicalContact: p.technicalContact ?? undefined,
      permissions: p.permissions.map((x) => ({
        userId: x.member.userId,
        canAccessAPI: x.canAccessAPI === true,
        canDeployApp: x.canDeployApp === true,
        canManageBackups: x.canManageBackups === true,
      })),
    };
  }
  async grantNodePermissions(projectId: string, environmentId: string, userId: string): Promise<void> {
    await this.c.v4.patchPermissions(projectId, environmentId, [{ member: { userId }, canAccessAPI: true, canDeployApp: true, canManageBackups: true }]);
  }
  async listSnapshots(projectId: string, environmentId: string): Promise<SnapshotInfo[]> {
    return (await this.c.backups.listAllSnapshots(projectId, environmentId)).map(snapshot);
  }
  async getSnapshot(projectId: string, environmentId: string, snapshotId: string): Promise<SnapshotInfo> {
    return snapshot(await this.c.backups.getSnapshot(projectId, environmentId, snapshotId));
  }
  async createSnapshot(projectId: string, environmentId: string, comment: string): Promise<SnapshotInfo> {
    return snapshot(await this.c.backups.createSnapshot(projectId, environmentId, { comment }));
  }
  async deleteSnapshot(projectId: string, environmentId: string, snapshotId: string): Promise<void> {
    try {
      await this.c.backups.deleteSnapshot(projectId, environmentId, snapshotId);
    } catch (e) {
      if (e instanceof MendixApiError && e.status === 404) return; // already gone
      throw e;
    }
  }
  async createArchive(projectId: string, environmentId: string, snapshotId: string): Promise<ArchiveInfo> {
    return archive(await this.c.backups.createArchive(projectId, environmentId, snapshotId, 'files_and_database'), snapshotId);
  }
  async getArchive(projectId: string, environmentId: string, snapshotId: string, archiveId: string): Promise<ArchiveInfo> {
    return archive(await this.c.backups.getArchive(projectId, environmentId, snapshotId, archiveId), snapshotId);
  }
  async createRestore(projectId: string, environmentId: string, snapshotId: string): Promise<RestoreInfo> {
    return restore(await this.c.backups.createRestore(projectId, environmentId, snapshotId));
  }
  async getRestore(projectId: string, environmentId: string, restoreId: string): Promise<RestoreInfo> {
    return restore(await this.c.backups.getRestore(projectId, environmentId, restoreId));
  }
  async download(url: string, dest: string, o?: TransferOptions): Promise<DownloadResult> {
    let protocol = '';
    try {
      protocol = new URL(url).protocol;
    } catch {
      protocol = 'malformed';
    }
    if (protocol !== 'https:' && protocol !== 'http:') throw new UnsupportedUrlError(protocol);
    try {
      const verifyArchive = BACKUP_FILE.test(dest);
      const r = await downloadToFile({ url, dest, signal: o?.signal, onProgress: o?.onProgress, logger: this.opts.logger, connections: this.opts.connections, verifyArchive });
      if (r.archive) {
        const st = await stat(r.path);
        this.checkedWhileDownloading.set(r.path, { size: st.size, mtimeMs: st.mtimeMs, check: archiveCheck(r.archive) });
      }
      return { path: r.path, size: r.size, sha256: r.manifest.sha256 };
    } catch (e) {
      if (isDiskFull(e)) throw new DiskFullError(dest, await this.freeDiskBytes(dirname(dest)).catch(() => undefined));
      throw e;
    }
  }
  async readDownloadManifest(dest: string): Promise<DownloadResult | undefined> {
    const m = await readManifest(dest);
    if (!m) return undefined;
    // A cheap intactness check (size on disk); the full SHA-256 is checked when the file is verified.
    const st = await stat(dest).catch(() => undefined);
    if (!st || st.size !== m.size) return undefined;
    return { path: dest, size: m.size, sha256: m.sha256 };
  }
  async rehashDownload(dest: string, signal?: AbortSignal): Promise<{ ok: boolean; detail: string }> {
    const r = await verifyAgainstManifest(dest, signal);
    return r.ok ? { ok: true, detail: `${r.actual?.size ?? 0} bytes, SHA-256 matches` } : { ok: false, detail: r.problem ?? 'does not match its manifest' };
  }
  async verifyBackupArchive(file: string): Promise<ArchiveCheck> {
    // The check right after a download is the one that download ran in the read that hashed the
    // file: no second pass. Used once; any later check (the offboarding gate) reads the file again.
    const earlier = this.checkedWhileDownloading.get(file);
    this.checkedWhileDownloading.delete(file);
    const st = earlier ? await stat(file).catch(() => undefined) : undefined;
    if (earlier && st && st.size === earlier.size && st.mtimeMs === earlier.mtimeMs) return earlier.check;
    try {
      return archiveCheck(await verifyBackupArchive(file));
    } catch (e) {
      return { ok: false, detail: e instanceof Error ? e.message : String(e) };
    }
  }
  async freeDiskBytes(folder: string): Promise<number> {
    await mkdir(folder, { recursive: true });
    const s = await statfs(folder);
    return s.bavail * s.bsize;
  }
  httpCheck(url: string): Promise<{ ok: boolean; status: number; detail: string }> {
    return (this.opts.httpCheck ?? defaultHttpCheck)(url);
  }
}

function archiveCheck(r: BackupArchiveReport): ArchiveCheck {
  const mv = r.metadata?.modelVersion;
  return {
    ok: true,
    detail: r.kind === 'full' ? `.metadata, db ${r.dbBytes} bytes, ${r.treeFiles} file(s) under tree/` : 'database-only dump (PGDMP)',
    modelVersion: typeof mv === 'string' ? mv : undefined,
  };
}
