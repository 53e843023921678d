/** Clicking an error row reloads the node that failed to load. */
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';

export function retryNode(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  if (node?.kind === 'error') deps.tree.refresh(node.parent);
  return Promise.resolve();
}
