/** Mendix: Clear Apps Filter. */
import type { CommandDeps } from './commandDeps';

export function clearFilter(deps: CommandDeps): Promise<void> {
  deps.tree.setFilter('');
  return Promise.resolve();
}
