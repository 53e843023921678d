/** Mendix: Redo Migration Step — reopens a person step (portal or Support) so it can be done again. */
import { pickStep, redoStepWithMessage } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function redoStep(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    journals: (s) => s === 'active',
    fits: (l, st) => !!st && ['done', 'waiting-for-person', 'failed'].includes(st.status) && (l.kind !== 'api' || st.confirmation?.method === 'person'),
    title: (name) => `Redo which step of ${name}?`,
    placeholder: 'The step goes back to pending; the run then shows what to do again',
    none: (name) => `No person step of "${name}" has been reached yet; there is nothing to redo.`,
  });
  await redoStepWithMessage(deps, deps.migrations, file, stepId);
}
