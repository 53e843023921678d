/** Open URL: the environment's (or app's) address in the browser. */
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { appOf, resolveEnvironment } from './resolveNodes';

export async function openUrl(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  if (node?.kind === 'app') {
    const app = appOf(node);
    if (app?.app.url) return deps.host.openExternal(app.app.url);
  }
  const env = await resolveEnvironment(deps, node, (e) => Boolean(e.environment.url));
  const url = env.environment.url;
  if (!url) throw new UserFacingError(`${env.app.name} ${env.environment.mode} has no URL.`);
  await deps.host.openExternal(url);
}
