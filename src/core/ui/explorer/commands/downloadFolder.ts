/** Where downloads go: the configured folder, or one the user picks each time. */
import type { CommandDeps } from './commandDeps';

export async function downloadFolder(deps: CommandDeps, what: string): Promise<string> {
  return deps.settings.downloadFolder() ?? (await deps.ui.pickFolder(`Folder for ${what}`));
}
