/** Copy EnvironmentId: the environment's UUID. */
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { resolveEnvironment } from './resolveNodes';

export async function copyEnvironmentId(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node);
  await deps.host.copyToClipboard(env.environment.environmentId);
  void deps.ui.info(`Copied EnvironmentId ${env.environment.environmentId}`);
}
