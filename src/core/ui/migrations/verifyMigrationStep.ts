/** Mendix: Verify Migration Step — runs a step's verification again and records the result. */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { loadJournal, pickJournal, verifyWithMessage } from './migrationActions';
import { workbenchOf } from './migrationDeps';

export async function verifyMigrationStep(deps: CommandDeps, node?: unknown): Promise<void> {
  const wb = workbenchOf(deps);
  const file = await pickJournal(deps, wb, node);
  const j = await loadJournal(wb, file);
  const candidates = wb.controller.planLines(file).filter((l) => ['done', 'waiting-for-person', 'failed'].includes(j.steps[l.id]?.status ?? 'pending'));
  if (candidates.length === 0) throw new UserFacingError(`No step of "${j.name}" has anything to verify yet.`);
  const stepId = await deps.ui.pick(
    candidates.map((l) => ({ label: `${l.index}. ${l.title}`, description: j.steps[l.id]?.status, value: l.id })),
    { title: `Verify a step of ${j.name}` },
  );
  await verifyWithMessage(deps, wb, file, stepId);
}
