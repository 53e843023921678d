/** Mendix: Mark Manual Step Done — records the person's confirmation, then runs the step's verification. */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { loadJournal, markDoneWithMessage, pickJournal } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function markMigrationStepDone(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node, (s) => s === 'active');
  const j = await loadJournal(wb, file);
  const waiting = wb.controller.planLines(file).filter((l) => j.steps[l.id]?.status === 'waiting-for-person');
  if (waiting.length === 0) throw new UserFacingError(`No step of "${j.name}" is waiting for a person.`);
  const stepId =
    waiting.length === 1
      ? waiting[0].id
      : await deps.ui.pick(
          waiting.map((l) => ({ label: `${l.index}. ${l.title}`, detail: j.steps[l.id]?.person?.summary, value: l.id })),
          { title: `Which step of ${j.name} is done?` },
        );
  await markDoneWithMessage(deps, wb, file, stepId);
}
