/** Mendix: Start Migration — asks every question, writes the journal, opens the panel and runs until a person is needed. */
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { runWithProgress } from './migrationActions';
import { askMigrationInput } from './wizard';
import { requireFolder, type MigrationCommandDeps } from './migrationDeps';

export async function startMigrationWizard(deps: MigrationCommandDeps, node?: ExplorerNode): Promise<void> {
  const wb = deps.migrations;
  const folder = requireFolder(wb);
  const existing = (await wb.journals()).map((j) => j.name);
  const { accountId, input } = await askMigrationInput(deps, node, existing);
  const file = await wb.controller.create(folder, input);
  await wb.rememberAccount(file, accountId);
  wb.refreshView();
  await wb.openPanel(file);
  await runWithProgress(deps, wb, file);
}
