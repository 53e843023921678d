/** Copy Path: puts the path of the local file a step names on the clipboard. */
import { stepFacts } from '../panel/panelModel';
import { pickStep, stepLinkAction } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function copyStepPath(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (l, _st, j, lines) => !!stepFacts(l, lines, j).file,
    takeSingle: true,
    title: (name) => `Which step of ${name}?`,
    none: (name) => `No step of "${name}" names a file.`,
  });
  await stepLinkAction(deps, deps.migrations, file, stepId, 'copyPath');
}
