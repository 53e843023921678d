/**
 * Every command id the extension registers, in one registry. The key, the id's last part, the file
 * that implements it and its exported function share one name (`runNextStep` →
 * `mendixMigration.runNextStep` → `runNextStep.ts`), so a command's code is one search from its id.
 * `package.json` contributes the same ids (a unit test keeps the two in step).
 */
const id = <K extends string>(key: K): `mendixMigration.${K}` => `mendixMigration.${key}`;

export const COMMANDS = {
  // Accounts and the Apps view (src/core/ui/explorer/commands/<key>.ts).
  signIn: id('signIn'),
  signOut: id('signOut'),
  checkAccess: id('checkAccess'),
  showLog: id('showLog'),
  refreshApps: id('refreshApps'),
  filterApps: id('filterApps'),
  clearFilter: id('clearFilter'),
  refreshNode: id('refreshNode'),
  loadMore: id('loadMore'),
  retryNode: id('retryNode'),
  openUrl: id('openUrl'),
  copyAppId: id('copyAppId'),
  copyProjectId: id('copyProjectId'),
  copyEnvironmentId: id('copyEnvironmentId'),
  startEnvironment: id('startEnvironment'),
  stopEnvironment: id('stopEnvironment'),
  downloadPackage: id('downloadPackage'),
  createBackup: id('createBackup'),
  downloadBackup: id('downloadBackup'),
  showSettings: id('showSettings'),
  // Migrations: the palette, the Migrations view and the panel's buttons (src/core/ui/migrations/<key>.ts).
  startMigrationWizard: id('startMigrationWizard'),
  resumeMigration: id('resumeMigration'),
  runNextStep: id('runNextStep'),
  runStep: id('runStep'),
  verifyStep: id('verifyStep'),
  markStepDone: id('markStepDone'),
  redoStep: id('redoStep'),
  openPortal: id('openPortal'),
  copySupportRequest: id('copySupportRequest'),
  openStepApp: id('openStepApp'),
  revealStepFile: id('revealStepFile'),
  copyStepPath: id('copyStepPath'),
  acknowledgeWarnings: id('acknowledgeWarnings'),
  abortMigration: id('abortMigration'),
  exportReport: id('exportReport'),
  openPanel: id('openPanel'),
  refreshMigrations: id('refreshMigrations'),
} as const;

export type CommandKey = keyof typeof COMMANDS;
export type CommandId = (typeof COMMANDS)[CommandKey];

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
