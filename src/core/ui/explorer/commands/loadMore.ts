/** Clicking "Load more…" grows the parent's list by one page. */
import { isPageable, type ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';

export async function loadMore(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const parent = node?.kind === 'loadMore' ? node.parent : undefined;
  if (!isPageable(parent)) return;
  await parent.loadMore();
  deps.tree.redraw(parent);
}
