/** Small typed builders the seeds share, so each seed reads as a description of its world. */
import type {
  AppNode,
  Constant,
  CustomSetting,
  EmulatorState,
  Environment,
  EnvStatus,
  PackageConstant,
  Permission,
  Pkg,
  Project,
  RepoInfo,
  ScheduledEvent,
  Snapshot,
} from '../model';

export function addUser(s: EmulatorState, id: string, name: string, apiKey: string, isMendixAdmin: boolean): void {
  s.users[id] = { id, name, apiKey, isMendixAdmin };
}

export function addPat(s: EmulatorState, token: string, userId: string, write: boolean): void {
  s.pats[token] = { token, userId, scopes: write ? ['mx:deployment:read', 'mx:deployment:write'] : ['mx:deployment:read'] };
}

export function addProject(s: EmulatorState, p: { id: string; name: string; members: string[]; freeSubdomain: string; repo: RepoInfo | null }): Project {
  const project: Project = { ...p, ownerId: p.members[0] ?? '', nextBuildNumber: 100 };
  s.projects[p.id] = project;
  return project;
}

export interface EnvSpec {
  id: string;
  name: string;
  isProduction: boolean;
  status: EnvStatus;
  packageId?: string;
  instances?: number;
  memoryPerInstanceMb?: number;
  constants?: Constant[];
  scheduledEvents?: ScheduledEvent[];
  customSettings?: CustomSetting[];
  tags?: string[];
  customDomains?: string[];
  permissions?: Record<string, Permission>;
}

/** A node as the model holds it, with its environments described instead of referenced by id. */
export type NodeSpec = Omit<AppNode, 'environmentIds'> & { environments: EnvSpec[] };

export function addNode(s: EmulatorState, spec: NodeSpec): AppNode {
  const node: AppNode = {
    id: spec.id,
    subdomain: spec.subdomain,
    regionKey: spec.regionKey,
    generation: spec.generation,
    plan: spec.plan,
    databaseRamGb: spec.databaseRamGb,
    memoryMb: spec.memoryMb,
    dbVersion: spec.dbVersion,
    linkedProjectId: spec.linkedProjectId,
    technicalContactId: spec.technicalContactId,
    environmentIds: spec.environments.map((e) => e.id),
  };
  s.nodes[node.id] = node;
  for (const e of spec.environments) {
    const pkg = e.packageId ? s.packages[e.packageId] : undefined;
    const env: Environment = {
      id: e.id,
      nodeId: node.id,
      name: e.name,
      isProduction: e.isProduction,
      status: e.status,
      packageId: e.packageId ?? null,
      dbModelVersion: pkg ? pkg.version : null,
      planName: spec.plan,
      instances: e.instances ?? 1,
      memoryPerInstanceMb: e.memoryPerInstanceMb ?? 1024,
      constants: e.constants ?? [],
      scheduledEvents: e.scheduledEvents ?? [],
      customSettings: e.customSettings ?? [],
      tags: e.tags ?? [],
      customDomains: (e.customDomains ?? []).map((domain) => ({ domain, certificateId: null })),
      // A copy per environment: seeds spread one permission object into several environments.
      permissions: Object.fromEntries(Object.entries(e.permissions ?? {}).map(([u, p]) => [u, { ...p }])),
      startFailure: null,
      failNext: [],
    };
    s.environments[env.id] = env;
  }
  return node;
}

export function addPackage(
  s: EmulatorState,
  p: { id: string; projectId: string; version: string; mendixVersion: string; creator: string; creationDate: number; size: number; description: string; repo: RepoInfo },
): Pkg {
  const pkg: Pkg = {
    id: p.id,
    projectId: p.projectId,
    name: `Main line-${p.version}.mda`,
    description: p.description,
    version: p.version,
    mendixVersion: p.mendixVersion,
    creator: p.creator,
    creationDate: p.creationDate,
    status: 'Succeeded',
    size: p.size,
    processedAt: p.creationDate,
    timeline: null,
    constants: p.repo.constants.map((c) => ({ ...c })),
    scheduledEvents: [...p.repo.scheduledEvents],
    uploadFile: null,
    uploadSha256: null,
  };
  s.packages[pkg.id] = pkg;
  return pkg;
}

/** Environment constants as a package first sets them: value = deployed value = model default. */
export function constantsFrom(defs: PackageConstant[], overrides: Record<string, string> = {}): Constant[] {
  return defs.map((d) => {
    const v = overrides[d.name] ?? d.defaultValue;
    return { Name: d.name, DataType: d.dataType, Value: v, DeployedValue: v };
  });
}

export function eventsFrom(names: string[], enabled: Record<string, boolean>): ScheduledEvent[] {
  return names.map((n) => {
    const v = enabled[n] ? 'Enabled' : 'Disabled';
    return { Name: n, Value: v, DeployedValue: v };
  });
}

const DAY = 24 * 3600 * 1000;

/** A completed nightly backup, `daysAgo` days before `now`, at 02:00 UTC. */
export function addNightlySnapshot(s: EmulatorState, id: string, envId: string, projectId: string, now: number, daysAgo: number, modelVersion: string): Snapshot {
  const midnight = Math.floor(now / DAY) * DAY;
  const created = midnight - daysAgo * DAY + 2 * 3600 * 1000;
  const snap: Snapshot = {
    id,
    envId,
    projectId,
    kind: 'nightly',
    comment: null,
    state: 'completed',
    statusMessage: 'Completed backup creation',
    createdAt: created,
    updatedAt: created + 4 * 60 * 1000,
    finishedAt: created + 4 * 60 * 1000,
    expiresAt: created + 14 * DAY,
    modelVersion,
    databaseBytes: 512 * 1024 * 1024,
    filesBytes: 256 * 1024 * 1024,
    hasDatabase: true,
    hasFiles: true,
    timeline: null,
    uploadFile: null,
  };
  s.snapshots[id] = snap;
  return snap;
}
