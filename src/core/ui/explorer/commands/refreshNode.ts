/** Refresh on one row: reloads only that node's children. */
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';

export function refreshNode(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  deps.tree.refresh(node);
  return Promise.resolve();
}
