/** Mendix: Export Migration Report — the Markdown sign-off report, saved beside the journal and opened. */
import { pickJournal } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function exportReport(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const wb = deps.migrations;
  const file = await pickJournal(deps, wb, node);
  const path = await wb.controller.saveReport(file);
  await deps.host.openFile(path);
  void deps.ui.info(`Report saved: ${path}`);
}
