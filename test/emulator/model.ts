/**
 * The emulator's state model: plain JSON-serialisable records, so the whole model can be dumped by
 * `GET /_emulator/state` and persisted to a state file. Times are virtual epoch milliseconds.
 */
import { regionOf } from './regions';

export type PatScope = 'mx:deployment:read' | 'mx:deployment:write';

export interface User {
  id: string; // the login name (e-mail), also the v4 userId
  name: string;
  apiKey: string;
  isMendixAdmin: boolean;
}

export interface Pat {
  token: string;
  userId: string;
  scopes: PatScope[];
}

export interface PackageConstant {
  name: string;
  dataType: string;
  defaultValue: string | null;
}

/** What a project's Team Server would build: the app model as it stands. */
export interface RepoInfo {
  mendixVersion: string;
  modelVersionBase: string;
  constants: PackageConstant[];
  scheduledEvents: string[];
}

export interface Project {
  id: string;
  name: string;
  members: string[];
  ownerId: string;
  /** Sub-domain the app would get as a Free App; also its v4 subdomain while it has no node. */
  freeSubdomain: string;
  repo: RepoInfo | null;
  nextBuildNumber: number;
}

export type Generation = 'v3' | 'v4' | 'free';

export interface AppNode {
  id: string;
  subdomain: string;
  regionKey: string;
  generation: Generation;
  plan: string;
  databaseRamGb: number;
  /** Total memory the plan offers for all instances of one environment. */
  memoryMb: number;
  dbVersion: string;
  linkedProjectId: string | null;
  technicalContactId: string;
  /** Environment ids in portal order (v4 `index`). */
  environmentIds: string[];
}

export interface Permission {
  canDeployApp: boolean;
  canManageBackups: boolean;
  canViewAlerts: boolean;
  canAccessAPI: boolean;
  canViewLogs: boolean;
  canManagePrivileges: boolean;
}

export type PermissionName = keyof Permission;
export const PERMISSION_NAMES: PermissionName[] = [
  'canDeployApp',
  'canManageBackups',
  'canViewAlerts',
  'canAccessAPI',
  'canViewLogs',
  'canManagePrivileges',
];

export interface Constant {
  Name: string;
  DataType: string;
  Value: string | null;
  DeployedValue: string | null;
}

export interface ScheduledEvent {
  Name: string;
  Value: 'Enabled' | 'Disabled';
  DeployedValue: 'Enabled' | 'Disabled';
}

export interface CustomSetting {
  Name: string;
  Value: string | null;
}

export interface CustomDomain {
  domain: string;
  certificateId: string | null;
}

export type EnvStatus = 'Empty' | 'Stopped' | 'Running';

export interface Environment {
  id: string;
  nodeId: string;
  /** The v1 Mode (stable, Latin letters). */
  name: string;
  /**
   * The display name v4 shows; since October 2025 it may use non-Latin characters and change
   * independently of the Mode and sub-domain. Absent: the same as `name`.
   */
  displayName?: string;
  isProduction: boolean;
  status: EnvStatus;
  /** Package transported to (and, once started, running on) the environment. */
  packageId: string | null;
  /**
   * While a package transported to a running environment waits for the next start: the package
   * still running. Absent or null otherwise (and in old state files).
   */
  runningPackageId?: string | null;
  /** Model version the database structure matches; null while no database was ever created. */
  dbModelVersion: string | null;
  planName: string;
  instances: number;
  memoryPerInstanceMb: number;
  constants: Constant[];
  scheduledEvents: ScheduledEvent[];
  customSettings: CustomSetting[];
  tags: string[];
  customDomains: CustomDomain[];
  /** userId → node permissions on this environment. */
  permissions: Record<string, Permission>;
  /** Test hook: the next start fails with this error code on the poll call. */
  startFailure: string | null;
  /** Test hook: the next job of each listed kind on this environment ends `failed`. Optional in old state files. */
  failNext?: BackupJobKind[];
}

export type BackupJobKind = 'snapshot' | 'archive' | 'restore';

export type PackageStatus = 'Succeeded' | 'Queued' | 'Building' | 'Uploading' | 'Failed';

export interface Timeline {
  /** Virtual times at which each listed state begins, in order; the first begins at creation. */
  steps: { state: string; at: number }[];
}

export interface Pkg {
  id: string;
  projectId: string;
  name: string;
  description: string;
  version: string;
  mendixVersion: string;
  creator: string;
  creationDate: number;
  status: PackageStatus;
  size: number;
  /** Until this virtual time transport answers 503 (the MDA is still being processed). */
  processedAt: number;
  /** Build/upload progress; consumed by the lifecycle tick. */
  timeline: Timeline | null;
  constants: PackageConstant[];
  scheduledEvents: string[];
  /** Uploaded bytes on disk; null for generated content (deterministic from id and size). */
  uploadFile: string | null;
  uploadSha256: string | null;
}

export type JobStatus = 'Queued' | 'Running' | 'Completed' | 'Failed';

export interface UploadJob {
  id: string;
  projectId: string;
  packageId: string;
  status: JobStatus;
  outcome: 'Completed' | 'Failed';
  timeline: Timeline;
}

export interface StartJob {
  id: string;
  envId: string;
  createdAt: number;
  doneAt: number;
  /** null while starting, 'Started', or the error code the poll answers with. */
  result: string | null;
  /** Decided at creation; applied when the job completes. */
  plannedResult: string;
}

export type BackupState = 'queued' | 'running' | 'completed' | 'failed';

export interface Snapshot {
  id: string;
  envId: string;
  /** The app the environment belonged to when the snapshot was made: restores stay within an app. */
  projectId: string | null;
  kind: 'manual' | 'nightly' | 'uploaded';
  comment: string | null;
  state: BackupState;
  statusMessage: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  expiresAt: number;
  modelVersion: string | null;
  databaseBytes: number;
  filesBytes: number;
  hasDatabase: boolean;
  hasFiles: boolean;
  timeline: Timeline | null;
  uploadFile: string | null;
}

export interface Archive {
  id: string;
  snapshotId: string;
  envId: string;
  dataType: 'database_only' | 'files_and_database';
  state: BackupState;
  statusMessage: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  /** Approximate size requested for the generated file. */
  targetBytes: number;
  timeline: Timeline | null;
}

export interface Restore {
  id: string;
  sourceSnapshotId: string;
  sourceEnvId: string;
  targetEnvId: string;
  dbOnly: boolean;
  state: BackupState;
  statusMessage: string | null;
  createdAt: number;
  updatedAt: number;
  finishedAt: number | null;
  plannedOutcome: 'completed' | 'failed';
  timeline: Timeline | null;
}

export interface Certificate {
  id: string;
  description: string | null;
  certificatePem: string;
  intermediateChain: string | null;
  keyFingerprint: string;
  validFrom: number;
  validTill: number;
  createdAt: number;
  updatedAt: number;
}

export interface EmulatorConfig {
  archiveBytes: number;
  packageBytes: number;
  uploadLimitBytes: number;
  /** Lowest Mendix major version Mendix Cloud still deploys (contract §12). */
  minSupportedMajor: number;
}

export interface EmulatorState {
  version: 1;
  virtualNowMs: number;
  downloadSecret: string;
  config: EmulatorConfig;
  users: Record<string, User>;
  pats: Record<string, Pat>;
  projects: Record<string, Project>;
  nodes: Record<string, AppNode>;
  environments: Record<string, Environment>;
  packages: Record<string, Pkg>;
  uploadJobs: Record<string, UploadJob>;
  startJobs: Record<string, StartJob>;
  snapshots: Record<string, Snapshot>;
  archives: Record<string, Archive>;
  restores: Record<string, Restore>;
  certificates: Record<string, Certificate>;
}

export const GIB = 1024 * 1024 * 1024;

export function emptyState(nowMs: number, secret: string, config: Partial<EmulatorConfig> = {}): EmulatorState {
  return {
    version: 1,
    virtualNowMs: nowMs,
    downloadSecret: secret,
    config: {
      archiveBytes: config.archiveBytes ?? 4 * 1024 * 1024,
      packageBytes: config.packageBytes ?? 3 * 1024 * 1024,
      uploadLimitBytes: config.uploadLimitBytes ?? GIB,
      minSupportedMajor: config.minSupportedMajor ?? 8,
    },
    users: {},
    pats: {},
    projects: {},
    nodes: {},
    environments: {},
    packages: {},
    uploadJobs: {},
    startJobs: {},
    snapshots: {},
    archives: {},
    restores: {},
    certificates: {},
  };
}

export function allPermissions(value: boolean): Permission {
  return {
    canDeployApp: value,
    canManageBackups: value,
    canViewAlerts: value,
    canAccessAPI: value,
    canViewLogs: value,
    canManagePrivileges: value,
  };
}

/** Host name of an environment: `{sub}` for production, `{sub}-accp`, `{sub}-test`, or `{sub}-{name}`. */
export function environmentHost(node: AppNode, env: Environment): string {
  const suffix = regionOf(node.regionKey).suffix;
  if (node.generation === 'free') return `${node.subdomain}${suffix}`;
  if (env.isProduction) return `${node.subdomain}${suffix}`;
  const lower = env.name.toLowerCase();
  const part = lower === 'acceptance' ? 'accp' : lower;
  return `${node.subdomain}-${part}${suffix}`;
}

export function environmentUrl(node: AppNode, env: Environment): string {
  return `https://${environmentHost(node, env)}`;
}
