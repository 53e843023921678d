/** Mendix: Resume Migration — opens its panel and runs on from where it stopped (done steps are skipped). */
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { pickJournal, runWithProgress } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function resumeMigration(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  await wb.openPanel(file);
  await runWithProgress(deps, wb, file);
}
