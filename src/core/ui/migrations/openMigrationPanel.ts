/** Mendix: Open Migration Panel — the checklist with live progress and DNS propagation. */
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { pickJournal } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function openMigrationPanel(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  await wb.openPanel(await pickJournal(deps, wb, node));
}
