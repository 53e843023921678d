/** Reveal File: shows the local file a step names (a download, the backup to upload). */
import { stepFacts } from '../panel/panelModel';
import { pickStep, stepLinkAction } from './migrationActions';
import type { MigrationCommandDeps } from './migrationDeps';

export async function revealStepFile(deps: MigrationCommandDeps, node?: unknown): Promise<void> {
  const { file, stepId } = await pickStep(deps, deps.migrations, node, {
    fits: (l, _st, j, lines) => !!stepFacts(l, lines, j).file,
    takeSingle: true,
    title: (name) => `Which step of ${name}?`,
    none: (name) => `No step of "${name}" names a file.`,
  });
  await stepLinkAction(deps, deps.migrations, file, stepId, 'revealFile');
}
