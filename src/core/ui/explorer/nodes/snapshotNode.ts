/** Level 5: one backup (a Backups API v2 snapshot). */
import { formatTimestamp } from '../../../shared/format';
import type { SnapshotInfo } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { EnvironmentContext, ExplorerNode } from './explorerNode';

const STATE_ICON: Readonly<Record<SnapshotInfo['state'], string>> = {
  completed: 'database',
  queued: 'clock',
  running: 'loading~spin',
  failed: 'error',
};

export class SnapshotNode implements ExplorerNode {
  readonly kind = 'snapshot';

  constructor(
    readonly parent: ExplorerNode,
    /** The environment the snapshot belongs to. */
    readonly context: EnvironmentContext,
    public snapshot: SnapshotInfo,
  ) {}

  get id(): string {
    return `${this.parent.id}/snapshot:${this.snapshot.snapshotId}`;
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

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([]);
  }
}
