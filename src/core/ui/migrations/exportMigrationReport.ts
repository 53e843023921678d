/** Mendix: Export Migration Report — the Markdown sign-off report (before/after, timings, checksums). */
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { pickJournal } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function exportMigrationReport(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node);
  const markdown = await wb.controller.report(file);
  await deps.host.openDocument(markdown, 'markdown');
}
