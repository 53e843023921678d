/** A Support step's "Copy Support Request": puts the pre-filled request text on the clipboard. */
import { copySupportRequestFor, pickStep } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function copySupportRequest(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (_l, st) => !!st?.person?.requestText,
    takeSingle: true,
    title: (name) => `Copy the support request of which step of ${name}?`,
    none: (name) => `No step of "${name}" has a support request right now.`,
  });
  await copySupportRequestFor(deps, deps.migrations, file, stepId);
}
