import { MIGRATION_COMMANDS } from './migrationCommandIds';

/**
 * Every command id the extension registers, as typed constants. `package.json` contributes the
 * same ids (a unit test keeps the two in step); ids read `mendixMigration.noun.verb`.
 */
export const COMMANDS = {
  signIn: 'mendixMigration.account.signIn',
  signOut: 'mendixMigration.account.signOut',
  checkAccess: 'mendixMigration.account.checkAccess',
  showLog: 'mendixMigration.log.show',
  refresh: 'mendixMigration.apps.refresh',
  filter: 'mendixMigration.apps.filter',
  clearFilter: 'mendixMigration.apps.clearFilter',
  refreshNode: 'mendixMigration.node.refresh',
  loadMore: 'mendixMigration.node.loadMore',
  retry: 'mendixMigration.node.retry',
  openUrl: 'mendixMigration.environment.openUrl',
  copyAppId: 'mendixMigration.app.copyAppId',
  copyProjectId: 'mendixMigration.app.copyProjectId',
  copyEnvironmentId: 'mendixMigration.environment.copyEnvironmentId',
  startEnvironment: 'mendixMigration.environment.start',
  stopEnvironment: 'mendixMigration.environment.stop',
  downloadPackage: 'mendixMigration.package.download',
  createBackup: 'mendixMigration.backup.create',
  downloadBackup: 'mendixMigration.backup.download',
  showSettings: 'mendixMigration.settings.show',
  startMigration: 'mendixMigration.migration.start',
  ...MIGRATION_COMMANDS,
} as const;

export type CommandId = (typeof COMMANDS)[keyof typeof COMMANDS];

/** Context keys set with `setContext`, read by `when` clauses in package.json. */
export const CONTEXT_KEYS = {
  signedIn: 'mendixMigration.signedIn',
  noApps: 'mendixMigration.noApps',
  filtered: 'mendixMigration.filtered',
} as const;


export const VIEWS = {
  apps: 'mendixMigration.apps',
  migrations: 'mendixMigration.migrations',
} as const;
