/** Copy AppId: the app's sub-domain, as Deploy API v1 paths use it. */
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { resolveApp } from './resolveNodes';

export async function copyAppId(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const app = await resolveApp(deps, node);
  await deps.host.copyToClipboard(app.app.appId);
  void deps.ui.info(`Copied AppId ${app.app.appId}`);
}
