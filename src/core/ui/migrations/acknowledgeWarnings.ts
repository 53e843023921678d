/** "Acknowledge Warnings": the person read the preflight's warnings; they leave the top of the panel (kept in the journal and report). */
import { pickJournal } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function acknowledgeWarnings(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const file = await pickJournal(deps, deps.migrations, node, (s) => s === 'active');
  await deps.migrations.controller.acknowledgeWarnings(file);
}
