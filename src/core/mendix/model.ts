/** The explorer's own view of Mendix Cloud data: v1 and v4 merged, vocabularies normalised. */

/** Which Mendix Cloud generation hosts the app's node, or `none` when no node is linked. */
export type NodeGeneration = 'v3' | 'v4' | 'none' | 'unknown';

export interface TechnicalContact {
  userId: string;
  name?: string;
}

export interface CloudApp {
  /** v1 `AppId`: the app's sub-domain, used by Deploy API v1 paths. */
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

/** v1 `Empty|Stopped|Running` and v4 `notdeployed|stopped|running` mapped onto one vocabulary. */
export type EnvironmentStatus = 'running' | 'stopped' | 'empty' | 'unknown';

export interface CloudEnvironment {
  environmentId: string;
  /** v1 `Mode`: Test, Acceptance, Production or a flexible environment name. */
  mode: string;
  status: EnvironmentStatus;
  url?: string;
  production: boolean;
  mendixVersion?: string;
  modelVersion?: string;
}

export interface DeployedPackage {
  packageId: string;
  name: string;
  version?: string;
  creationDate?: number;
  sizeBytes?: number;
  status?: string;
}

export type BackupState = 'queued' | 'running' | 'completed' | 'failed' | 'unknown';

export interface Snapshot {
  snapshotId: string;
  state: BackupState;
  createdAt?: string;
  finishedAt?: string;
  expiresAt?: string;
  comment?: string;
  modelVersion?: string;
  statusMessage?: string;
}

export interface SnapshotPage {
  items: Snapshot[];
  /** Total count on the server, when the API reports it. */
  total?: number;
}

export interface ConstantSetting {
  name: string;
  dataType?: string;
  value: string;
  deployedValue?: string;
}

export interface ScheduledEventSetting {
  name: string;
  value: string;
  deployedValue?: string;
}

export interface EnvironmentSettings {
  constants: ConstantSetting[];
  scheduledEvents: ScheduledEventSetting[];
  customSettings: { name: string; value: string }[];
}
