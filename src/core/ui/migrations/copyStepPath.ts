/** Copy Path: puts the path of the local file a step names on the clipboard. */
import { stepLinkCommand } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function copyStepPath(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  await stepLinkCommand(deps, deps.migrations, node, 'copyPath');
}
