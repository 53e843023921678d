/** Download deployed package: the `.mda` running on an environment, to disk, with progress and cancel. */
import { formatBytes } from '../../../shared/format';
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { downloadFolder } from './downloadFolder';
import { resolveEnvironment } from './resolveNodes';
import { transferReporter } from './transferReport';

export async function downloadPackage(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node, (e) => e.environment.status !== 'Empty');
  if (env.environment.status === 'Empty') throw new UserFacingError(`Nothing is deployed to ${env.app.name} ${env.environment.mode}.`);
  const folder = await downloadFolder(deps, 'the deployment package');
  const result = await deps.progress.run(`Downloading the package of ${env.app.name} ${env.environment.mode}`, (report, signal) =>
    env.service.downloadDeployedPackage(env.app, env.environment, folder, transferReporter(report), signal),
  );
  deps.log.info(`Downloaded ${formatBytes(result.size)} to ${result.path}`);
  if ((await deps.ui.info(`Downloaded ${formatBytes(result.size)} to ${result.path}`, 'Reveal')) === 'Reveal') await deps.host.revealFile(result.path);
}
