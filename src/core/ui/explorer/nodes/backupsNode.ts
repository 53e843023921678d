/** Level 4: an environment's backups (snapshots), paged from the server as the user asks for more. */
import type { SnapshotInfo } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { ChildPool, type EnvironmentContext, type ExplorerEnv, type ExplorerNode, type Pageable } from './explorerNode';
import { EnvironmentPartNode } from './environmentPartNode';
import { SnapshotNode } from './snapshotNode';
import { EmptyNode, LoadMoreNode } from './leafNodes';

interface SnapshotList {
  items: SnapshotInfo[];
  total?: number;
  /** The last page came back short, so there is nothing more to ask for. */
  exhausted: boolean;
}

export class BackupsNode extends EnvironmentPartNode<SnapshotList> implements Pageable {
  readonly kind = 'backups';
  private readonly snapshots: ChildPool<SnapshotInfo, SnapshotNode>;

  constructor(env: ExplorerEnv, parent: ExplorerNode, context: EnvironmentContext) {
    super(env, parent, context, 'backups', 'backups');
    this.snapshots = new ChildPool(
      (s) => s.snapshotId,
      (s) => new SnapshotNode(this, context, s),
      (n, s) => n.setSnapshot(s),
    );
  }

  /** The loaded snapshots (for quick picks). Throws on failure, unlike getChildren. */
  async loadSnapshots(): Promise<SnapshotInfo[]> {
    return (await this.loadData()).items;
  }

  getTreeItem(): TreeItemSpec {
    const list = this.current;
    return {
      id: this.id,
      label: 'Backups',
      description: list?.total !== undefined ? String(list.total) : undefined,
      icon: { id: 'archive' },
      collapsible: 'collapsed',
      contextValue: this.context.environment.status === 'Empty' ? 'backups' : 'backups canCreate',
    };
  }

  async loadMore(): Promise<void> {
    const list = this.current;
    if (!list || list.exhausted) return;
    const page = await this.fetch(list.items.length);
    this.setData({ items: [...list.items, ...page.items], total: page.total, exhausted: page.exhausted });
  }

  protected load(): Promise<SnapshotList> {
    return this.fetch(0);
  }

  private async fetch(offset: number): Promise<SnapshotList> {
    const { app, environment, service } = this.context;
    const limit = this.env.pageSize();
    const page = await this.env.limiter.run(() => service.listSnapshotPage(app.projectId, environment.environmentId, offset, limit));
    const loaded = offset + page.items.length;
    const exhausted = page.items.length < limit || (page.total !== undefined && loaded >= page.total);
    return { items: page.items, total: page.total, exhausted };
  }

  /** The row shows the count once known. */
  protected override onLoaded(): void {
    this.env.changed(this);
  }

  protected build(list: SnapshotList): ExplorerNode[] {
    if (list.items.length === 0) return [new EmptyNode(this, 'No backups yet')];
    const nodes: ExplorerNode[] = this.snapshots.take(list.items);
    if (!list.exhausted) nodes.push(new LoadMoreNode(this, list.items.length, list.total));
    return nodes;
  }
}
