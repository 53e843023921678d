/** Mendix: Run Next Step — runs only the next step whose dependencies are done. */
import { UserFacingError } from '../kit/errors';
import { loadJournal, nextRunnableStep, pickJournal, runWithProgress } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function runNextStep(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const wb = deps.migrations;
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  const j = await loadJournal(wb, file);
  const next = nextRunnableStep(wb, file, j);
  if (!next) throw new UserFacingError(`No step of "${j.name}" can run now.`, 'A step may be waiting for a person: open the panel to see what to do.');
  await runWithProgress(deps, wb, file, next);
}
