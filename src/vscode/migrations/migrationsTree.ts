/** The Migrations view: every journal of the workspace with its phase; refreshes are coalesced. */
import * as vscode from 'vscode';
import type { MigrationController } from '../../core/ui/migrations/migrationController';
import type { MigrationTreeNode } from '../../core/ui/migrations/migrationNodes';
import type { Logger } from '../../core/shared/logger';
import { toTreeItem } from '../kit/toTreeItem';

const REFRESH_INTERVAL_MS = 150;

export class MigrationsTreeProvider implements vscode.TreeDataProvider<MigrationTreeNode>, vscode.Disposable {
  private readonly emitter = new vscode.EventEmitter<MigrationTreeNode | undefined>();
  readonly onDidChangeTreeData = this.emitter.event;
  private timer: ReturnType<typeof setTimeout> | undefined;

  constructor(
    private readonly folder: () => string | undefined,
    /** Undefined until the engine was needed once; the view reads the files without it. */
    private readonly controller: () => MigrationController | undefined,
    private readonly log: Logger,
  ) {}

  /** Coalesces refreshes: at most one per interval, so a busy run cannot postpone them forever. */
  refresh(): void {
    if (this.timer) return;
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.emitter.fire(undefined);
    }, REFRESH_INTERVAL_MS);
  }

  getTreeItem(node: MigrationTreeNode): vscode.TreeItem {
    return toTreeItem(node.getTreeItem(), node);
  }

  async getChildren(node?: MigrationTreeNode): Promise<MigrationTreeNode[]> {
    if (node) return node.getChildren();
    const folder = this.folder();
    if (!folder) return [];
    // The journal reader pulls in the plan and its schemas: loaded when the view first shows rows.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { listJournals, planLinesFor, readJournalFile } = require('../../core/ui/migrations/journalList') as typeof import('../../core/ui/migrations/journalList');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MigrationMessageNode, MigrationRunNode } = require('../../core/ui/migrations/migrationNodes') as typeof import('../../core/ui/migrations/migrationNodes');
    try {
      const mc = this.controller();
      const list = await listJournals(folder, mc);
      const rows: MigrationTreeNode[] = [];
      for (const s of list) {
        if (s.error) {
          rows.push(new MigrationRunNode(s));
          continue;
        }
        // While a run holds the journal its in-memory state is the newest (the row was summarised from
        // it too, see listJournals); otherwise the file is.
        const busy = mc?.busy(s.file);
        const live = busy ? mc?.peek(s.file) : undefined;
        const journal = live ?? (await readJournalFile(s.file));
        const lines = live && mc ? mc.planLines(s.file) : planLinesFor(journal);
        rows.push(new MigrationRunNode(s, { journal, lines }, busy, mc?.saying(s.file)));
      }
      return rows;
    } catch (e) {
      this.log.warn(`migrations view: ${e instanceof Error ? e.message : String(e)}`);
      return [new MigrationMessageNode('migrations:error', 'Could not read the migrations; use Refresh to try again', 'warning')];
    }
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.emitter.dispose();
  }
}
