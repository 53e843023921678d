/** Copy ProjectId: the app's UUID (v4 appId, Backups API path segment). */
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { resolveApp } from './resolveNodes';

export async function copyProjectId(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const app = await resolveApp(deps, node);
  await deps.host.copyToClipboard(app.app.projectId);
  void deps.ui.info(`Copied ProjectId ${app.app.projectId}`);
}
