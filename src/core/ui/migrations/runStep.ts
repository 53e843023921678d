/**
 * A step's own Run (the panel's button): runs that step; when a rollback reset the steps before it,
 * the run goes through them first. From the palette it offers the steps that can run.
 */
import { pickStep, runWithProgress } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function runStep(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    journals: (s) => s === 'active',
    fits: (_l, st) => ['pending', 'failed'].includes(st?.status ?? 'pending'),
    title: (name) => `Run which step of ${name}?`,
    none: (name) => `No step of "${name}" is left to run.`,
  });
  await runWithProgress(deps, deps.migrations, file, stepId);
}
