/** Stop environment: confirm (typed name for production), stop, then reload the app's environments. */
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { changeEnvironmentState } from './changeEnvironmentState';
import { resolveEnvironment } from './resolveNodes';

export async function stopEnvironment(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node, (e) => e.environment.status === 'Running');
  if (env.environment.status !== 'Running') throw new UserFacingError(`${env.app.name} ${env.environment.mode} is not running.`);
  await changeEnvironmentState(deps, env, 'Stop', (_report, signal) => env.service.stop(env.app.appId, env.environment.mode, signal));
}
