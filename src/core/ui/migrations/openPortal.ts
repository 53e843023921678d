/** A portal step's "Open Portal": opens the page its instructions name. */
import { openPortalFor, pickStep } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function openPortal(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (_l, st) => !!st?.person?.url,
    takeSingle: true,
    title: (name) => `Open the portal page of which step of ${name}?`,
    none: (name) => `No step of "${name}" names a portal page right now.`,
  });
  await openPortalFor(deps, deps.migrations, file, stepId);
}
