/** In-memory stand-ins for the explorer's dependencies: typed, scripted, recording what happened. */
import type { SecretBackend, SecretKey } from '../../../../src/core/ui/accounts/accounts';
import { AccountStore } from '../../../../src/core/ui/accounts/accounts';
import type { BackupDataType, CloudService, CredentialCheck, Credentials, DownloadResult, JobProgress, TransferProgress } from '../../../../src/core/mendix/cloudService';
import type { CommandDeps, TreeControl } from '../../../../src/core/ui/explorer/commands/commandDeps';
import { UserCancelledError } from '../../../../src/core/ui/kit/errors';
import { Limiter } from '../../../../src/core/ui/kit/limiter';
import type { CloudApp, CloudEnvironment, DeployedPackage, EnvironmentSettings, Snapshot, SnapshotPage } from '../../../../src/core/mendix/model';
import { AppsRoot } from '../../../../src/core/ui/explorer/nodes/appsRoot';
import type { ExplorerEnv, ExplorerNode } from '../../../../src/core/ui/explorer/nodes/explorerNode';
import type { Host, InputOptions, PickItem, PickOptions, ProgressReport, ProgressRunner, UserInput } from '../../../../src/core/ui/kit/userInput';
import { createLogger } from '../../../../src/core/shared/logger';
import { MemoryLogSink } from '../../../support/memoryLogSink';

export class MemorySecrets implements SecretBackend {
  readonly data = new Map<string, string>();
  get(key: SecretKey): Promise<string | undefined> {
    return Promise.resolve(this.data.get(key));
  }
  store(key: SecretKey, value: string): Promise<void> {
    this.data.set(key, value);
    return Promise.resolve();
  }
  delete(key: SecretKey): Promise<void> {
    this.data.delete(key);
    return Promise.resolve();
  }
}

export function app(name: string, extra: Partial<CloudApp> = {}): CloudApp {
  const sub = name.toLowerCase().replace(/[^a-z0-9]+/g, '');
  return { appId: sub, projectId: `p-${sub}`, name, generation: 'v4', region: 'prod2-eu-central-1', ...extra };
}

export function environment(mode: string, extra: Partial<CloudEnvironment> = {}): CloudEnvironment {
  return { environmentId: `e-${mode.toLowerCase()}`, mode, status: 'running', production: mode === 'Production', mendixVersion: '10.24.3', modelVersion: '1.0.0.1', ...extra };
}

/** A CloudService over plain data; counts calls and can be told to fail. */
export class FakeCloudService implements CloudService {
  apps: CloudApp[] = [];
  envs = new Map<string, CloudEnvironment[]>();
  snapshots: Snapshot[] = [];
  settings: EnvironmentSettings = { constants: [], scheduledEvents: [], customSettings: [] };
  pkg: DeployedPackage | undefined = { packageId: 'pkg-1', name: 'Main-1.0.0.1.mda', version: '1.0.0.1', sizeBytes: 2048 };
  failApps: Error | undefined;
  /** When set, listApps first answers without regions and hands these over through onEnriched later. */
  enrichLater: CloudApp[] | undefined;
  failEnvs: Error | undefined;
  calls: string[] = [];
  /** Resolves environment loads only when released, to observe concurrency. */
  gate: Promise<void> | undefined;
  inFlight = 0;
  maxInFlight = 0;

  async listApps(_signal?: AbortSignal, onEnriched?: (apps: CloudApp[]) => void): Promise<CloudApp[]> {
    this.calls.push('listApps');
    if (this.failApps) throw this.failApps;
    const later = this.enrichLater;
    if (later && onEnriched) setTimeout(() => onEnriched(later), 5);
    return Promise.resolve(this.apps.map((a) => ({ ...a })));
  }
  async listEnvironments(a: CloudApp): Promise<CloudEnvironment[]> {
    this.calls.push(`listEnvironments:${a.appId}`);
    this.inFlight++;
    this.maxInFlight = Math.max(this.maxInFlight, this.inFlight);
    try {
      if (this.gate) await this.gate;
      if (this.failEnvs) throw this.failEnvs;
      return (this.envs.get(a.appId) ?? []).map((e) => ({ ...e }));
    } finally {
      this.inFlight--;
    }
  }
  getDeployedPackage(): Promise<DeployedPackage | undefined> {
    this.calls.push('getDeployedPackage');
    return Promise.resolve(this.pkg);
  }
  listSnapshots(_a: CloudApp, _e: CloudEnvironment, offset: number, limit: number): Promise<SnapshotPage> {
    this.calls.push(`listSnapshots:${offset}:${limit}`);
    return Promise.resolve({ items: this.snapshots.slice(offset, offset + limit), total: this.snapshots.length });
  }
  getSettings(): Promise<EnvironmentSettings> {
    this.calls.push('getSettings');
    return Promise.resolve(this.settings);
  }
  startEnvironment(a: CloudApp, e: CloudEnvironment, progress: JobProgress): Promise<void> {
    this.calls.push(`start:${a.appId}:${e.mode}`);
    progress('Starting');
    this.setStatus(a, e, 'running');
    return Promise.resolve();
  }
  stopEnvironment(a: CloudApp, e: CloudEnvironment): Promise<void> {
    this.calls.push(`stop:${a.appId}:${e.mode}`);
    this.setStatus(a, e, 'stopped');
    return Promise.resolve();
  }
  createSnapshot(a: CloudApp, e: CloudEnvironment, comment: string): Promise<Snapshot> {
    this.calls.push(`createSnapshot:${a.appId}:${e.mode}:${comment}`);
    const s: Snapshot = { snapshotId: `s-${this.snapshots.length + 1}`, state: 'completed', comment };
    this.snapshots.unshift(s);
    return Promise.resolve(s);
  }
  downloadDeployedPackage(_a: CloudApp, _e: CloudEnvironment, folder: string, progress: TransferProgress): Promise<DownloadResult> {
    progress({ bytes: 1024, total: 2048, bytesPerSecond: 1024, etaSeconds: 1 });
    progress({ bytes: 2048, total: 2048, bytesPerSecond: 1024, etaSeconds: 0 });
    return Promise.resolve({ file: `${folder}/Main.mda`, bytes: 2048 });
  }
  downloadBackup(_a: CloudApp, _e: CloudEnvironment, s: Snapshot, t: BackupDataType, folder: string, progress: { job: JobProgress; transfer: TransferProgress }): Promise<DownloadResult> {
    this.calls.push(`downloadBackup:${s.snapshotId}:${t}`);
    progress.job('queued');
    progress.transfer({ bytes: 10, total: 10 });
    return Promise.resolve({ file: `${folder}/backup.tar.gz`, bytes: 10 });
  }
  private setStatus(a: CloudApp, e: CloudEnvironment, status: CloudEnvironment['status']): void {
    const list = this.envs.get(a.appId) ?? [];
    this.envs.set(
      a.appId,
      list.map((x) => (x.environmentId === e.environmentId ? { ...x, status } : x)),
    );
  }
}

type Answer = string | ((items: readonly PickItem<unknown>[]) => unknown) | typeof CANCEL;
export const CANCEL = Symbol('cancel');

/** Answers prompts in order; records what was asked. Runs validators so tests see what a person would. */
export class ScriptedInput implements UserInput {
  readonly asked: string[] = [];
  readonly titles: string[] = [];
  readonly infos: string[] = [];
  readonly validationErrors: string[] = [];
  constructor(private readonly answers: Answer[]) {}

  private next(what: string): Answer {
    this.asked.push(what);
    if (this.answers.length === 0) throw new Error(`No scripted answer for: ${what}`);
    return this.answers.shift() as Answer;
  }
  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T> {
    this.titles.push(options.title);
    const a = this.next(`pick: ${options.title}`);
    if (a === CANCEL) return Promise.reject(new UserCancelledError());
    if (typeof a === 'function') return Promise.resolve(a(items) as T);
    const hit = items.find((i) => i.label === a);
    if (!hit) throw new Error(`No item "${a}" in ${items.map((i) => i.label).join(', ')}`);
    return Promise.resolve(hit.value);
  }
  input(options: InputOptions): Promise<string> {
    this.titles.push(options.title);
    const a = this.next(`input: ${options.prompt ?? options.title}`);
    if (a === CANCEL) return Promise.reject(new UserCancelledError());
    if (typeof a !== 'string') throw new Error('input answers must be strings');
    const err = options.validate?.(a);
    if (err) {
      this.validationErrors.push(err);
      // A person cannot submit an invalid value; they give up instead.
      return Promise.reject(new UserCancelledError());
    }
    return Promise.resolve(a);
  }
  confirm(message: string, confirmLabel: string): Promise<void> {
    const a = this.next(`confirm: ${message}`);
    return a === confirmLabel ? Promise.resolve() : Promise.reject(new UserCancelledError());
  }
  pickFolder(title: string): Promise<string> {
    const a = this.next(`folder: ${title}`);
    if (typeof a !== 'string') return Promise.reject(new UserCancelledError());
    return Promise.resolve(a);
  }
  info(message: string): Promise<string | undefined> {
    this.infos.push(message);
    return Promise.resolve(undefined);
  }
}

export class RecordingProgress implements ProgressRunner {
  readonly reports: ProgressReport[] = [];
  readonly titles: string[] = [];
  run<T>(title: string, task: (report: (p: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    this.titles.push(title);
    return task((p) => this.reports.push(p), new AbortController().signal);
  }
}

export class FakeHost implements Host {
  clipboard = '';
  opened: string[] = [];
  documents: string[] = [];
  masked: string[] = [];
  copyToClipboard(text: string): Promise<void> {
    this.clipboard = text;
    return Promise.resolve();
  }
  openExternal(url: string): Promise<void> {
    this.opened.push(url);
    return Promise.resolve();
  }
  openDocument(content: string): Promise<void> {
    this.documents.push(content);
    return Promise.resolve();
  }
  revealFile(): Promise<void> {
    return Promise.resolve();
  }
  files: string[] = [];
  openFile(path: string): Promise<void> {
    this.files.push(path);
    return Promise.resolve();
  }
  showLog(): void {}
  maskSecret(value: string): void {
    this.masked.push(value);
  }
}

export class FakeTree implements TreeControl {
  refreshed: (ExplorerNode | undefined)[] = [];
  redrawn: (ExplorerNode | undefined)[] = [];
  filter = '';
  refresh(node?: ExplorerNode): void {
    if (node && 'invalidate' in node && typeof node.invalidate === 'function') (node.invalidate as () => void)();
    this.refreshed.push(node);
  }
  redraw(node?: ExplorerNode): void {
    this.redrawn.push(node);
  }
  filterText(): string {
    return this.filter;
  }
  setFilter(text: string): void {
    this.filter = text;
  }
}

export interface World {
  env: ExplorerEnv & { time: number; filter: string; epochValue: number; changedNodes: ExplorerNode[] };
  secrets: MemorySecrets;
  accounts: AccountStore;
  services: Map<string, FakeCloudService>;
  root: AppsRoot;
  states: { signedIn: boolean; noApps: boolean }[];
  logs: MemoryLogSink;
}

/** An explorer over fake services; each account gets its own FakeCloudService, made on first use. */
export function world(opts: { pageSize?: number; ttlMs?: number; maxConcurrent?: number } = {}): World {
  const logs = new MemoryLogSink();
  const env = {
    time: 1_000_000,
    filter: '',
    epochValue: 0,
    now() {
      return env.time;
    },
    cacheTtlMs: opts.ttlMs ?? 30_000,
    pageSize: () => opts.pageSize ?? 100,
    limiter: new Limiter(opts.maxConcurrent ?? 4),
    filterText() {
      return env.filter;
    },
    epoch() {
      return env.epochValue;
    },
    changedNodes: [] as ExplorerNode[],
    changed(node: ExplorerNode) {
      env.changedNodes.push(node);
    },
    log: createLogger(logs.sink),
  };
  const secrets = new MemorySecrets();
  const accounts = new AccountStore(secrets);
  const services = new Map<string, FakeCloudService>();
  const states: World['states'] = [];
  const root = new AppsRoot(
    env,
    () => accounts.list(),
    (a) => {
      let s = services.get(a.id);
      if (!s) {
        s = new FakeCloudService();
        services.set(a.id, s);
      }
      return Promise.resolve(s);
    },
    (s) => states.push(s),
  );
  return { env, secrets, accounts, services, root, states, logs };
}

export function deps(w: World, ui: ScriptedInput, check: (c: Credentials) => CredentialCheck = () => ({ ok: true, problems: [] })): CommandDeps & { host: FakeHost; tree: FakeTree; progress: RecordingProgress } {
  return {
    ui,
    progress: new RecordingProgress(),
    host: new FakeHost(),
    accounts: w.accounts,
    checkCredentials: (c) => Promise.resolve(check(c)),
    root: w.root,
    tree: new FakeTree(),
    settings: { downloadFolder: () => '/tmp/downloads' },
    log: w.env.log,
  };
}

/** Labels of a node list, for readable assertions. */
export function labels(nodes: ExplorerNode[]): string[] {
  return nodes.map((n) => n.getTreeItem().label);
}
