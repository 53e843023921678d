/** Mendix: Export Migration Report — the Markdown sign-off report, saved beside the journal and opened. */
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { pickJournal } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function exportMigrationReport(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node);
  const path = await wb.controller.saveReport(file);
  await deps.host.openFile(path);
  void deps.ui.info(`Report saved: ${path}`);
}
