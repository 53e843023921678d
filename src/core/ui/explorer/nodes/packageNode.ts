/** Level 4: the package deployed to an environment, loaded when expanded. */
import { formatBytes, formatTimestamp } from '../../../shared/format';
import type { PackageInfo } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { LoadingNode, type EnvironmentContext, type ExplorerEnv, type ExplorerNode } from './explorerNode';
import { DetailNode, EmptyNode, ErrorNode } from './leafNodes';

export class PackageNode extends LoadingNode<PackageInfo | undefined> {
  readonly kind = 'package';

  constructor(
    env: ExplorerEnv,
    readonly parent: ExplorerNode & EnvironmentContext,
  ) {
    super(env);
  }

  get id(): string {
    return `${this.parent.id}/package`;
  }

  getTreeItem(): TreeItemSpec {
    const deployed = this.parent.environment.status !== 'Empty';
    const pkg = this.current;
    return {
      id: this.id,
      label: 'Deployed package',
      description: pkg ? pkg.name : deployed ? undefined : 'none',
      icon: { id: 'package' },
      collapsible: 'collapsed',
      contextValue: deployed ? 'package deployed' : 'package',
    };
  }

  protected load(): Promise<PackageInfo | undefined> {
    const { app, environment, service } = this.parent;
    if (environment.status === 'Empty') return Promise.resolve(undefined);
    return this.env.limiter.run(() => service.getDeployedPackage(app.appId, environment.mode));
  }

  /** The row shows the count (backups) or file name (package) once known. */
  protected override onLoaded(): void {
    this.env.changed(this);
  }

  protected build(pkg: PackageInfo | undefined): ExplorerNode[] {
    if (!pkg) return [new EmptyNode(this, 'Nothing is deployed to this environment')];
    const rows: [string, string, string | undefined][] = [
      ['name', 'Name', pkg.name],
      ['version', 'Version', pkg.version],
      ['created', 'Created', formatTimestamp(pkg.creationDate)],
      ['size', 'Size', pkg.size !== undefined ? formatBytes(pkg.size) : undefined],
      ['packageId', 'PackageId', pkg.packageId],
    ];
    return rows.filter((r): r is [string, string, string] => r[2] !== undefined).map(([k, l, v]) => new DetailNode(this, k, l, v));
  }

  protected errorChildren(e: unknown): ExplorerNode[] {
    return [new ErrorNode(this, 'the deployed package', e)];
  }

  protected describe(): string {
    return `deployed package of ${this.parent.app.name} ${this.parent.environment.mode}`;
  }
}
