/** Level 4: the package deployed to an environment, loaded when expanded. */
import { formatBytes, formatTimestamp } from '../../../shared/format';
import type { PackageInfo } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { EnvironmentContext, ExplorerEnv, ExplorerNode } from './explorerNode';
import { EnvironmentPartNode } from './environmentPartNode';
import { DetailNode, EmptyNode } from './leafNodes';

export class PackageNode extends EnvironmentPartNode<PackageInfo | undefined> {
  readonly kind = 'package';

  constructor(env: ExplorerEnv, parent: ExplorerNode, context: EnvironmentContext) {
    super(env, parent, context, 'package', 'the deployed package');
  }

  getTreeItem(): TreeItemSpec {
    const deployed = this.context.environment.status !== 'Empty';
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
    const { app, environment, service } = this.context;
    if (environment.status === 'Empty') return Promise.resolve(undefined);
    return this.env.limiter.run(() => service.getDeployedPackage(app.appId, environment.mode));
  }

  /** The row shows the package's file name once known. */
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
}
