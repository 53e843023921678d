/** Mendix: Redo Migration Step — reopens a person step (portal or Support) so it can be done again. */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { loadJournal, pickJournal, redoStepWithMessage } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function redoMigrationStep(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  const j = await loadJournal(wb, file);
  const lines = wb.controller.planLines(file);
  const candidates = lines.filter((l) => {
    const st = j.steps[l.id];
    if (!st || !['done', 'waiting-for-person', 'failed'].includes(st.status)) return false;
    return l.kind !== 'api' || st.confirmation?.method === 'person';
  });
  if (candidates.length === 0) throw new UserFacingError(`No person step of "${j.name}" has been reached yet; there is nothing to redo.`);
  const stepId = await deps.ui.pick(
    candidates.map((l) => ({ label: `${l.index}. ${l.title}`, description: j.steps[l.id]?.status, value: l.id })),
    { title: `Redo which step of ${j.name}?`, placeholder: 'The step goes back to pending; the run then shows what to do again' },
  );
  await redoStepWithMessage(deps, wb, file, stepId);
}
