/** Mendix: Resume Migration — opens its panel and runs on from where it stopped (done steps are skipped). */
import { pickJournal, runWithProgress } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function resumeMigration(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const wb = deps.migrations;
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  await wb.openPanel(file);
  await runWithProgress(deps, wb, file);
}
