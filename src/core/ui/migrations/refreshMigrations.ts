/** Mendix: Refresh Migrations — re-reads the journals of the workspace. */
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { workbenchOf } from './migrationDeps';

export function refreshMigrations(deps: CommandDeps): Promise<void> {
  workbenchOf(deps).refreshView();
  return Promise.resolve();
}
