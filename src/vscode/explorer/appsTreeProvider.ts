/**
 * The Apps view's data provider and the TreeControl commands use. Per-node refreshes fire at once;
 * whole-tree refreshes are debounced so a burst (sign-in, settings change, filter typing) reloads once.
 */
import * as vscode from 'vscode';
import type { TreeControl } from '../../core/ui/explorer/commands/commandDeps';
import { AccountNode } from '../../core/ui/explorer/nodes/accountNode';
import type { AppsRoot } from '../../core/ui/explorer/nodes/appsRoot';
import { isRefreshable, type ExplorerNode } from '../../core/ui/explorer/nodes/explorerNode';
import { toTreeItem } from '../kit/toTreeItem';

export interface ExplorerViewState {
  filter: string;
  epoch: number;
}

export class AppsTreeProvider implements vscode.TreeDataProvider<ExplorerNode>, TreeControl, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<ExplorerNode | undefined>();
  readonly onDidChangeTreeData = this.changed.event;
  private timer: NodeJS.Timeout | undefined;
  /** Set by the owner once the TreeView exists, to show the filter in the view's title. */
  onFilterChanged: ((filter: string) => void) | undefined;

  constructor(
    private readonly root: AppsRoot,
    private readonly state: ExplorerViewState,
    private readonly debounceMs = 150,
  ) {}

  getTreeItem(node: ExplorerNode): vscode.TreeItem {
    return toTreeItem(node.getTreeItem(), node);
  }

  getChildren(node?: ExplorerNode): Promise<ExplorerNode[]> {
    return node ? node.getChildren() : this.root.getChildren();
  }

  getParent(node: ExplorerNode): ExplorerNode | undefined {
    const p = node.parent;
    return p instanceof AccountNode && p.hidden ? undefined : p;
  }

  refresh(node?: ExplorerNode): void {
    if (!node) {
      this.state.epoch++;
      this.scheduleFullRedraw();
      return;
    }
    if (isRefreshable(node)) node.invalidate();
    this.redraw(node);
  }

  redraw(node?: ExplorerNode): void {
    // A hidden account is not a row VS Code knows; its children are the root's.
    if (!node || (node instanceof AccountNode && node.hidden)) this.scheduleFullRedraw();
    else this.changed.fire(node);
  }

  filterText(): string {
    return this.state.filter;
  }

  setFilter(text: string): void {
    this.state.filter = text;
    this.onFilterChanged?.(text);
    this.scheduleFullRedraw();
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    this.changed.dispose();
  }

  private scheduleFullRedraw(): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => {
      this.timer = undefined;
      this.changed.fire(undefined);
    }, this.debounceMs);
  }
}
