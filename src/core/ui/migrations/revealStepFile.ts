/** Reveal File: shows the local file a step names (a download, the backup to upload). */
import { stepLinkCommand } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function revealStepFile(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  await stepLinkCommand(deps, deps.migrations, node, 'revealFile');
}
