/** Mendix: Verify Migration Step — runs a step's verification again and records the result. */
import { pickStep, verifyWithMessage } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function verifyStep(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (_l, st) => ['done', 'waiting-for-person', 'failed'].includes(st?.status ?? 'pending'),
    title: (name) => `Verify a step of ${name}`,
    none: (name) => `No step of "${name}" has anything to verify yet.`,
  });
  await verifyWithMessage(deps, deps.migrations, file, stepId);
}
