/** Mendix: Mark Migration Step Done — records the person's confirmation, then runs the step's detection and check. */
import { markDoneWithMessage, pickStep } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function markStepDone(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    journals: (s) => s === 'active',
    fits: (_l, st) => st?.status === 'waiting-for-person',
    takeSingle: true,
    title: (name) => `Which step of ${name} is done?`,
    none: (name) => `No step of "${name}" is waiting for a person.`,
  });
  await markDoneWithMessage(deps, deps.migrations, file, stepId);
}
