/** In-memory stand-ins for the explorer's dependencies: typed, scripted, recording what happened. */
import { GRANT, type AccessItem, type AccessReport } from '../../src/core/doctor/accessCheck';
import type { AccessCredentials } from '../../src/core/doctor/accessChecker';
import type { SecretBackend, SecretKey } from '../../src/core/ui/accounts/accounts';
import { AccountStore } from '../../src/core/ui/accounts/accounts';
import type { CommandDeps, TreeControl } from '../../src/core/ui/explorer/commands/commandDeps';
import { UserCancelledError } from '../../src/core/ui/kit/errors';
import { Limiter } from '../../src/core/ui/kit/limiter';
import type { CloudApp, CredentialCheck, Credentials, EnvironmentInfo } from '../../src/core/mendix/services';
import { AppsRoot } from '../../src/core/ui/explorer/nodes/appsRoot';
import type { ExplorerEnv, ExplorerNode } from '../../src/core/ui/explorer/nodes/explorerNode';
import { activeIndex, arrangeRows, GoBackError } from '../../src/core/ui/kit/userInput';
import type { ConfirmOptions, Host, InputOptions, PickItem, PickOptions, PickSource, ProgressReport, ProgressRunner, UserInput } from '../../src/core/ui/kit/userInput';
import { createLogger } from '../../src/core/shared/logger';
import { MemoryLogSink } from './memoryLogSink';
import { FakeCloud } from './fakeCloud';

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

export function environment(mode: string, extra: Partial<EnvironmentInfo> = {}): EnvironmentInfo {
  return { environmentId: `e-${mode.toLowerCase()}`, mode, status: 'Running', url: '', production: mode === 'Production', mendixVersion: '10.24.3', modelVersion: '1.0.0.1', ...extra };
}

type Answer = string | ((items: readonly PickItem<unknown>[]) => unknown) | typeof CANCEL | typeof BACK | typeof LEAVE_OPEN;
export const CANCEL = Symbol('cancel');
/** Leaves an input box open, unanswered, until its question no longer stands (its signal aborts). */
export const LEAVE_OPEN = Symbol('leave open');
/** Presses the Back button of the prompt (which must have one). */
export const BACK = Symbol('back');

/** A quick pick as a person saw it: its rows in screen order and the focused one. */
export interface SeenPick {
  title: string;
  placeholder?: string;
  back: boolean;
  /** The rows were still loading when the pick opened (it showed "Loading…"). */
  loading: boolean;
  rows: PickItem<unknown>[];
  focused: string | undefined;
}

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
  /** Every quick pick shown, in order. */
  readonly picks: SeenPick[] = [];
  /** Reasons given when a disabled row was picked (the pick then asked again). */
  readonly refused: string[] = [];
  async pick<T>(source: PickSource<T>, options: PickOptions<T>): Promise<T> {
    const items = await source;
    const rows = arrangeRows(items).rows;
    this.picks.push({ title: options.title, placeholder: options.placeholder, back: options.back === true, loading: !Array.isArray(source), rows, focused: rows.length ? rows[activeIndex(rows, options.isActive)].label : undefined });
    this.titles.push(options.title);
    for (;;) {
      const a = this.next(`pick: ${options.title}`);
      if (a === CANCEL) throw new UserCancelledError();
      if (a === BACK) {
        if (!options.back) throw new Error(`no Back button on: ${options.title}`);
        throw new GoBackError(options.title);
      }
      if (typeof a === 'function') return a(items) as T;
      if (a === LEAVE_OPEN) throw new Error(`a quick pick cannot be left open: ${options.title}`);
      const hit = items.find((i) => i.label === a);
      if (!hit) throw new Error(`No item "${a}" in ${items.map((i) => i.label).join(', ')}`);
      // As in VS Code: a disabled row is refused with its reason and the same question stays open.
      if (hit.disabled === undefined) return hit.value;
      this.refused.push(hit.disabled);
    }
  }
  /** Every input box shown, with the value it opened with. */
  readonly inputs: InputOptions[] = [];
  input(options: InputOptions): Promise<string> {
    this.inputs.push(options);
    this.titles.push(options.title);
    const a = this.next(`input: ${options.prompt ?? options.title}`);
    if (a === CANCEL) return Promise.reject(new UserCancelledError());
    if (a === BACK) return Promise.reject(options.back ? new GoBackError(options.title) : new Error(`no Back button on: ${options.title}`));
    if (a === LEAVE_OPEN) {
      return new Promise((_resolve, reject) => {
        if (!options.signal) return reject(new Error(`an input left open must be closable: ${options.title}`));
        options.signal.addEventListener('abort', () => reject(new UserCancelledError(options.title)), { once: true });
      });
    }
    if (typeof a !== 'string') throw new Error('input answers must be strings');
    const err = options.validate?.(a);
    if (err) {
      this.validationErrors.push(err);
      // A person cannot submit an invalid value; they give up instead.
      return Promise.reject(new UserCancelledError());
    }
    return Promise.resolve(a);
  }
  /** The detail text of each modal confirmation, in order. */
  readonly confirmDetails: string[] = [];
  confirm(message: string, confirmLabel: string, detail?: string, options?: ConfirmOptions): Promise<void> {
    this.confirmDetails.push(detail ?? '');
    const a = this.next(`confirm: ${message}`);
    if (a === BACK) return Promise.reject(options?.back ? new GoBackError(message) : new Error(`no Back button on: ${message}`));
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
  services: Map<string, FakeCloud>;
  root: AppsRoot;
  states: { signedIn: boolean; noApps: boolean }[];
  logs: MemoryLogSink;
}

/** An explorer over fake services; each account gets its own FakeCloud, made on first use. */
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
  const services = new Map<string, FakeCloud>();
  const states: World['states'] = [];
  const root = new AppsRoot(
    env,
    () => accounts.list(),
    (a) => {
      let s = services.get(a.id);
      if (!s) {
        s = new FakeCloud();
        services.set(a.id, s);
      }
      return Promise.resolve(s);
    },
    (s) => states.push(s),
  );
  return { env, secrets, accounts, services, root, states, logs };
}

/** An access report with one item per credential the account has: for "Check Access" tests. */
export function accessReportFor(c: AccessCredentials): AccessReport {
  const items: AccessItem[] = [
    { id: 'api-key', scope: 'account', title: 'API key valid', status: c.apiKey ? 'ok' : 'missing', detail: c.apiKey ? 'accepted' : 'no API key', grant: c.apiKey ? undefined : GRANT.apiKey },
    { id: 'pat', scope: 'account', title: 'Personal Access Token valid', status: c.pat ? 'ok' : 'missing', detail: c.pat ? 'accepted' : 'no token', grant: c.pat ? undefined : GRANT.pat },
  ];
  return { username: c.username, checkedAt: '2026-01-01T00:00:00.000Z', items, ok: items.every((i) => i.status === 'ok') };
}

export function deps(
  w: World,
  ui: ScriptedInput,
  check: (c: Credentials) => CredentialCheck = () => ({ ok: true, problems: [] }),
  access: (c: AccessCredentials) => AccessReport = accessReportFor,
): CommandDeps & { host: FakeHost; tree: FakeTree; progress: RecordingProgress } {
  return {
    ui,
    progress: new RecordingProgress(),
    host: new FakeHost(),
    accounts: w.accounts,
    checkCredentials: (c) => Promise.resolve(check(c)),
    checkAccess: (c) => Promise.resolve(access(c)),
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
