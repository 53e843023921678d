/** Start environment: confirm (typed name for production), start and wait, then reload the app's environments. */
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { changeEnvironmentState } from './changeEnvironmentState';
import { resolveEnvironment } from './resolveNodes';

export async function startEnvironment(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node, (e) => e.environment.status === 'Stopped');
  const { status, mode } = env.environment;
  if (status === 'Running') throw new UserFacingError(`${env.app.name} ${mode} is already running.`);
  if (status === 'Empty') throw new UserFacingError(`${env.app.name} ${mode} has nothing deployed to start.`, 'Deploy a package first.');
  await changeEnvironmentState(deps, env, 'Start', (report, signal) =>
    env.service.startAndWait(env.app.appId, mode, (phase) => report({ message: phase }), signal),
  );
}
