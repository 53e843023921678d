/** Mendix: Abort Migration — stops the run for good; inside the cutover window the source is restarted first. */
import { loadJournal, pickJournal } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function abortMigration(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const wb = deps.migrations;
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  const j = await loadJournal(wb, file);
  const inWindow = j.cutover.startedAt !== undefined && j.cutover.endedAt === undefined;
  await deps.ui.confirm(
    `Abort migration "${j.name}"?`,
    'Abort Migration',
    inWindow
      ? 'The cutover is under way: the source will be restarted so the app is back online. The run cannot be resumed afterwards.'
      : 'The source has not been touched and stays as it is. The run cannot be resumed afterwards.',
  );
  const reason = await deps.ui.input({ title: `Abort ${j.name}`, prompt: 'Why? (kept in the journal)', value: 'aborted by the user' });
  const r = await wb.controller.abort(file, reason.trim() || 'aborted by the user');
  wb.refreshView();
  void deps.ui.info(`Migration "${j.name}" aborted. ${r.sourceTouched ? `Rollback: ${r.rollback ?? 'unknown'}` : 'The source was not touched.'}`);
}
