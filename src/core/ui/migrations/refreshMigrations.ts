/** Mendix: Refresh Migrations — re-reads the journals of the workspace. */
import type { MigrationCommandDeps } from './migrationDeps';

export function refreshMigrations(deps: MigrationCommandDeps): Promise<void> {
  deps.migrations.refreshView();
  return Promise.resolve();
}
