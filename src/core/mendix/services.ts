/**
 * The one port to Mendix Cloud and its model: `MendixCloud` is what the Apps tree and its commands
 * use, `MigrationServices` the narrower part the migration engine (and the CLI) sees. Both are
 * implemented by one class over the shared API client (`clientAdapter.ts`, `clientCloud.ts`), built
 * by one factory (`clientFactory.ts`); unit tests use one in-memory cloud. Calls that are not
 * idempotent are marked: the engine records an intent before each one and never repeats it blindly.
 */
import type { TransferSnapshot } from '../shared/format';

/** Environment status: Deploy API v1's words; v4's `notdeployed|stopped|running` map onto them. */
export type V1Status = 'Empty' | 'Stopped' | 'Running';

/** Which Mendix Cloud generation hosts the app's node, or `none` when no node is linked. */
export type NodeGeneration = 'v3' | 'v4' | 'none' | 'unknown';

export interface TechnicalContact {
  userId: string;
  name?: string;
}

/** An app as the account sees it: Deploy API v1 and v4 merged on ProjectId = v4 id. */
export interface CloudApp {
  /** v1 `AppId`: the sub-domain, which follows the node the app is linked to. */
  appId: string;
  /** v1 `ProjectId` = v4 `id` (UUID), used by Backups v2 and v4 paths. */
  projectId: string;
  name: string;
  url?: string;
  /** v4 region or cluster id (e.g. `prod2-eu-central-1`), when v4 knows the app. */
  region?: string;
  licenseType?: 'free' | 'licensed';
  technicalContact?: TechnicalContact;
  generation: NodeGeneration;
}

/** An app Deploy API v1 can act on (the engine's view). */
export type AppSummary = Pick<CloudApp, 'appId' | 'projectId' | 'name' | 'url'>;

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
  /** Epoch ms. */
  creationDate?: number;
}

/**
 * One entry of a settings collection as GET returned it. `null` stays `null` (a constant without a
 * value is not one set to ""); `dataType` and `deployedValue` are sent back unchanged (§14.3).
 */
export interface NamedValue {
  name: string;
  value: string | null;
  dataType?: string | null;
  deployedValue?: string | null;
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
  /** Database (PostgreSQL) version of the environment (§14.10). */
  dbVersion?: string;
  /** Id of the deployed package (with `expand=package`). */
  packageId?: string;
  /** Set only while the deployed package is unused: when it expires (§14.10). */
  packageExpiresOn?: string;
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
  comment?: string;
  createdAt?: string;
  finishedAt?: string;
  expiresAt?: string;
  statusMessage?: string;
  modelVersion?: string;
}

export interface SnapshotPage {
  items: SnapshotInfo[];
  /** Total count on the server, when the API reports it. */
  total?: number;
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
  /** With the target's host name: the zones' chain ends at the target environment's addresses (§14.13). */
  chainEndOk?: boolean;
  /** With a target: a linked central certificate is VALID, or the target endpoint's TLS is fine (§14.9). */
  certificateOk?: boolean;
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
  stop(appId: string, mode: string, signal?: AbortSignal): Promise<void>;
  getSettings(appId: string, mode: string): Promise<EnvironmentSettings>;
  setSettings(appId: string, mode: string, settings: EnvironmentSettings): Promise<void>;
  scale(appId: string, mode: string, instances: number, memoryPerInstanceMb: number): Promise<void>;
  getTags(appId: string, mode: string): Promise<string[]>;
  addTag(appId: string, mode: string, tag: string): Promise<void>;
  /** Removing a tag that is not there is harmless. */
  removeTag(appId: string, mode: string, tag: string): Promise<void>;
  /** Deletes a package of the app (Build API); refused while it is deployed. */
  deletePackage(appId: string, packageId: string): Promise<void>;
  /**
   * A fresh signed URL of one day's application log (`logs`) or access log (`access-logs`), `date`
   * as YYYY-MM-DD; undefined when the service has none for that day (404). Needs Access to Logs.
   */
  getLogUrl(appId: string, mode: string, kind: 'logs' | 'access-logs', date: string): Promise<string | undefined>;

  getAppV4(projectId: string): Promise<V4App>;
  listEnvironmentsV4(projectId: string): Promise<V4Environment[]>;
  /**
   * Node permissions of an environment. With `userId`, only that member is asked for (the server
   * pages, 20 by default, so one unfiltered page misses members); without it, every page is read.
   */
  getPermissions(projectId: string, environmentId: string, userId?: string): Promise<PermissionsInfo>;
  /** Grants API Rights, Transport Rights and Access to Backups (linking a node resets them). */
  grantNodePermissions(projectId: string, environmentId: string, userId: string): Promise<void>;

  listSnapshots(projectId: string, environmentId: string): Promise<SnapshotInfo[]>;
  getSnapshot(projectId: string, environmentId: string, snapshotId: string): Promise<SnapshotInfo>;
  /** NOT idempotent. */
  createSnapshot(projectId: string, environmentId: string, comment: string): Promise<SnapshotInfo>;
  /** Deletes a snapshot (deleting one that is gone is harmless). */
  deleteSnapshot(projectId: string, environmentId: string, snapshotId: string): Promise<void>;
  /** NOT idempotent. */
  createArchive(projectId: string, environmentId: string, snapshotId: string): Promise<ArchiveInfo>;
  getArchive(projectId: string, environmentId: string, snapshotId: string, archiveId: string): Promise<ArchiveInfo>;
  /** NOT idempotent. The environment must be stopped. */
  createRestore(projectId: string, environmentId: string, snapshotId: string): Promise<RestoreInfo>;
  getRestore(projectId: string, environmentId: string, restoreId: string): Promise<RestoreInfo>;

  /** Resumable, checksummed download (`.part` + sidecar manifest). Throws `DownloadUrlExpiredError` (transfer/transferErrors) for an expired URL. */
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
  checkCustomDomain?(domain: string, target?: { host: string }): Promise<DomainCheck>;
  /** GET the app's URL; `ok` when it answers below 500. */
  httpCheck(url: string): Promise<{ ok: boolean; status: number; detail: string }>;
}

export type BackupDataType = 'files_and_database' | 'database_only';

/** Progress of a long server-side job, as a short phrase ("Starting", "running (12 s)"). */
export type JobProgress = (phase: string) => void;
/** Bytes, rate and time left of a transfer, as progress notifications show them. */
export type TransferListener = (t: TransferSnapshot) => void;

/**
 * The whole port: the engine's calls plus the account-wide reads and the start/backup/download
 * round trips the Apps tree offers (each waits for its job and reports progress).
 */
export interface MendixCloud extends MigrationServices {
  /**
   * Every app the account's credentials see, v1 and v4 merged (`listApps` is v1's alone). Resolves
   * as soon as the fast source answers; when v4 (region, Technical Contact) is still loading,
   * `onEnriched` later receives the complete list.
   */
  listAccountApps(opts?: { signal?: AbortSignal; onEnriched?: (apps: CloudApp[]) => void }): Promise<CloudApp[]>;
  /** The app's environments through whichever API the credentials reach; none for an app without a node. */
  listAppEnvironments(app: CloudApp, signal?: AbortSignal): Promise<EnvironmentInfo[]>;
  /** One page of an environment's snapshots (`listSnapshots` reads them all). */
  listSnapshotPage(projectId: string, environmentId: string, offset: number, limit: number, signal?: AbortSignal): Promise<SnapshotPage>;
  /** Starts and waits until the environment reports it is running. */
  startAndWait(appId: string, mode: string, progress: JobProgress, signal: AbortSignal): Promise<void>;
  /** Creates a snapshot and waits until it is completed (or failed, which throws). */
  createSnapshotAndWait(projectId: string, environmentId: string, comment: string, progress: JobProgress, signal: AbortSignal): Promise<SnapshotInfo>;
  /** Downloads the deployed package into `folder` under its own name. */
  downloadDeployedPackage(app: CloudApp, env: EnvironmentInfo, folder: string, progress: TransferListener, signal: AbortSignal): Promise<DownloadResult>;
  /** Requests an archive of the snapshot, waits for it, then downloads it into `folder`. */
  downloadBackup(
    app: CloudApp,
    env: EnvironmentInfo,
    snapshot: SnapshotInfo,
    dataType: BackupDataType,
    folder: string,
    progress: { job: JobProgress; transfer: TransferListener },
    signal: AbortSignal,
  ): Promise<DownloadResult>;
}

/** What the Apps tree and its commands use of the port. */
export type TreeCloud = Pick<
  MendixCloud,
  | 'listAccountApps'
  | 'listAppEnvironments'
  | 'getDeployedPackage'
  | 'listSnapshotPage'
  | 'getSettings'
  | 'startAndWait'
  | 'stop'
  | 'createSnapshotAndWait'
  | 'downloadDeployedPackage'
  | 'downloadBackup'
>;

export interface Credentials {
  /** Mendix login name, sent as `Mendix-Username` with the API key. */
  username?: string;
  apiKey?: string;
  /** Personal Access Token for Deploy API v4. */
  pat?: string;
}

export interface CredentialCheck {
  ok: boolean;
  /** Per credential family, what the check found; written for the user. */
  problems: string[];
  /**
   * Why it failed: the service refused the credentials (401/403: ask for them again), or it could
   * not be asked (no answer, or an answer that says nothing about them: check again later).
   */
  failure?: 'rejected' | 'unreachable';
}

/** Makes one read call per credential family given; never stores anything. */
export type CredentialChecker = (credentials: Credentials, signal?: AbortSignal) => Promise<CredentialCheck>;
