/**
 * Wires migrations into VS Code: the Migrations view, the migration status bar, the panel (and its
 * serializer) and the migration feature's dependencies the commands receive. The engine, the API
 * client and the panel host load on first use; activation only registers things.
 */
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { AccountStore } from '../../core/ui/accounts/accounts';
import { VIEWS } from '../../core/ui/kit/commandIds';
import type { MigrationController } from '../../core/ui/migrations/migrationController';
import type { MigrationDeps } from '../../core/ui/migrations/migrationDeps';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import type { MigrationPanels } from '../panel/migrationPanel';
import { PANEL_VIEW_TYPE } from '../../core/ui/panel/viewType';
import { dnsWatchConfig, pollIntervalMs } from '../kit/settings';
import { VsCodeUserInput } from '../kit/userInput';
import { VsCodeMigrationPrompt } from './migrationPrompt';
import { migrationServices, rememberAccount } from './migrationServices';
import { MigrationStatusBar } from './migrationStatusBar';
import { MigrationsTreeProvider } from './migrationsTree';
import { ViewUpdates } from './viewUpdates';

export interface MigrationsOptions {
  context: vscode.ExtensionContext;
  log: Logger;
  redactor: Redactor;
  /** The signed-in accounts (SecretStorage), shared with the explorer. */
  accounts: AccountStore;
}

/** The controller, built when a migration is first opened or run (it loads the engine). */
function createController(o: MigrationsOptions, follow: (mc: MigrationController) => void): MigrationController {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const m = require('../../core/ui/migrations/migrationController') as typeof import('../../core/ui/migrations/migrationController');
  const poll = pollIntervalMs((w) => o.log.warn(w));
  const mc = new m.MigrationController({
    services: migrationServices({ context: o.context, accounts: o.accounts, ui: new VsCodeUserInput(), log: o.log, redactor: o.redactor }),
    prompt: new VsCodeMigrationPrompt(userInfo().username || 'person'),
    logger: o.log,
    planOptions: () => (poll > 0 ? { pollIntervalMs: poll } : {}),
  });
  follow(mc);
  return mc;
}

async function listJournals(
  folder: string | undefined,
  live?: import('../../core/ui/migrations/journalList').LiveRuns,
): Promise<import('../../core/ui/migrations/journalList').JournalSummary[]> {
  if (!folder) return [];
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const j = require('../../core/ui/migrations/journalList') as typeof import('../../core/ui/migrations/journalList');
  return j.listJournals(folder, live);
}

/** Registers the migration views and returns the feature's dependencies (built once, here). */
export function registerMigrations(o: MigrationsOptions): MigrationDeps {
  const { context, log } = o;
  const folder = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  let controller: MigrationController | undefined;
  const statusBar = new MigrationStatusBar();
  const tree = new MigrationsTreeProvider(folder, () => controller, log.child('migrations'));
  const view = vscode.window.createTreeView(VIEWS.migrations, { treeDataProvider: tree });
  // The status bar reads a running migration from its live journal, as the Migrations view does.
  const updates = new ViewUpdates({ tree, statusBar, journals: () => listJournals(folder(), controller), controller: () => controller, log });

  let panels: MigrationPanels | undefined;
  const migrations: MigrationDeps = {
    get controller() {
      controller ??= createController(o, (mc) => mc.onDidChange((c) => updates.follow(mc, c)));
      return controller;
    },
    workspaceFolder: folder,
    journals: () => listJournals(folder()),
    openPanel: (file) => getPanels().show(file),
    panelVisible: (file) => panels?.visible(file) ?? false,
    rememberAccount: (file, accountId) => rememberAccount(context, file, accountId),
    refreshView: () => updates.changed(),
  };
  const getPanels = (): MigrationPanels => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    panels ??= new (require('../panel/migrationPanel') as typeof import('../panel/migrationPanel')).MigrationPanels({ extensionUri: context.extensionUri, migrations, log, dnsConfig: dnsWatchConfig });
    return panels;
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/.mendix-migrations/*.json');
  const onFile = (uri: vscode.Uri) => {
    updates.changed();
    if (controller) void controller.reload(uri.fsPath).catch((e: unknown) => log.debug(`reload ${uri.fsPath}: ${String(e)}`));
  };
  context.subscriptions.push(
    tree,
    view,
    { dispose: () => panels?.dispose() },
    // Registered now so a panel left open comes back after a reload; the panel code loads with it.
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => getPanels().revive(panel, state) }),
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    watcher.onDidDelete(() => updates.changed()),
    statusBar,
    updates,
    // Nothing is read at activation: the first look at the journals happens when the view is shown.
    view.onDidChangeVisibility((e) => e.visible && updates.changed()),
  );
  if (view.visible) setTimeout(() => updates.changed(), 1000);
  return migrations;
}
