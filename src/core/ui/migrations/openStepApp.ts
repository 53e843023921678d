/** Open App: opens the app URL a step names (it started or checked that environment). */
import { stepFacts } from '../panel/panelModel';
import { pickStep, stepLinkAction } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function openStepApp(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (l, _st, j, lines) => !!stepFacts(l, lines, j).appUrl,
    takeSingle: true,
    title: (name) => `Which step of ${name}?`,
    none: (name) => `No step of "${name}" names an app URL.`,
  });
  await stepLinkAction(deps, deps.migrations, file, stepId, 'openApp');
}
