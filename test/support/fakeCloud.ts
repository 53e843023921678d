/**
 * The one in-memory Mendix Cloud of the unit tests, behind the whole `MendixCloud` port: the engine's
 * calls with the semantics the steps rely on (v1 AppId = the linked node's sub-domain, linking resets
 * node permissions, transport and restore need a stopped environment, jobs finish after a few polls),
 * the Apps tree's reads and round trips, the portal actions a person would do, and seeding helpers
 * for tree tests. Every call is logged so tests can prove no non-idempotent call was repeated.
 */
import { createHash } from 'node:crypto';
import { existsSync, promises as fs } from 'node:fs';
import { dirname } from 'node:path';
import { DownloadUrlExpiredError } from '../../src/core/mendix/transfer/transferErrors';
import {
  type AppSummary,
  type BackupDataType,
  type CloudApp,
  type JobProgress,
  type MendixCloud,
  type SnapshotPage,
  type TransferListener,
  type ArchiveCheck,
  type ArchiveInfo,
  type DomainCheck,
  type DownloadResult,
  type EnvironmentInfo,
  type EnvironmentSettings,
  type NodePermission,
  type PackageInfo,
  type PermissionsInfo,
  type RestoreInfo,
  type SnapshotInfo,
  type UploadJobStatus,
  type V1Status,
  type V4App,
  type V4Environment,
} from '../../src/core/mendix/services';

interface FakeEnv {
  environmentId: string;
  mode: string;
  status: V1Status;
  packageId?: string;
  settings: EnvironmentSettings;
  tags: string[];
  permissions: Map<string, NodePermission>;
  /** Marks the data restored into it, to check the right backup landed. */
  data: string;
  /** What a seeded environment reports beyond its status (version, URL, production). */
  info?: Partial<EnvironmentInfo>;
}

interface FakeNode {
  subdomain: string;
  suffix: string;
  linkedProjectId: string | null;
  envs: FakeEnv[];
  /** The app as the account lists it (region, generation, Technical Contact), when seeded. */
  app?: CloudApp;
}

interface FakeProject {
  projectId: string;
  name: string;
  packages: (PackageInfo & { mendixVersion: string; constants: string[]; events: string[] })[];
}

interface Job {
  polls: number;
  done: boolean;
}

const ME = 'demo@example.com';
const full = (userId: string): NodePermission => ({ userId, canAccessAPI: true, canDeployApp: true, canManageBackups: true });

export class FakeCloud implements MendixCloud {
  readonly username = ME;
  readonly calls: { op: string; key: string }[] = [];
  readonly nodes = new Map<string, FakeNode>();
  readonly projects = new Map<string, FakeProject>();
  readonly snapshots = new Map<string, SnapshotInfo & { envId: string; data: string }>();
  readonly archives = new Map<string, ArchiveInfo & { polls: number; data: string }>();
  readonly restores = new Map<string, RestoreInfo & { envId: string; polls: number }>();
  private readonly startJobs = new Map<string, Job & { envId: string }>();
  private readonly uploadJobs = new Map<string, Job>();
  private readonly manifests = new Map<string, DownloadResult>();
  private seq = 0;
  /** Polls an asynchronous job needs before it completes. */
  jobPolls = 1;
  /** Next calls of an operation fail with this error (then the queue empties). */
  private readonly faults = new Map<string, Error[]>();
  /** Archive URLs handed out before this count are reported expired by `download`. */
  expireArchiveDownloads = 0;
  now: () => Date = () => new Date();
  /** The account's app list fails with this until cleared. */
  failApps: Error | undefined;
  /** When set, listAccountApps first answers as it is and hands these over through onEnriched later. */
  enrichLater: CloudApp[] | undefined;
  /** Environment lists fail with this until cleared. */
  failEnvs: Error | undefined;
  /** Holds environment lists until resolved, to observe concurrency. */
  gate: Promise<void> | undefined;
  inFlight = 0;
  maxInFlight = 0;

  static demo(): FakeCloud {
    const c = new FakeCloud();
    const settings = (): EnvironmentSettings => ({
      constants: [
        { name: 'Email.SMTPHost', value: 'smtp.mailrelay.example.com', dataType: 'String' },
        { name: 'OrderPortal.ERPBaseUrl', value: 'https://erp.example.com/api/v2/prod', dataType: 'String' },
      ],
      scheduledEvents: [
        { name: 'OrderPortal.SE_NightlyCleanup', value: 'Enabled' },
        { name: 'OrderPortal.SE_SyncInventory', value: 'Enabled' },
      ],
      customSettings: [{ name: 'ConnectionPoolingMaxActive', value: '100' }],
    });
    c.projects.set('p-src', {
      projectId: 'p-src',
      name: 'Order Portal',
      packages: [
        {
          packageId: 'pkg-1',
          name: 'Main-1.6.0.142.mda',
          version: '1.6.0.142',
          size: Buffer.byteLength('PACKAGE:pkg-1'),
          status: 'Succeeded',
          mendixVersion: '10.24.3.73587',
          constants: ['Email.SMTPHost', 'OrderPortal.ERPBaseUrl'],
          events: ['OrderPortal.SE_NightlyCleanup', 'OrderPortal.SE_SyncInventory'],
        },
      ],
    });
    c.projects.set('p-tmpa', { projectId: 'p-tmpa', name: 'Order Portal (temp A)', packages: [] });
    c.projects.set('p-tmpb', { projectId: 'p-tmpb', name: 'Order Portal (temp B)', packages: [] });
    c.nodes.set('orderportal', {
      subdomain: 'orderportal',
      suffix: '.apps.eu-1c.mendixcloud.com',
      linkedProjectId: 'p-src',
      envs: [
        {
          environmentId: 'env-src',
          mode: 'Production',
          status: 'Running',
          packageId: 'pkg-1',
          settings: settings(),
          tags: ['orders'],
          permissions: new Map([[ME, full(ME)]]),
          data: 'live-data-v1',
        },
      ],
    });
    c.nodes.set('orderportal-us', {
      subdomain: 'orderportal-us',
      suffix: '.apps.us-2a.mendixcloud.com',
      linkedProjectId: 'p-tmpa',
      envs: [
        {
          environmentId: 'env-tgt',
          mode: 'Production',
          status: 'Empty',
          settings: { constants: [], scheduledEvents: [], customSettings: [] },
          tags: [],
          permissions: new Map([[ME, full(ME)]]),
          data: '',
        },
      ],
    });
    return c;
  }

  // ---- helpers ----
  private id(prefix: string): string {
    return `${prefix}-${++this.seq}`;
  }
  private log(op: string, key = ''): void {
    this.calls.push({ op, key });
    const queue = this.faults.get(op);
    const err = queue?.shift();
    if (err) throw err;
  }
  failNext(op: string, error: Error): void {
    const q = this.faults.get(op) ?? [];
    q.push(error);
    this.faults.set(op, q);
  }
  count(op: string): number {
    return this.calls.filter((c) => c.op === op).length;
  }
  /** The keys an operation was called with, in order. */
  keys(op: string): string[] {
    return this.calls.filter((c) => c.op === op).map((c) => c.key);
  }
  node(appId: string): FakeNode {
    const n = this.nodes.get(appId);
    if (!n || !n.linkedProjectId) throw Object.assign(new Error(`App ${appId} not found`), { status: 404, errorCode: 'APP_NOT_FOUND' });
    return n;
  }
  env(appId: string, mode: string): FakeEnv {
    const e = this.node(appId).envs.find((x) => x.mode.toLowerCase() === mode.toLowerCase());
    if (!e) throw Object.assign(new Error(`Environment ${mode} not found`), { status: 404 });
    return e;
  }
  envById(id: string): FakeEnv {
    for (const n of this.nodes.values()) for (const e of n.envs) if (e.environmentId === id) return e;
    throw Object.assign(new Error(`environment ${id} not found`), { status: 404 });
  }
  private nodeOfEnv(id: string): FakeNode {
    for (const n of this.nodes.values()) if (n.envs.some((e) => e.environmentId === id)) return n;
    throw new Error('no node');
  }
  private requireAccess(env: FakeEnv, what: keyof Omit<NodePermission, 'userId'>): void {
    const p = env.permissions.get(ME);
    if (!p || !p[what]) throw Object.assign(new Error(`NO_ACCESS (${what})`), { status: 403, errorCode: 'NO_ACCESS' });
  }
  private pkg(id: string | undefined): FakeProject['packages'][number] | undefined {
    for (const p of this.projects.values()) for (const k of p.packages) if (k.packageId === id) return k;
    return undefined;
  }
  private url(n: FakeNode): string {
    return `https://${n.subdomain}${n.suffix}`;
  }

  // ---- portal actions (no API) ----
  link(projectId: string, nodeSubdomain: string): void {
    for (const n of this.nodes.values()) if (n.linkedProjectId === projectId) n.linkedProjectId = null;
    const node = this.nodes.get(nodeSubdomain);
    if (!node) throw new Error('no node');
    node.linkedProjectId = projectId;
    for (const e of node.envs) e.permissions = new Map([[ME, { userId: ME, canAccessAPI: false, canDeployApp: false, canManageBackups: false }]]);
  }
  uploadBackup(nodeSubdomain: string, mode: string, file: string): Promise<string> {
    return fs.readFile(file, 'utf8').then((text) => {
      const env = this.env(nodeSubdomain, mode);
      const id = this.id('snap-up');
      this.snapshots.set(id, { snapshotId: id, state: 'completed', comment: 'Uploaded snapshot', statusMessage: 'Completed extraction', envId: env.environmentId, data: text.replace(/^BACKUP:/, '') });
      return id;
    });
  }
  offboard(nodeSubdomain: string): void {
    this.nodes.delete(nodeSubdomain);
  }
  /** Support's URL change: the node (and so the AppId and every URL) gets a new sub-domain. */
  changeUrl(nodeSubdomain: string, newSubdomain: string): void {
    const n = this.nodes.get(nodeSubdomain);
    if (!n || this.nodes.has(newSubdomain)) throw new Error('cannot rename');
    this.nodes.delete(nodeSubdomain);
    n.subdomain = newSubdomain;
    this.nodes.set(newSubdomain, n);
  }

  // ---- MigrationServices ----
  listApps(): Promise<AppSummary[]> {
    this.log('listApps');
    const out: AppSummary[] = [];
    for (const n of this.nodes.values()) {
      const p = n.linkedProjectId ? this.projects.get(n.linkedProjectId) : undefined;
      if (p) out.push({ appId: n.subdomain, projectId: p.projectId, name: p.name, url: this.url(n) });
    }
    return Promise.resolve(out);
  }
  listEnvironments(appId: string): Promise<EnvironmentInfo[]> {
    this.log('listEnvironments', appId);
    const n = this.node(appId);
    return Promise.resolve(n.envs.map((e) => this.envInfo(n, e)));
  }
  private envInfo(n: FakeNode, e: FakeEnv): EnvironmentInfo {
    const k = this.pkg(e.packageId);
    return { environmentId: e.environmentId, mode: e.mode, url: this.url(n), modelVersion: k?.version, mendixVersion: k?.mendixVersion, production: true, ...e.info, status: e.status };
  }
  getEnvironment(appId: string, mode: string): Promise<EnvironmentInfo> {
    return Promise.resolve(this.envInfo(this.node(appId), this.env(appId, mode)));
  }
  getDeployedPackage(appId: string, mode: string): Promise<PackageInfo | undefined> {
    this.log('getDeployedPackage', appId);
    const k = this.pkg(this.env(appId, mode).packageId);
    return Promise.resolve(k ? { packageId: k.packageId, name: k.name, version: k.version, size: k.size, status: k.status, mendixVersion: k.mendixVersion } : undefined);
  }
  getDeployedPackageUrl(appId: string, mode: string): Promise<string> {
    this.log('getDeployedPackageUrl', appId);
    return Promise.resolve(`fake://package/${this.env(appId, mode).packageId ?? ''}`);
  }
  listPackages(appId: string): Promise<PackageInfo[]> {
    this.log('listPackages', appId);
    const p = this.projects.get(this.node(appId).linkedProjectId ?? '');
    return Promise.resolve((p?.packages ?? []).map((k) => ({ packageId: k.packageId, name: k.name, version: k.version, size: k.size, status: k.status })));
  }
  async uploadPackage(appId: string, file: string, name: string): Promise<{ packageId: string; jobId: string }> {
    this.log('uploadPackage', appId);
    const p = this.projects.get(this.node(appId).linkedProjectId ?? '');
    if (!p) throw new Error('no project');
    const text = await fs.readFile(file, 'utf8');
    const srcId = text.replace(/^PACKAGE:/, '');
    const src = this.pkg(srcId);
    const packageId = this.id('pkg');
    p.packages.push({ ...(src ?? { version: '1.0.0.1', mendixVersion: '10.24.3', constants: [], events: [] }), packageId, name, size: Buffer.byteLength(text), status: 'Succeeded' });
    const jobId = this.id('job');
    this.uploadJobs.set(jobId, { polls: 0, done: false });
    return { packageId, jobId };
  }
  getUploadJob(_appId: string, jobId: string): Promise<UploadJobStatus> {
    this.log('getUploadJob');
    const j = this.uploadJobs.get(jobId);
    if (!j) throw new Error('no job');
    j.polls++;
    return Promise.resolve(j.polls >= this.jobPolls ? 'Completed' : 'Running');
  }
  transport(appId: string, mode: string, packageId: string): Promise<void> {
    this.log('transport', appId);
    const env = this.env(appId, mode);
    this.requireAccess(env, 'canDeployApp');
    if (env.status === 'Running') throw Object.assign(new Error('APP_IS_RUNNING'), { status: 403, errorCode: 'APP_IS_RUNNING' });
    const project = this.projects.get(this.node(appId).linkedProjectId ?? '');
    const k = project?.packages.find((x) => x.packageId === packageId);
    if (!k) throw Object.assign(new Error('PACKAGE_NOT_FOUND'), { status: 404 });
    env.packageId = packageId;
    env.status = 'Stopped';
    const keep = new Map(env.settings.constants.map((c) => [c.name, c.value]));
    env.settings = {
      constants: k.constants.map((name) => ({ name, value: keep.get(name) ?? 'default', dataType: 'String' })),
      scheduledEvents: k.events.map((name) => ({ name, value: env.settings.scheduledEvents.find((e) => e.name === name)?.value ?? 'Disabled' })),
      customSettings: env.settings.customSettings,
    };
    return Promise.resolve();
  }
  start(appId: string, mode: string): Promise<{ jobId?: string; alreadyStarted: boolean }> {
    this.log('start', `${appId}/${mode}`);
    const env = this.env(appId, mode);
    if (env.status === 'Running') return Promise.resolve({ alreadyStarted: true });
    if (!env.packageId) throw Object.assign(new Error('NO_MDA_HAS_BEEN_DEPLOYED'), { status: 500 });
    const jobId = this.id('start');
    this.startJobs.set(jobId, { polls: 0, done: false, envId: env.environmentId });
    return Promise.resolve({ jobId, alreadyStarted: false });
  }
  getStartJob(_appId: string, _mode: string, jobId: string): Promise<'Starting' | 'Started'> {
    this.log('getStartJob');
    const j = this.startJobs.get(jobId);
    if (!j) throw Object.assign(new Error('NO_SUCH_STARTJOB'), { status: 404 });
    j.polls++;
    if (j.polls >= this.jobPolls) {
      this.envById(j.envId).status = 'Running';
      return Promise.resolve('Started');
    }
    return Promise.resolve('Starting');
  }
  stop(appId: string, mode: string): Promise<void> {
    this.log('stop', `${appId}/${mode}`);
    const env = this.env(appId, mode);
    if (env.status === 'Running') env.status = 'Stopped';
    return Promise.resolve();
  }
  getSettings(appId: string, mode: string): Promise<EnvironmentSettings> {
    this.log('getSettings', appId);
    return Promise.resolve(structuredClone(this.env(appId, mode).settings));
  }
  setSettings(appId: string, mode: string, settings: EnvironmentSettings): Promise<void> {
    this.log('setSettings', appId);
    this.env(appId, mode).settings = structuredClone(settings);
    return Promise.resolve();
  }
  scale(): Promise<void> {
    this.log('scale');
    return Promise.resolve();
  }
  getTags(appId: string, mode: string): Promise<string[]> {
    this.log('getTags', appId);
    return Promise.resolve([...this.env(appId, mode).tags]);
  }
  addTag(appId: string, mode: string, tag: string): Promise<void> {
    this.log('addTag', appId);
    const e = this.env(appId, mode);
    if (!e.tags.includes(tag)) e.tags.push(tag);
    return Promise.resolve();
  }
  removeTag(appId: string, mode: string, tag: string): Promise<void> {
    this.log('removeTag', appId);
    const e = this.env(appId, mode);
    e.tags = e.tags.filter((t) => t !== tag);
    return Promise.resolve();
  }
  deletePackage(appId: string, packageId: string): Promise<void> {
    this.log('deletePackage', packageId);
    const node = this.nodes.get(appId);
    const project = node?.linkedProjectId ? this.projects.get(node.linkedProjectId) : undefined;
    if (!project) throw Object.assign(new Error('APP_NOT_FOUND'), { status: 404 });
    if (node?.envs.some((e) => e.packageId === packageId)) throw Object.assign(new Error('PACKAGE_IN_USE'), { status: 409 });
    project.packages = project.packages.filter((p) => p.packageId !== packageId);
    return Promise.resolve();
  }
  getLogUrl(appId: string, mode: string, kind: 'logs' | 'access-logs', date: string): Promise<string | undefined> {
    this.log('getLogUrl', `${kind}/${date}`);
    this.env(appId, mode);
    return Promise.resolve(`fake://log/${appId}-${mode}-${kind}-${date}`);
  }
  getAppV4(projectId: string): Promise<V4App> {
    this.log('getAppV4');
    const p = this.projects.get(projectId);
    if (!p) throw Object.assign(new Error('Application not found'), { status: 404 });
    const node = [...this.nodes.values()].find((n) => n.linkedProjectId === projectId);
    return Promise.resolve({ id: p.projectId, name: p.name, subdomain: node?.subdomain ?? `${p.projectId}-free`, technicalContact: { userId: ME } });
  }
  listEnvironmentsV4(projectId: string): Promise<V4Environment[]> {
    this.log('listEnvironmentsV4');
    const node = [...this.nodes.values()].find((n) => n.linkedProjectId === projectId);
    return Promise.resolve(
      (node?.envs ?? []).map((e) => {
        const k = this.pkg(e.packageId);
        return { id: e.environmentId, name: e.mode, state: e.status === 'Running' ? 'running' : e.status === 'Stopped' ? 'stopped' : 'notdeployed', url: this.url(node as FakeNode), modelVersion: k?.version, runtimeVersion: k?.mendixVersion };
      }),
    );
  }
  getPermissions(_projectId: string, environmentId: string): Promise<PermissionsInfo> {
    this.log('getPermissions');
    return Promise.resolve({ technicalContact: ME, permissions: [...this.envById(environmentId).permissions.values()] });
  }
  grantNodePermissions(_projectId: string, environmentId: string, userId: string): Promise<void> {
    this.log('grantNodePermissions');
    this.envById(environmentId).permissions.set(userId, full(userId));
    return Promise.resolve();
  }
  listSnapshots(_projectId: string, environmentId: string): Promise<SnapshotInfo[]> {
    this.log('listSnapshots');
    this.requireAccess(this.envById(environmentId), 'canManageBackups');
    return Promise.resolve([...this.snapshots.values()].filter((s) => s.envId === environmentId).map((s) => ({ ...s })));
  }
  getSnapshot(_projectId: string, environmentId: string, snapshotId: string): Promise<SnapshotInfo> {
    this.log('getSnapshot');
    const s = this.snapshots.get(snapshotId);
    if (!s || s.envId !== environmentId) throw Object.assign(new Error('NOT_FOUND'), { status: 404 });
    if (s.state !== 'completed') s.state = 'completed';
    return Promise.resolve({ ...s });
  }
  createSnapshot(_projectId: string, environmentId: string, comment: string): Promise<SnapshotInfo> {
    this.log('createSnapshot', environmentId);
    const env = this.envById(environmentId);
    this.requireAccess(env, 'canManageBackups');
    const id = this.id('snap');
    const s = { snapshotId: id, state: 'queued' as const, comment, envId: environmentId, data: env.data, createdAt: this.now().toISOString() };
    this.snapshots.set(id, s);
    return Promise.resolve({ ...s });
  }
  deleteSnapshot(_projectId: string, environmentId: string, snapshotId: string): Promise<void> {
    this.log('deleteSnapshot', snapshotId);
    const s = this.snapshots.get(snapshotId);
    if (s?.envId === environmentId) this.snapshots.delete(snapshotId);
    return Promise.resolve();
  }
  createArchive(_projectId: string, environmentId: string, snapshotId: string): Promise<ArchiveInfo> {
    this.log('createArchive', snapshotId);
    const s = this.snapshots.get(snapshotId);
    if (!s || s.envId !== environmentId) throw Object.assign(new Error('NOT_FOUND'), { status: 404 });
    const id = this.id('arch');
    this.archives.set(id, { archiveId: id, snapshotId, state: 'queued', url: null, polls: 0, data: s.data });
    return Promise.resolve({ archiveId: id, snapshotId, state: 'queued', url: null });
  }
  getArchive(_projectId: string, _environmentId: string, _snapshotId: string, archiveId: string): Promise<ArchiveInfo> {
    this.log('getArchive');
    const a = this.archives.get(archiveId);
    if (!a) throw Object.assign(new Error('NOT_FOUND'), { status: 404 });
    a.polls++;
    if (a.polls >= this.jobPolls) {
      a.state = 'completed';
      a.url = `fake://archive/${archiveId}`;
      a.finishedAt = a.finishedAt ?? this.now().toISOString();
    }
    return Promise.resolve({ archiveId: a.archiveId, snapshotId: a.snapshotId, state: a.state, url: a.url, finishedAt: a.finishedAt });
  }
  createRestore(_projectId: string, environmentId: string, snapshotId: string): Promise<RestoreInfo> {
    this.log('createRestore', environmentId);
    const env = this.envById(environmentId);
    this.requireAccess(env, 'canManageBackups');
    if (env.status === 'Running') throw Object.assign(new Error('ERROR_NOT_ALLOWED: app must be stopped'), { status: 400 });
    const s = this.snapshots.get(snapshotId);
    if (!s || s.envId !== environmentId) throw Object.assign(new Error('NOT_FOUND'), { status: 400 });
    const id = this.id('restore');
    this.restores.set(id, { restoreId: id, state: 'queued', sourceSnapshotId: snapshotId, envId: environmentId, polls: 0 });
    env.data = s.data;
    return Promise.resolve({ restoreId: id, state: 'queued', sourceSnapshotId: snapshotId });
  }
  getRestore(_projectId: string, _environmentId: string, restoreId: string): Promise<RestoreInfo> {
    this.log('getRestore');
    const r = this.restores.get(restoreId);
    if (!r) throw Object.assign(new Error('NOT_FOUND'), { status: 400 });
    r.polls++;
    if (r.polls >= this.jobPolls) r.state = 'completed';
    return Promise.resolve({ restoreId: r.restoreId, state: r.state, sourceSnapshotId: r.sourceSnapshotId });
  }
  async download(url: string, dest: string): Promise<DownloadResult> {
    this.log('download', url);
    const [, kind, id] = /^fake:\/\/(package|archive|log)\/(.*)$/.exec(url) ?? [];
    if (kind === 'archive' && this.expireArchiveDownloads > 0) {
      this.expireArchiveDownloads--;
      throw new DownloadUrlExpiredError(`archive ${id}`, 'Request has expired');
    }
    const text = kind === 'package' ? `PACKAGE:${id}` : kind === 'log' ? `LOG:${id}` : `BACKUP:${this.archives.get(id)?.data ?? ''}`;
    await fs.mkdir(dirname(dest), { recursive: true });
    await fs.writeFile(dest, text);
    const r = { path: dest, size: Buffer.byteLength(text), sha256: createHash('sha256').update(text).digest('hex') };
    this.manifests.set(dest, r);
    return r;
  }
  readDownloadManifest(dest: string): Promise<DownloadResult | undefined> {
    return Promise.resolve(existsSync(dest) ? this.manifests.get(dest) : undefined);
  }
  async rehashDownload(dest: string): Promise<{ ok: boolean; detail: string }> {
    const m = this.manifests.get(dest);
    if (!m || !existsSync(dest)) return { ok: false, detail: 'no manifest' };
    const sha = createHash('sha256').update(await fs.readFile(dest)).digest('hex');
    return sha === m.sha256 ? { ok: true, detail: 'SHA-256 matches' } : { ok: false, detail: 'SHA-256 differs from the manifest' };
  }
  async verifyBackupArchive(file: string): Promise<ArchiveCheck> {
    const text = await fs.readFile(file, 'utf8');
    return text.startsWith('BACKUP:') ? { ok: true, detail: 'fake archive structure ok' } : { ok: false, detail: 'not a backup' };
  }
  freeDiskBytes(): Promise<number> {
    return Promise.resolve(100 * 1024 ** 3);
  }
  /** Public DNS as the fake sees it: domain → CNAME target and TTL. */
  readonly dns = new Map<string, { target: string; ttl: number }>();
  /** Where Mendix's record `<domain>.cname.mendix.net` ends: the host of the environment the domain is bound to. */
  readonly mendixRecord = new Map<string, string>();
  /** The target hosts the engine asked the domain check about. */
  readonly domainTargets: (string | undefined)[] = [];
  checkCustomDomain(domain: string, target?: { host: string }): Promise<DomainCheck> {
    this.log('checkCustomDomain', domain);
    this.domainTargets.push(target?.host);
    const r = this.dns.get(domain);
    const want = `${domain}.cname.mendix.net`;
    const ends = this.mendixRecord.get(domain);
    const chainEndOk = ends === undefined || target === undefined ? undefined : ends === target.host;
    return Promise.resolve({
      cnameOk: r?.target === want,
      ttlSeconds: r?.ttl,
      propagatedPercent: r?.target === want ? 100 : 0,
      ...(chainEndOk === undefined ? {} : { chainEndOk }),
      detail: `${domain} → ${r?.target ?? 'nothing'}${ends === undefined ? '' : ` → ${ends}`}`,
    });
  }
  httpCheck(url: string): Promise<{ ok: boolean; status: number; detail: string }> {
    this.log('httpCheck', url);
    return Promise.resolve({ ok: true, status: 200, detail: 'ok' });
  }
  // ---- the Apps tree's part of the port ----
  async listAccountApps(opts: { onEnriched?: (apps: CloudApp[]) => void } = {}): Promise<CloudApp[]> {
    this.log('listAccountApps');
    if (this.failApps) throw this.failApps;
    const later = this.enrichLater;
    const onEnriched = opts.onEnriched;
    if (later && onEnriched) setTimeout(() => onEnriched(later), 5);
    const out: CloudApp[] = [];
    for (const n of this.nodes.values()) {
      const p = n.linkedProjectId ? this.projects.get(n.linkedProjectId) : undefined;
      if (p) out.push(n.app ? { ...n.app } : { appId: n.subdomain, projectId: p.projectId, name: p.name, url: this.url(n), generation: 'v4' });
    }
    return Promise.resolve(out);
  }
  async listAppEnvironments(app: CloudApp): Promise<EnvironmentInfo[]> {
    this.log('listAppEnvironments', app.appId);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      if (this.failEnvs) throw this.failEnvs;
      if (app.generation === 'none') return [];
      const n = this.node(app.appId);
      return n.envs.map((e) => this.envInfo(n, e));
    } finally {
      this.inFlight--;
    }
  }
  listSnapshotPage(_projectId: string, environmentId: string, offset: number, limit: number): Promise<SnapshotPage> {
    this.log('listSnapshotPage', `${offset}:${limit}`);
    const all = [...this.snapshots.values()].filter((s) => s.envId === environmentId).map(({ envId: _e, data: _d, ...s }) => s);
    return Promise.resolve({ items: all.slice(offset, offset + limit), total: all.length });
  }
  async startAndWait(appId: string, mode: string, progress: JobProgress): Promise<void> {
    const r = await this.start(appId, mode);
    if (r.alreadyStarted || !r.jobId) return;
    progress('Starting');
    while ((await this.getStartJob(appId, mode, r.jobId)) !== 'Started') progress('Starting');
  }
  async createSnapshotAndWait(projectId: string, environmentId: string, comment: string): Promise<SnapshotInfo> {
    const s = await this.createSnapshot(projectId, environmentId, comment);
    return this.getSnapshot(projectId, environmentId, s.snapshotId);
  }
  downloadDeployedPackage(app: CloudApp, e: EnvironmentInfo, folder: string, progress: TransferListener): Promise<DownloadResult> {
    this.log('downloadDeployedPackage', `${app.appId}/${e.mode}`);
    const k = this.pkg(this.env(app.appId, e.mode).packageId);
    const size = k?.size ?? 0;
    progress({ bytes: size / 2, total: size, bytesPerSecond: size / 2, etaSeconds: 1 });
    progress({ bytes: size, total: size, bytesPerSecond: size / 2, etaSeconds: 0 });
    return Promise.resolve({ path: `${folder}/${k?.name ?? 'package.mda'}`, size, sha256: 'not-hashed' });
  }
  downloadBackup(_app: CloudApp, _e: EnvironmentInfo, snap: SnapshotInfo, dataType: BackupDataType, folder: string, progress: { job: JobProgress; transfer: TransferListener }): Promise<DownloadResult> {
    this.log('downloadBackup', `${snap.snapshotId}/${dataType}`);
    progress.job('queued');
    progress.transfer({ bytes: 10, total: 10 });
    return Promise.resolve({ path: `${folder}/backup.tar.gz`, size: 10, sha256: 'not-hashed' });
  }

  // ---- seeding, for tree tests ----
  /** Replaces every app: one project and one node (sub-domain = appId) each, no environments yet. */
  setApps(apps: CloudApp[]): void {
    this.nodes.clear();
    this.projects.clear();
    for (const a of apps) {
      this.projects.set(a.projectId, { projectId: a.projectId, name: a.name, packages: [] });
      this.nodes.set(a.appId, { subdomain: a.appId, suffix: '.example.test', linkedProjectId: a.projectId, envs: [], app: { ...a } });
    }
  }
  /** Replaces an app's environments; each one not empty runs `Main-1.0.0.1.mda` (2 KB). */
  setEnvironments(appId: string, envs: EnvironmentInfo[]): void {
    const n = this.node(appId);
    const project = this.projects.get(n.linkedProjectId ?? '');
    if (project && !project.packages.some((k) => k.packageId === 'pkg-1')) {
      project.packages.push({ packageId: 'pkg-1', name: 'Main-1.0.0.1.mda', version: '1.0.0.1', size: 2048, mendixVersion: '10.24.3', constants: [], events: [] });
    }
    n.envs = envs.map((e) => ({
      environmentId: e.environmentId,
      mode: e.mode,
      status: e.status,
      packageId: e.status === 'Empty' ? undefined : 'pkg-1',
      settings: { constants: [], scheduledEvents: [], customSettings: [] },
      tags: [],
      permissions: new Map([[ME, full(ME)]]),
      data: '',
      info: { ...e },
    }));
  }
  /** Replaces an environment's snapshots, newest first. */
  setSnapshots(environmentId: string, snaps: SnapshotInfo[]): void {
    for (const [id, s] of this.snapshots) if (s.envId === environmentId) this.snapshots.delete(id);
    for (const s of snaps) this.snapshots.set(s.snapshotId, { ...s, envId: environmentId, data: '' });
  }
  /** Replaces an environment's settings without logging a call. */
  seedSettings(appId: string, mode: string, settings: EnvironmentSettings): void {
    this.env(appId, mode).settings = structuredClone(settings);
  }

  /** The node an environment belongs to (for assertions). */
  nodeOf(environmentId: string): string {
    return this.nodeOfEnv(environmentId).subdomain;
  }
}
