/** Level 2: an app; expanding it fetches its environments (through the shared limiter). */
import type { CloudApp, EnvironmentInfo, TreeCloud } from '../../../mendix/services';
import { appContextValue, appDescription, appTooltip, sortEnvironments } from '../presentation';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { EnvironmentNode } from './environmentNode';
import { ChildPool, LoadingNode, type AccountContext, type AppContext, type ExplorerEnv, type ExplorerNode } from './explorerNode';
import { EmptyNode, ErrorNode } from './leafNodes';

export class AppNode extends LoadingNode<EnvironmentInfo[]> implements AppContext {
  readonly kind = 'app';
  private readonly envs: ChildPool<EnvironmentInfo, EnvironmentNode>;

  constructor(
    env: ExplorerEnv,
    // Typed with the account only because the migration wizard reads it (issue 14 replaces that).
    readonly parent: ExplorerNode & AccountContext,
    readonly service: TreeCloud,
    public app: CloudApp,
  ) {
    super(env);
    this.envs = new ChildPool(
      (e) => e.environmentId || e.mode,
      (e) => new EnvironmentNode(env, this, this, e),
      (n, e) => n.setEnvironment(e),
    );
  }

  get id(): string {
    return `${this.parent.id}/app:${this.app.projectId || this.app.appId}`;
  }

  setApp(app: CloudApp): void {
    this.app = app;
  }

  /** The loaded environments (for quick picks). Throws on failure, unlike getChildren. */
  async loadEnvironments(): Promise<EnvironmentInfo[]> {
    return this.loadData();
  }

  getTreeItem(): TreeItemSpec {
    return {
      id: this.id,
      label: this.app.name,
      description: appDescription(this.app),
      tooltip: appTooltip(this.app),
      icon: { id: this.app.generation === 'none' ? 'circle-large-outline' : 'cloud' },
      collapsible: 'collapsed',
      contextValue: appContextValue(this.app),
      accessibilityLabel: `${this.app.name}, ${appDescription(this.app)}`,
    };
  }

  protected load(): Promise<EnvironmentInfo[]> {
    return this.env.limiter.run(() => this.service.listAppEnvironments(this.app));
  }

  protected build(envs: EnvironmentInfo[]): ExplorerNode[] {
    if (envs.length === 0) {
      const why = this.app.generation === 'none' ? 'No environments: no node is linked to this app' : 'No environments';
      return [new EmptyNode(this, why)];
    }
    return this.envs.take(sortEnvironments(envs));
  }

  protected errorChildren(e: unknown): ExplorerNode[] {
    return [new ErrorNode(this, 'environments', e)];
  }

  protected describe(): string {
    return `environments of ${this.app.name}`;
  }
}
