/** The contract every tree node follows, and the shared base for nodes that load children. */
import type { AccountSummary } from '../../accounts/accounts';
import type { CloudApp, EnvironmentInfo, TreeCloud } from '../../../mendix/services';
import type { Logger } from '../../../shared/logger';
import type { Limiter } from '../../kit/limiter';
import type { TreeItemSpec } from '../../kit/treeSpec';

export type NodeKind =
  | 'account'
  | 'app'
  | 'environment'
  | 'package'
  | 'backups'
  | 'snapshot'
  | 'settings'
  | 'setting'
  | 'detail'
  | 'error'
  | 'empty'
  | 'loadMore';

export interface ExplorerNode {
  readonly kind: NodeKind;
  /** Stable across reloads; also the TreeItem id. */
  readonly id: string;
  readonly parent: ExplorerNode | undefined;
  getTreeItem(): TreeItemSpec;
  /** Never throws: failures become an error node, nothing becomes an empty node. */
  getChildren(): Promise<ExplorerNode[]>;
}

/** The account an app row sits under (the migration wizard reads it through the app row). */
export interface AccountContext {
  readonly account: AccountSummary;
  /** The account's cloud port (the wizard asks it for fresh lists). */
  readonly service: TreeCloud;
  /** The loaded apps; loads them when needed. Throws on failure, unlike getChildren. */
  loadApps(): Promise<CloudApp[]>;
}

/**
 * What the nodes below an app work on, handed to them at construction (the app node is it), so a node
 * never walks up its parents to find its data and the node files do not import each other's classes.
 */
export interface AppContext {
  readonly service: TreeCloud;
  /** The app as last listed (a refresh updates it in place). */
  readonly app: CloudApp;
}

/** What the package, backups, settings and snapshot rows of an environment work on. */
export interface EnvironmentContext extends AppContext {
  readonly environment: EnvironmentInfo;
}

/** Dependencies every node shares; injected so tests control time, paging and logging. */
export interface ExplorerEnv {
  now(): number;
  /** How long loaded children stay fresh before the next expansion reloads them. */
  cacheTtlMs: number;
  pageSize(): number;
  /** Caps concurrent requests caused by expanding many nodes at once. */
  limiter: Limiter;
  /** Lower-case filter text for app names; empty for none. */
  filterText(): string;
  /** Bumped by a whole-tree refresh: data loaded in an older epoch counts as stale. */
  epoch(): number;
  /** A node's data changed without a user action (e.g. late-arriving details): redraw it. */
  changed(node: ExplorerNode): void;
  log: Logger;
}

/** A node that can be refreshed: drops its cached children so the next expansion reloads. */
export interface Refreshable {
  invalidate(): void;
}

export function isRefreshable(n: unknown): n is Refreshable & ExplorerNode {
  return typeof n === 'object' && n !== null && typeof (n as Partial<Refreshable>).invalidate === 'function';
}

/** A node whose list grows on demand through a load-more node. */
export interface Pageable {
  loadMore(): Promise<void>;
}

export function isPageable(n: unknown): n is Pageable & ExplorerNode {
  return typeof n === 'object' && n !== null && typeof (n as Partial<Pageable>).loadMore === 'function';
}

/**
 * Loads data `D` once per TTL and builds child nodes from it. Loading failures are not cached and
 * turn into whatever `errorChildren` returns, so `getChildren` never throws.
 */
export abstract class LoadingNode<D> implements ExplorerNode, Refreshable {
  abstract readonly kind: NodeKind;
  abstract readonly id: string;
  abstract readonly parent: ExplorerNode | undefined;
  private data: { value: D; at: number; epoch: number } | undefined;
  private pending: Promise<D> | undefined;

  constructor(protected readonly env: ExplorerEnv) {}

  abstract getTreeItem(): TreeItemSpec;
  protected abstract load(): Promise<D>;
  protected abstract build(data: D): ExplorerNode[];
  protected abstract errorChildren(e: unknown): ExplorerNode[];
  /** What the log line names when loading fails. */
  protected abstract describe(): string;

  async getChildren(): Promise<ExplorerNode[]> {
    try {
      return this.build(await this.loadData());
    } catch (e) {
      this.env.log.warn(`Loading ${this.describe()} failed: ${e instanceof Error ? e.message : String(e)}`);
      return this.errorChildren(e);
    }
  }

  invalidate(): void {
    this.data = undefined;
    this.pending = undefined;
  }

  /** The last loaded data, fresh or not; undefined before the first successful load. */
  protected get current(): D | undefined {
    return this.data?.value;
  }

  /** Called after fresh data arrived; nodes whose own row shows that data redraw themselves here. */
  protected onLoaded(): void {
    // Most rows do not depend on their children's data.
  }

  /** Replaces the cached data without a request, e.g. after appending a page. */
  protected setData(value: D): void {
    this.data = { value, at: this.env.now(), epoch: this.env.epoch() };
  }

  protected async loadData(): Promise<D> {
    const d = this.data;
    if (d && d.epoch === this.env.epoch() && this.env.now() - d.at < this.env.cacheTtlMs) return d.value;
    // Expanding the same node twice in a row shares one request.
    this.pending ??= this.load().finally(() => {
      this.pending = undefined;
    });
    const p = this.pending;
    const value = await p;
    this.setData(value);
    this.onLoaded();
    return value;
  }
}

/** Reuses child node objects by key so VS Code keeps expansion state and node identity across reloads. */
export class ChildPool<T, N> {
  private readonly nodes = new Map<string, N>();

  constructor(
    private readonly keyOf: (item: T) => string,
    private readonly create: (item: T) => N,
    private readonly update: (node: N, item: T) => void,
  ) {}

  /** The node already made for `item`, if it is on screen. */
  find(item: T): N | undefined {
    return this.nodes.get(this.keyOf(item));
  }

  take(items: readonly T[]): N[] {
    const keep = new Set(items.map(this.keyOf));
    for (const k of [...this.nodes.keys()]) if (!keep.has(k)) this.nodes.delete(k);
    return items.map((item) => {
      const k = this.keyOf(item);
      const existing = this.nodes.get(k);
      if (existing) {
        this.update(existing, item);
        return existing;
      }
      const n = this.create(item);
      this.nodes.set(k, n);
      return n;
    });
  }
}
