/** Level 1: a signed-in account. Hidden (its apps shown at the root) when it is the only one. */
import type { AccountSummary } from '../../accounts/accounts';
import { COMMANDS } from '../../kit/commandIds';
import { matchingApps } from '../matchingApps';
import type { CloudApp, TreeCloud } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { AppNode } from './appNode';
import { ChildPool, LoadingNode, type AccountContext, type ExplorerEnv, type ExplorerNode, type Pageable } from './explorerNode';
import { EmptyNode, ErrorNode, LoadMoreNode } from './leafNodes';

export class AccountNode extends LoadingNode<CloudApp[]> implements Pageable, AccountContext {
  readonly kind = 'account';
  readonly parent = undefined;
  /** True when this is the only account, so the tree shows its apps at the top level. */
  hidden = false;
  private shown: number;
  private readonly apps: ChildPool<CloudApp, AppNode>;

  constructor(
    env: ExplorerEnv,
    public account: AccountSummary,
    readonly service: TreeCloud,
  ) {
    super(env);
    this.shown = env.pageSize();
    this.apps = new ChildPool(
      (a) => a.projectId || a.appId,
      (a) => new AppNode(env, this, service, a),
      (n, a) => n.setApp(a),
    );
  }

  get id(): string {
    return `account:${this.account.id}`;
  }

  /** Apps known after the last successful load, before filtering; undefined before that. */
  get appCount(): number | undefined {
    return this.current?.length;
  }

  /** The loaded apps (for quick picks); loads them when needed. Throws on failure, unlike getChildren. */
  async loadApps(): Promise<CloudApp[]> {
    return this.loadData();
  }

  /** The tree's node for `app` when it is on screen (so refreshes show), else a fresh one. */
  appNodeFor(app: CloudApp): AppNode {
    return this.apps.find(app) ?? new AppNode(this.env, this, this.service, app);
  }

  getTreeItem(): TreeItemSpec {
    const who = this.account.username ? this.account.username : this.account.hasPat ? 'Personal Access Token' : '';
    return {
      id: this.id,
      label: this.account.name,
      description: who,
      tooltip: `**${this.account.name}**\n\nAPI key: ${this.account.hasApiKey ? 'yes' : 'no'}  \nPersonal Access Token: ${this.account.hasPat ? 'yes' : 'no'}`,
      icon: { id: 'account' },
      collapsible: 'expanded',
      contextValue: 'account',
    };
  }

  async loadMore(): Promise<void> {
    this.shown += this.env.pageSize();
    return Promise.resolve();
  }

  protected load(): Promise<CloudApp[]> {
    const epoch = this.env.epoch();
    const started = this.env.now();
    const loading = this.env.limiter.run(() =>
      this.service.listAccountApps({
        onEnriched: (enriched) => {
          // Ignore details that arrive after a refresh started a newer load.
          if (this.env.epoch() !== epoch || this.current === undefined) return;
          this.setData(enriched);
          this.env.changed(this);
          this.env.log.info(`${this.account.name}: regions and Technical Contacts added after ${this.env.now() - started} ms`);
        },
      }),
    );
    return loading.then((apps) => {
      this.env.log.info(`${this.account.name}: ${apps.length} apps listed in ${this.env.now() - started} ms`);
      return apps;
    });
  }

  protected build(apps: CloudApp[]): ExplorerNode[] {
    if (apps.length === 0) return this.hidden ? [] : [new EmptyNode(this, 'No apps in this account')];
    const filter = this.env.filterText();
    const matching = matchingApps(apps, filter);
    if (matching.length === 0) {
      return [new EmptyNode(this, `No apps match "${filter}"`, { command: COMMANDS.clearFilter, title: 'Clear Filter' })];
    }
    const page = matching.slice(0, this.shown);
    const nodes: ExplorerNode[] = this.apps.take(page);
    if (matching.length > page.length) nodes.push(new LoadMoreNode(this, page.length, matching.length));
    return nodes;
  }

  protected errorChildren(e: unknown): ExplorerNode[] {
    return [new ErrorNode(this, 'apps', e)];
  }

  protected describe(): string {
    return `apps of account ${this.account.name}`;
  }
}
