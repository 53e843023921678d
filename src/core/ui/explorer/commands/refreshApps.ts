/** Mendix: Refresh Apps — reloads everything in the Apps view. */
import type { CommandDeps } from './commandDeps';

export function refreshApps(deps: CommandDeps): Promise<void> {
  deps.tree.refresh();
  return Promise.resolve();
}
