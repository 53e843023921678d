/** The one registration table: every command id mapped to its implementation and a short action name for errors. */
import type { Command } from '../../core/ui/explorer/commands/commandDeps';
import { checkAccess } from '../../core/ui/explorer/commands/checkAccess';
import { clearFilter } from '../../core/ui/explorer/commands/clearFilter';
import { copyAppId } from '../../core/ui/explorer/commands/copyAppId';
import { copyEnvironmentId } from '../../core/ui/explorer/commands/copyEnvironmentId';
import { copyProjectId } from '../../core/ui/explorer/commands/copyProjectId';
import { createBackup } from '../../core/ui/explorer/commands/createBackup';
import { downloadBackup } from '../../core/ui/explorer/commands/downloadBackup';
import { downloadPackage } from '../../core/ui/explorer/commands/downloadPackage';
import { filterApps } from '../../core/ui/explorer/commands/filterApps';
import { loadMore } from '../../core/ui/explorer/commands/loadMore';
import { openUrl } from '../../core/ui/explorer/commands/openUrl';
import { refreshApps } from '../../core/ui/explorer/commands/refreshApps';
import { refreshNode } from '../../core/ui/explorer/commands/refreshNode';
import { retryNode } from '../../core/ui/explorer/commands/retryNode';
import { showLog } from '../../core/ui/explorer/commands/showLog';
import { showSettings } from '../../core/ui/explorer/commands/showSettings';
import { signIn } from '../../core/ui/explorer/commands/signIn';
import { signOut } from '../../core/ui/explorer/commands/signOut';
import { startEnvironment } from '../../core/ui/explorer/commands/startEnvironment';
import { stopEnvironment } from '../../core/ui/explorer/commands/stopEnvironment';
import { COMMANDS, type CommandId } from '../../core/ui/kit/commandIds';

/**
 * Requires a command's module on first run. The migration commands pull in the engine and its
 * schemas (zod); loading them at activation would cost tens of milliseconds for nothing.
 */
function lazy<M>(load: () => M, pick: (m: M) => Command): Command {
  let cmd: Command | undefined;
  return (deps, node) => {
    cmd ??= pick(load());
    return cmd(deps, node);
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- literal requires, so esbuild still bundles them */
const migration = {
  start: lazy(() => require('../../core/ui/migrations/startMigrationWizard') as typeof import('../../core/ui/migrations/startMigrationWizard'), (m) => m.startMigrationWizard),
  resume: lazy(() => require('../../core/ui/migrations/resumeMigration') as typeof import('../../core/ui/migrations/resumeMigration'), (m) => m.resumeMigration),
  runNextStep: lazy(() => require('../../core/ui/migrations/runNextStep') as typeof import('../../core/ui/migrations/runNextStep'), (m) => m.runNextStep),
  verifyStep: lazy(() => require('../../core/ui/migrations/verifyMigrationStep') as typeof import('../../core/ui/migrations/verifyMigrationStep'), (m) => m.verifyMigrationStep),
  markStepDone: lazy(() => require('../../core/ui/migrations/markMigrationStepDone') as typeof import('../../core/ui/migrations/markMigrationStepDone'), (m) => m.markMigrationStepDone),
  redoStep: lazy(() => require('../../core/ui/migrations/redoMigrationStep') as typeof import('../../core/ui/migrations/redoMigrationStep'), (m) => m.redoMigrationStep),
  abort: lazy(() => require('../../core/ui/migrations/abortMigration') as typeof import('../../core/ui/migrations/abortMigration'), (m) => m.abortMigration),
  exportReport: lazy(() => require('../../core/ui/migrations/exportMigrationReport') as typeof import('../../core/ui/migrations/exportMigrationReport'), (m) => m.exportMigrationReport),
  openPanel: lazy(() => require('../../core/ui/migrations/openMigrationPanel') as typeof import('../../core/ui/migrations/openMigrationPanel'), (m) => m.openMigrationPanel),
  refresh: lazy(() => require('../../core/ui/migrations/refreshMigrations') as typeof import('../../core/ui/migrations/refreshMigrations'), (m) => m.refreshMigrations),
};
/* eslint-enable @typescript-eslint/no-require-imports */

export interface CommandEntry {
  run: Command;
  /** Names the action in error messages: "<action> failed: …". */
  action: string;
}

/** Typed by CommandId, so adding an id without an implementation does not compile. */
export const COMMAND_TABLE: Readonly<Record<CommandId, CommandEntry>> = {
  [COMMANDS.signIn]: { run: signIn, action: 'Sign in' },
  [COMMANDS.signOut]: { run: signOut, action: 'Sign out' },
  [COMMANDS.checkAccess]: { run: checkAccess, action: 'Check access' },
  [COMMANDS.showLog]: { run: showLog, action: 'Show log' },
  [COMMANDS.refresh]: { run: refreshApps, action: 'Refresh' },
  [COMMANDS.filter]: { run: filterApps, action: 'Filter apps' },
  [COMMANDS.clearFilter]: { run: clearFilter, action: 'Clear filter' },
  [COMMANDS.refreshNode]: { run: refreshNode, action: 'Refresh' },
  [COMMANDS.loadMore]: { run: loadMore, action: 'Load more' },
  [COMMANDS.retry]: { run: retryNode, action: 'Retry' },
  [COMMANDS.openUrl]: { run: openUrl, action: 'Open URL' },
  [COMMANDS.copyAppId]: { run: copyAppId, action: 'Copy AppId' },
  [COMMANDS.copyProjectId]: { run: copyProjectId, action: 'Copy ProjectId' },
  [COMMANDS.copyEnvironmentId]: { run: copyEnvironmentId, action: 'Copy EnvironmentId' },
  [COMMANDS.startEnvironment]: { run: startEnvironment, action: 'Start environment' },
  [COMMANDS.stopEnvironment]: { run: stopEnvironment, action: 'Stop environment' },
  [COMMANDS.downloadPackage]: { run: downloadPackage, action: 'Download deployed package' },
  [COMMANDS.createBackup]: { run: createBackup, action: 'Create backup' },
  [COMMANDS.downloadBackup]: { run: downloadBackup, action: 'Download backup' },
  [COMMANDS.showSettings]: { run: showSettings, action: 'Show settings' },
  [COMMANDS.startMigration]: { run: migration.start, action: 'Start migration' },
  [COMMANDS.resumeMigration]: { run: migration.resume, action: 'Resume migration' },
  [COMMANDS.runNextMigrationStep]: { run: migration.runNextStep, action: 'Run next step' },
  [COMMANDS.verifyMigrationStep]: { run: migration.verifyStep, action: 'Verify step' },
  [COMMANDS.markMigrationStepDone]: { run: migration.markStepDone, action: 'Mark step done' },
  [COMMANDS.redoMigrationStep]: { run: migration.redoStep, action: 'Redo step' },
  [COMMANDS.abortMigration]: { run: migration.abort, action: 'Abort migration' },
  [COMMANDS.exportMigrationReport]: { run: migration.exportReport, action: 'Export migration report' },
  [COMMANDS.openMigrationPanel]: { run: migration.openPanel, action: 'Open migration panel' },
  [COMMANDS.refreshMigrations]: { run: migration.refresh, action: 'Refresh migrations' },
};
