/** Download backup: asks for an archive of a snapshot, waits for it, then downloads it with progress. */
import type { BackupDataType } from '../../../mendix/services';
import { formatBytes } from '../../../shared/format';
import { UserFacingError } from '../../kit/errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import { SnapshotNode } from '../nodes/snapshotNode';
import type { CommandDeps } from './commandDeps';
import { downloadFolder } from './downloadFolder';
import { pickSnapshot } from './pickers';
import { environmentOf } from './resolveNodes';
import { transferReporter } from './transferReport';

export async function downloadBackup(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const snap = node instanceof SnapshotNode ? node : await pickSnapshot(deps, environmentOf(node));
  if (snap.snapshot.state !== 'completed') throw new UserFacingError(`That backup is ${snap.snapshot.state}; only completed backups can be downloaded.`);
  const env = snap.context;
  const dataType = await deps.ui.pick<BackupDataType>(
    [
      { label: 'Database and files', description: '.tar.gz, what a restore on another node needs', value: 'files_and_database' },
      { label: 'Database only', description: '.backup (PostgreSQL dump)', value: 'database_only' },
    ],
    { title: `Download backup of ${env.app.name} ${env.environment.mode}` },
  );
  const folder = await downloadFolder(deps, 'the backup');
  const result = await deps.progress.run(`Downloading the backup of ${env.app.name} ${env.environment.mode}`, (report, signal) =>
    env.service.downloadBackup(
      env.app,
      env.environment,
      snap.snapshot,
      dataType,
      folder,
      { job: (phase) => report({ message: `Preparing the archive: ${phase}` }), transfer: transferReporter(report) },
      signal,
    ),
  );
  deps.log.info(`Downloaded backup ${snap.snapshot.snapshotId} (${formatBytes(result.size)}) to ${result.path}`);
  if ((await deps.ui.info(`Downloaded ${formatBytes(result.size)} to ${result.path}`, 'Reveal')) === 'Reveal') await deps.host.revealFile(result.path);
}
