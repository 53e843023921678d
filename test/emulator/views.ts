/** Response shapes of every family, built from the model (field names exactly as the contract lists them). */
import { environmentUrl, type AppNode, type Archive, type Certificate, type Environment, type Pkg, type Project, type Restore, type Snapshot } from './model';
import { regionOf } from './regions';
import type { Store } from './store';

export function iso(ms: number | null): string | null {
  return ms === null ? null : new Date(ms).toISOString();
}

export function v1App(store: Store, project: Project, node: AppNode): Record<string, unknown> {
  const prod = store.environmentsOf(node).find((e) => e.isProduction) ?? store.environmentsOf(node)[0];
  return {
    AppId: node.subdomain,
    Name: project.name,
    ProjectId: project.id,
    Url: prod ? environmentUrl(node, prod) : `https://${node.subdomain}${regionOf(node.regionKey).suffix}`,
  };
}

export function v1Env(store: Store, env: Environment): Record<string, unknown> {
  const node = store.nodeOfEnvironment(env);
  // After a transport into a running environment, the running package is the old one until the next start.
  const runningId = env.runningPackageId ?? env.packageId;
  const pkg = runningId ? store.state.packages[runningId] : undefined;
  return {
    Status: env.status,
    EnvironmentId: env.id,
    Url: environmentUrl(node, env),
    Mode: env.name,
    ModelVersion: pkg?.version ?? null,
    MendixVersion: pkg?.mendixVersion ?? null,
    Production: env.isProduction,
  };
}

export function v1Scaled(store: Store, env: Environment): Record<string, unknown> {
  const base = v1Env(store, env);
  return {
    Status: base.Status,
    Instances: env.instances,
    Mode: base.Mode,
    Production: base.Production,
    MemoryPerInstance: env.memoryPerInstanceMb,
    TotalMemory: env.instances * env.memoryPerInstanceMb,
    ModelVersion: base.ModelVersion,
    MendixVersion: base.MendixVersion,
    Url: base.Url,
  };
}

export function packageView(pkg: Pkg): Record<string, unknown> {
  return {
    PackageId: pkg.id,
    Name: pkg.name,
    Description: pkg.description,
    Version: pkg.version,
    Creator: pkg.creator,
    CreationDate: pkg.creationDate,
    Status: pkg.status,
    Size: pkg.size,
  };
}

export function snapshotView(x: Snapshot): Record<string, unknown> {
  return {
    snapshot_id: x.id,
    status_message: x.statusMessage,
    created_at: iso(x.createdAt),
    updated_at: iso(x.updatedAt),
    finished_at: iso(x.finishedAt),
    state: x.state,
    model_version: x.modelVersion,
    expires_at: iso(x.expiresAt),
    comment: x.comment,
  };
}

export function archiveView(x: Archive, url: string | null): Record<string, unknown> {
  return {
    archive_id: x.id,
    snapshot_id: x.snapshotId,
    data_type: x.dataType,
    status_message: x.statusMessage,
    created_at: iso(x.createdAt),
    updated_at: iso(x.updatedAt),
    finished_at: iso(x.finishedAt),
    state: x.state,
    url,
  };
}

export function restoreView(x: Restore): Record<string, unknown> {
  return {
    restore_id: x.id,
    source_snapshot_id: x.sourceSnapshotId,
    source_environment_id: x.sourceEnvId,
    target_environment_id: x.targetEnvId,
    status_message: x.statusMessage,
    created_at: iso(x.createdAt),
    updated_at: iso(x.updatedAt),
    finished_at: iso(x.finishedAt),
    state: x.state,
  };
}

/** `node` may be passed by callers that already looked it up (listing many apps). */
export function v4App(store: Store, project: Project, node: AppNode | undefined = store.nodeOfProject(project.id)): Record<string, unknown> {
  const tcId = node ? node.technicalContactId : project.ownerId;
  const tc = store.state.users[tcId];
  return {
    id: project.id,
    name: project.name,
    licenseType: node && node.generation !== 'free' ? 'licensed' : 'free',
    subdomain: node ? node.subdomain : project.freeSubdomain,
    technicalContact: { userId: tcId, name: tc?.name ?? tcId, status: tc ? 'active' : 'inactive' },
    region: node ? regionOf(node.regionKey).cluster : regionOf('free').cluster,
  };
}

export function v4Package(pkg: Pkg, inUse: boolean): Record<string, unknown> {
  return {
    id: pkg.id,
    appId: pkg.projectId,
    modelVersion: pkg.version,
    runtimeVersion: pkg.mendixVersion,
    createdOn: iso(pkg.creationDate),
    ...(inUse ? {} : { expiresOn: iso(pkg.creationDate + 90 * 24 * 3600 * 1000) }),
    description: pkg.description,
    fileName: pkg.name,
    fileSize: pkg.size,
  };
}

export function v4Env(store: Store, env: Environment, appId: string, expandPackage: boolean): Record<string, unknown> {
  const node = store.nodeOfEnvironment(env);
  const pkg = env.packageId ? store.state.packages[env.packageId] : undefined;
  const state = env.status === 'Running' ? 'running' : env.status === 'Stopped' ? 'stopped' : 'notdeployed';
  // A package counts as used while it runs; a transported package waiting for a start (or one on a
  // stopped environment) is unused and carries `expiresOn` (§14.10).
  const inUse = env.status === 'Running' && !env.runningPackageId;
  return {
    id: env.id,
    appId,
    name: env.displayName ?? env.name,
    state,
    isProduction: env.isProduction,
    url: environmentUrl(node, env),
    dbVersion: node.dbVersion,
    planName: env.planName,
    ...(expandPackage && pkg ? { package: v4Package(pkg, inUse) } : {}),
  };
}

const FIFTEEN_DAYS = 15 * 24 * 3600 * 1000;

export function certificateStatus(cert: Certificate, now: number): string {
  if (now < cert.validFrom) return 'UPCOMING';
  if (now > cert.validTill) return 'EXPIRED';
  if (cert.validTill - now <= FIFTEEN_DAYS) return 'EXPIRES SOON';
  return 'VALID';
}

export function certificateView(cert: Certificate, now: number, linked: number): Record<string, unknown> {
  return {
    id: cert.id,
    description: cert.description,
    validFrom: iso(cert.validFrom),
    validTill: iso(cert.validTill),
    createdAt: iso(cert.createdAt),
    updatedAt: iso(cert.updatedAt),
    status: certificateStatus(cert, now),
    inUse: linked > 0,
    linkedFqdnsCount: linked,
  };
}
