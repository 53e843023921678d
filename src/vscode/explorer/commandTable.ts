/**
 * The one registration table: every command of the registry (`COMMANDS`) mapped to its code and a
 * short action name for errors. The palette, the trees and the migration panel all run commands
 * through it (and through the one wrapper in registerCommands.ts).
 */
import type { ExplorerNode } from '../../core/ui/explorer/nodes/explorerNode';
import type { JournalRef, MigrationCommandDeps } from '../../core/ui/migrations/migrationDeps';
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
import type { CommandKey } from '../../core/ui/kit/commandIds';

/** Every command gets both features' dependencies (Apps-tree commands use the `CommandDeps` part) ... */
type TreeCommand = (deps: MigrationCommandDeps, node?: ExplorerNode) => Promise<void>;
/** ... and a tree node, or (migration commands) a journal or step reference. */
type RefCommand = (deps: MigrationCommandDeps, ref?: JournalRef) => Promise<void>;

/**
 * Requires a command's module on first run. The migration commands pull in the engine and its
 * schemas (zod); loading them at activation would cost tens of milliseconds for nothing.
 */
function lazy<M, A extends unknown[]>(load: () => M, pick: (m: M) => (deps: MigrationCommandDeps, ...args: A) => Promise<void>): (deps: MigrationCommandDeps, ...args: A) => Promise<void> {
  let cmd: ((deps: MigrationCommandDeps, ...args: A) => Promise<void>) | undefined;
  return (deps, ...args) => {
    cmd ??= pick(load());
    return cmd(deps, ...args);
  };
}

/* eslint-disable @typescript-eslint/no-require-imports -- literal requires, so esbuild still bundles them */
const migrations = {
  startMigrationWizard: lazy(() => require('../../core/ui/migrations/startMigrationWizard') as typeof import('../../core/ui/migrations/startMigrationWizard'), (m) => m.startMigrationWizard),
  resumeMigration: lazy(() => require('../../core/ui/migrations/resumeMigration') as typeof import('../../core/ui/migrations/resumeMigration'), (m) => m.resumeMigration),
  runNextStep: lazy(() => require('../../core/ui/migrations/runNextStep') as typeof import('../../core/ui/migrations/runNextStep'), (m) => m.runNextStep),
  runStep: lazy(() => require('../../core/ui/migrations/runStep') as typeof import('../../core/ui/migrations/runStep'), (m) => m.runStep),
  verifyStep: lazy(() => require('../../core/ui/migrations/verifyStep') as typeof import('../../core/ui/migrations/verifyStep'), (m) => m.verifyStep),
  markStepDone: lazy(() => require('../../core/ui/migrations/markStepDone') as typeof import('../../core/ui/migrations/markStepDone'), (m) => m.markStepDone),
  redoStep: lazy(() => require('../../core/ui/migrations/redoStep') as typeof import('../../core/ui/migrations/redoStep'), (m) => m.redoStep),
  openPortal: lazy(() => require('../../core/ui/migrations/openPortal') as typeof import('../../core/ui/migrations/openPortal'), (m) => m.openPortal),
  copySupportRequest: lazy(() => require('../../core/ui/migrations/copySupportRequest') as typeof import('../../core/ui/migrations/copySupportRequest'), (m) => m.copySupportRequest),
  openStepApp: lazy(() => require('../../core/ui/migrations/openStepApp') as typeof import('../../core/ui/migrations/openStepApp'), (m) => m.openStepApp),
  revealStepFile: lazy(() => require('../../core/ui/migrations/revealStepFile') as typeof import('../../core/ui/migrations/revealStepFile'), (m) => m.revealStepFile),
  copyStepPath: lazy(() => require('../../core/ui/migrations/copyStepPath') as typeof import('../../core/ui/migrations/copyStepPath'), (m) => m.copyStepPath),
  acknowledgeWarnings: lazy(() => require('../../core/ui/migrations/acknowledgeWarnings') as typeof import('../../core/ui/migrations/acknowledgeWarnings'), (m) => m.acknowledgeWarnings),
  abortMigration: lazy(() => require('../../core/ui/migrations/abortMigration') as typeof import('../../core/ui/migrations/abortMigration'), (m) => m.abortMigration),
  exportReport: lazy(() => require('../../core/ui/migrations/exportReport') as typeof import('../../core/ui/migrations/exportReport'), (m) => m.exportReport),
  openPanel: lazy(() => require('../../core/ui/migrations/openPanel') as typeof import('../../core/ui/migrations/openPanel'), (m) => m.openPanel),
  refreshMigrations: lazy(() => require('../../core/ui/migrations/refreshMigrations') as typeof import('../../core/ui/migrations/refreshMigrations'), (m) => m.refreshMigrations),
};
/* eslint-enable @typescript-eslint/no-require-imports */

/** `action` names the action in error messages: "<action> failed: …". */
export type CommandEntry = { run: TreeCommand; action: string } | { run: RefCommand; action: string; takesRef: true };

/** Keyed like the registry, so adding an id without an implementation does not compile. */
export const COMMAND_TABLE: Readonly<Record<CommandKey, CommandEntry>> = {
  signIn: { run: signIn, action: 'Sign in' },
  signOut: { run: signOut, action: 'Sign out' },
  checkAccess: { run: checkAccess, action: 'Check access' },
  showLog: { run: showLog, action: 'Show log' },
  refreshApps: { run: refreshApps, action: 'Refresh' },
  filterApps: { run: filterApps, action: 'Filter apps' },
  clearFilter: { run: clearFilter, action: 'Clear filter' },
  refreshNode: { run: refreshNode, action: 'Refresh' },
  loadMore: { run: loadMore, action: 'Load more' },
  retryNode: { run: retryNode, action: 'Retry' },
  openUrl: { run: openUrl, action: 'Open URL' },
  copyAppId: { run: copyAppId, action: 'Copy AppId' },
  copyProjectId: { run: copyProjectId, action: 'Copy ProjectId' },
  copyEnvironmentId: { run: copyEnvironmentId, action: 'Copy EnvironmentId' },
  startEnvironment: { run: startEnvironment, action: 'Start environment' },
  stopEnvironment: { run: stopEnvironment, action: 'Stop environment' },
  downloadPackage: { run: downloadPackage, action: 'Download deployed package' },
  createBackup: { run: createBackup, action: 'Create backup' },
  downloadBackup: { run: downloadBackup, action: 'Download backup' },
  showSettings: { run: showSettings, action: 'Show settings' },
  startMigrationWizard: { run: migrations.startMigrationWizard, action: 'Start migration' },
  resumeMigration: { run: migrations.resumeMigration, action: 'Resume migration', takesRef: true },
  runNextStep: { run: migrations.runNextStep, action: 'Run next step', takesRef: true },
  runStep: { run: migrations.runStep, action: 'Run step', takesRef: true },
  verifyStep: { run: migrations.verifyStep, action: 'Verify step', takesRef: true },
  markStepDone: { run: migrations.markStepDone, action: 'Mark step done', takesRef: true },
  redoStep: { run: migrations.redoStep, action: 'Redo step', takesRef: true },
  openPortal: { run: migrations.openPortal, action: 'Open portal', takesRef: true },
  copySupportRequest: { run: migrations.copySupportRequest, action: 'Copy support request', takesRef: true },
  openStepApp: { run: migrations.openStepApp, action: 'Open app', takesRef: true },
  revealStepFile: { run: migrations.revealStepFile, action: 'Reveal file', takesRef: true },
  copyStepPath: { run: migrations.copyStepPath, action: 'Copy path', takesRef: true },
  acknowledgeWarnings: { run: migrations.acknowledgeWarnings, action: 'Acknowledge warnings', takesRef: true },
  abortMigration: { run: migrations.abortMigration, action: 'Abort migration', takesRef: true },
  exportReport: { run: migrations.exportReport, action: 'Export migration report', takesRef: true },
  openPanel: { run: migrations.openPanel, action: 'Open migration panel', takesRef: true },
  refreshMigrations: { run: migrations.refreshMigrations, action: 'Refresh migrations', takesRef: true },
};
