/** Mendix: Show Log — the extension's output channel. */
import type { CommandDeps } from './commandDeps';

export function showLog(deps: CommandDeps): Promise<void> {
  deps.host.showLog();
  return Promise.resolve();
}
