/**
 * The narrow surface the explorer and its commands need from Mendix Cloud, per signed-in account.
 * `clientCloudService.ts` implements it over the shared API client; tests use an in-memory fake.
 */
import type {
  CloudApp,
  CloudEnvironment,
  DeployedPackage,
  EnvironmentSettings,
  Snapshot,
  SnapshotPage,
} from './model';
import type { TransferSnapshot } from '../shared/format';

export type BackupDataType = 'files_and_database' | 'database_only';

export interface DownloadResult {
  file: string;
  bytes: number;
}

/** Progress of a long server-side job, as a short phrase ("Starting", "running"). */
export type JobProgress = (phase: string) => void;
export type TransferProgress = (t: TransferSnapshot) => void;

export interface CloudService {
  /**
   * Resolves as soon as the fast source answers. When a slower source (v4: region, Technical
   * Contact) is still loading, `onEnriched` later receives the complete list.
   */
  listApps(signal?: AbortSignal, onEnriched?: (apps: CloudApp[]) => void): Promise<CloudApp[]>;
  listEnvironments(app: CloudApp, signal?: AbortSignal): Promise<CloudEnvironment[]>;
  /** Undefined when nothing is deployed. */
  getDeployedPackage(app: CloudApp, env: CloudEnvironment, signal?: AbortSignal): Promise<DeployedPackage | undefined>;
  listSnapshots(app: CloudApp, env: CloudEnvironment, offset: number, limit: number, signal?: AbortSignal): Promise<SnapshotPage>;
  getSettings(app: CloudApp, env: CloudEnvironment, signal?: AbortSignal): Promise<EnvironmentSettings>;

  /** Starts and waits until the environment reports it is running. */
  startEnvironment(app: CloudApp, env: CloudEnvironment, progress: JobProgress, signal: AbortSignal): Promise<void>;
  stopEnvironment(app: CloudApp, env: CloudEnvironment, signal: AbortSignal): Promise<void>;
  /** Creates a snapshot and waits until it is completed (or failed, which throws). */
  createSnapshot(app: CloudApp, env: CloudEnvironment, comment: string, progress: JobProgress, signal: AbortSignal): Promise<Snapshot>;
  downloadDeployedPackage(
    app: CloudApp,
    env: CloudEnvironment,
    targetFolder: string,
    progress: TransferProgress,
    signal: AbortSignal,
  ): Promise<DownloadResult>;
  /** Requests an archive of the snapshot, waits for it, then downloads it. */
  downloadBackup(
    app: CloudApp,
    env: CloudEnvironment,
    snapshot: Snapshot,
    dataType: BackupDataType,
    targetFolder: string,
    progress: { job: JobProgress; transfer: TransferProgress },
    signal: AbortSignal,
  ): Promise<DownloadResult>;
}

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
}

/** Makes one read call per credential family given; never stores anything. */
export type CredentialChecker = (credentials: Credentials, signal?: AbortSignal) => Promise<CredentialCheck>;

export type CloudServiceFactory = (credentials: Credentials) => CloudService;
