/** Create backup: a new snapshot of the environment, waited for, then shown under Backups. */
import type { ExplorerNode } from '../nodes/explorerNode';
import { UserFacingError } from '../../kit/errors';
import type { CommandDeps } from './commandDeps';
import { resolveEnvironment } from './resolveNodes';

export async function createBackup(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const env = await resolveEnvironment(deps, node, (e) => e.environment.status !== 'Empty');
  if (env.environment.status === 'Empty') throw new UserFacingError(`${env.app.name} ${env.environment.mode} has nothing deployed to back up.`);
  const comment = await deps.ui.input({
    title: `Create backup of ${env.app.name} ${env.environment.mode}`,
    prompt: 'A comment stored with the backup (optional)',
    value: 'Created from VS Code',
  });
  try {
    const snapshot = await deps.progress.run(`Creating a backup of ${env.app.name} ${env.environment.mode}`, (report, signal) =>
      env.service.createSnapshotAndWait(env.app.projectId, env.environment.environmentId, comment.trim(), (phase) => report({ message: phase }), signal),
    );
    deps.log.info(`Backup ${snapshot.snapshotId} of ${env.app.name} ${env.environment.mode} is ${snapshot.state}`);
    void deps.ui.info(`Backup of ${env.app.name} ${env.environment.mode} created.`);
  } finally {
    deps.tree.refresh(env.backupsNode);
  }
}
