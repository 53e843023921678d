/** Open App: opens the app URL a step names (it started or checked that environment). */
import { stepLinkCommand } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function openStepApp(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  await stepLinkCommand(deps, deps.migrations, node, 'openApp');
}
