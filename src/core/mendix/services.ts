/**
 * The narrow port the migration engine talks through: exactly the Mendix Cloud calls, transfers and
 * local checks the steps need, in the engine's own vocabulary. `clientAdapter.ts` implements it over
 * the shared API client; unit tests use an in-memory cloud. Calls that are not idempotent are marked:
 * the engine records an intent before each one and never repeats it blindly.
 */

export type V1Status = 'Empty' | 'Stopped' | 'Running';

export interface AppSummary {
  /** v1 AppId: the sub-domain, which follows the node the app is linked to. */
  appId: string;
  projectId: string;
  name: string;
  url?: string;
}

export interface EnvironmentInfo {
  environmentId: string;
  mode: string;
  status: V1Status;
  url: string;
  modelVersion?: string;
  mendixVersion?: string;
  production?: boolean;
  instances?: number;
  memoryPerInstanceMb?: number;
}

export interface PackageInfo {
  packageId: string;
  name: string;
  version?: string;
  size?: number;
  status?: string;
  mendixVersion?: string;
}

export interface NamedValue {
  name: string;
  value: string;
  dataType?: string;
}

export interface EnvironmentSettings {
  constants: NamedValue[];
  scheduledEvents: NamedValue[];
  customSettings: NamedValue[];
}

export interface V4App {
  id: string;
  name: string;
  subdomain: string;
  region?: string;
  licenseType?: string;
  technicalContact?: { userId: string; status?: string };
}

export interface V4Environment {
  id: string;
  name: string;
  state: 'stopped' | 'running' | 'notdeployed';
  url: string;
  isProduction?: boolean;
  planName?: string;
  modelVersion?: string;
  runtimeVersion?: string;
}

export interface NodePermission {
  userId: string;
  canDeployApp: boolean;
  canManageBackups: boolean;
  canAccessAPI: boolean;
}

export interface PermissionsInfo {
  technicalContact?: string;
  permissions: NodePermission[];
}

export type BackupState = 'queued' | 'running' | 'completed' | 'failed';

export interface SnapshotInfo {
  snapshotId: string;
  state: BackupState;
  comment?: string | null;
  createdAt?: string | null;
  finishedAt?: string | null;
  statusMessage?: string | null;
  modelVersion?: string | null;
}

export interface ArchiveInfo {
  archiveId: string;
  snapshotId: string;
  state: BackupState;
  url?: string | null;
  finishedAt?: string | null;
}

export interface RestoreInfo {
  restoreId: string;
  state: BackupState;
  sourceSnapshotId?: string | null;
  statusMessage?: string | null;
}

export type UploadJobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed';

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
}

export interface TransferProgress {
  bytes: number;
  total?: number;
}

export interface TransferOptions {
  signal?: AbortSignal;
  onProgress?: (p: TransferProgress) => void;
}

export interface ArchiveCheck {
  ok: boolean;
  detail: string;
  modelVersion?: string;
}

export interface DomainCheck {
  /** The zone's own answer points the domain at `<domain>.cname.mendix.net`. */
  cnameOk: boolean;
  /** TTL the zone serves for the domain's record, when known. */
  ttlSeconds?: number;
  /** Share of public resolvers already answering with the new target. */
  propagatedPercent?: number;
  detail: string;
}

export interface MigrationServices {
  /** User name of the account the API key belongs to (to find its own node permissions). */
  readonly username: string;

  listApps(): Promise<AppSummary[]>;
  listEnvironments(appId: string): Promise<EnvironmentInfo[]>;
  getEnvironment(appId: string, mode: string): Promise<EnvironmentInfo>;
  /** The package deployed on an environment, or undefined when none is. */
  getDeployedPackage(appId: string, mode: string): Promise<PackageInfo | undefined>;
  /** A fresh signed download URL of the deployed package (short-lived: never persist it). */
  getDeployedPackageUrl(appId: string, mode: string): Promise<string>;
  listPackages(appId: string): Promise<PackageInfo[]>;
  /** NOT idempotent. */
  uploadPackage(appId: string, file: string, name: string, opts?: TransferOptions): Promise<{ packageId: string; jobId: string }>;
  getUploadJob(appId: string, jobId: string): Promise<UploadJobStatus>;
  transport(appId: string, mode: string, packageId: string): Promise<void>;
  /** NOT idempotent (a second start while one runs fails); `alreadyStarted` for the documented 200. */
  start(appId: string, mode: string, autoSyncDb: boolean): Promise<{ jobId?: string; alreadyStarted: boolean }>;
  /** Throws when the start failed (the API reports start failures on this poll). */
  getStartJob(appId: string, mode: string, jobId: string): Promise<'Starting' | 'Started'>;
  stop(appId: string, mode: string): Promise<void>;
  getSettings(appId: string, mode: string): Promise<EnvironmentSettings>;
  setSettings(appId: string, mode: string, settings: EnvironmentSettings): Promise<void>;
  scale(appId: string, mode: string, instances: number, memoryPerInstanceMb: number): Promise<void>;
  getTags(appId: string, mode: string): Promise<string[]>;
  addTag(appId: string, mode: string, tag: string): Promise<void>;

  getAppV4(projectId: string): Promise<V4App>;
  listEnvironmentsV4(projectId: string): Promise<V4Environment[]>;
  getPermissions(projectId: string, environmentId: string): Promise<PermissionsInfo>;
  /** Grants API Rights, Transport Rights and Access to Backups (linking a node resets them). */
  grantNodePermissions(projectId: string, environmentId: string, userId: string): Promise<void>;

  listSnapshots(projectId: string, environmentId: string): Promise<SnapshotInfo[]>;
  getSnapshot(projectId: string, environmentId: string, snapshotId: string): Promise<SnapshotInfo>;
  /** NOT idempotent. */
  createSnapshot(projectId: string, environmentId: string, comment: string): Promise<SnapshotInfo>;
  /** NOT idempotent. */
  createArchive(projectId: string, environmentId: string, snapshotId: string): Promise<ArchiveInfo>;
  getArchive(projectId: string, environmentId: string, snapshotId: string, archiveId: string): Promise<ArchiveInfo>;
  /** NOT idempotent. The environment must be stopped. */
  createRestore(projectId: string, environmentId: string, snapshotId: string): Promise<RestoreInfo>;
  getRestore(projectId: string, environmentId: string, restoreId: string): Promise<RestoreInfo>;

  /** Resumable, checksummed download (`.part` + sidecar manifest). Throws `ExpiredUrlError` for an expired URL. */
  download(url: string, dest: string, opts?: TransferOptions): Promise<DownloadResult>;
  /** The size + SHA-256 recorded for a completed download, if the file is still there and intact. */
  readDownloadManifest(dest: string): Promise<DownloadResult | undefined>;
  /** Re-hashes a finished download and compares size and SHA-256 with its manifest. */
  rehashDownload(dest: string, signal?: AbortSignal): Promise<{ ok: boolean; detail: string }>;
  verifyBackupArchive(file: string): Promise<ArchiveCheck>;
  freeDiskBytes(folder: string): Promise<number>;
  /**
   * Custom-domain DNS: does the CNAME reach `<domain>.cname.mendix.net`, and with which TTL? Optional:
   * without it, the domain steps rely on the person's confirmation alone.
   */
  checkCustomDomain?(domain: string): Promise<DomainCheck>;
  /** GET the app's URL; `ok` when it answers below 500. */
  httpCheck(url: string): Promise<{ ok: boolean; status: number; detail: string }>;
}

/** A download URL that no longer works (archive URLs expire 8 h after completion). */
export class ExpiredUrlError extends Error {
  constructor(detail: string) {
    super(`the download URL has expired: ${detail}`);
    this.name = 'ExpiredUrlError';
  }
}
