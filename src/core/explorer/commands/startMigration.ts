/** Start migration from here: hands the selected app (and environment) to the migration engine. */
import { UserFacingError } from '../errors';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { environmentOf, resolveApp } from './resolveNodes';

export async function startMigration(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  if (!deps.migration) throw new UserFacingError('Migration engine not available yet.');
  const app = await resolveApp(deps, node);
  const env = environmentOf(node);
  await deps.migration.start({
    accountId: app.parent.account.id,
    appId: app.app.appId,
    projectId: app.app.projectId,
    environmentId: env?.environment.environmentId,
    mode: env?.environment.mode,
  });
}
