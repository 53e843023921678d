/** Mendix: Run Next Step — runs only the next step whose dependencies are done. */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { loadJournal, nextRunnableStep, pickJournal, runWithProgress } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function runNextStep(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  const j = await loadJournal(wb, file);
  const next = nextRunnableStep(wb, file, j);
  if (!next) throw new UserFacingError(`No step of "${j.name}" can run now.`, 'A step may be waiting for a person: open the panel to see what to do.');
  await runWithProgress(deps, wb, file, next);
}
