/** Mendix: Open Migration Panel — the checklist with live progress and DNS propagation. */
import { pickJournal } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function openPanel(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const wb = deps.migrations;
  await wb.openPanel(await pickJournal(deps, wb, node));
}
