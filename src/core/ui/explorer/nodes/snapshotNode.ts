/** Level 5: one backup (a Backups API v2 snapshot). */
import { formatTimestamp } from '../../../shared/format';
import type { SnapshotInfo } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { EnvironmentContext, ExplorerNode } from './explorerNode';
import { LeafNode } from './leafNodes';

const STATE_ICON: Readonly<Record<SnapshotInfo['state'], string>> = {
  completed: 'database',
  queued: 'clock',
  running: 'loading~spin',
  failed: 'error',
};

export class SnapshotNode extends LeafNode {
  readonly kind = 'snapshot';

  constructor(
    parent: ExplorerNode,
    /** The environment the snapshot belongs to. */
    readonly context: EnvironmentContext,
    public snapshot: SnapshotInfo,
  ) {
    super(parent, `snapshot:${snapshot.snapshotId}`);
  }

  setSnapshot(s: SnapshotInfo): void {
    this.snapshot = s;
  }

  getTreeItem(): TreeItemSpec {
    const s = this.snapshot;
    const when = formatTimestamp(s.createdAt) ?? s.snapshotId;
    const desc = [s.state === 'completed' ? undefined : s.state, s.comment].filter(Boolean).join(' · ');
    const rows: [string, string | undefined][] = [
      ['SnapshotId', s.snapshotId],
      ['State', s.state],
      ['Status', s.statusMessage],
      ['Model version', s.modelVersion],
      ['Expires', formatTimestamp(s.expiresAt)],
      ['Comment', s.comment],
    ];
    return {
      id: this.id,
      label: when,
      description: desc || undefined,
      tooltip: rows
        .filter(([, v]) => v)
        .map(([k, v]) => `${k}: \`${v}\`  `)
        .join('\n'),
      icon: { id: STATE_ICON[s.state] },
      collapsible: 'none',
      contextValue: `snapshot ${s.state}`,
    };
  }
}
