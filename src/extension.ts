import * as vscode from 'vscode';
import { Redactor } from './core/util/redact';
import type { ApiServices } from './vscode/apiServices';
import { registerExplorer } from './vscode/explorer';
import { createOutputLogger } from './vscode/outputLog';

/** Wires things up only: no network, no heavy work (see STYLE.md). */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Mendix Cloud Migration', { log: true });
  context.subscriptions.push(channel);
  const redactor = new Redactor();
  const log = createOutputLogger(channel, redactor);

  let services: ApiServices | undefined;
  const explorer = registerExplorer({
    context,
    channel,
    log,
    redactor,
    // The API client (axios, zod) is required on first use rather than at activation.
    services: () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      services ??= (require('./vscode/apiServices') as typeof import('./vscode/apiServices')).createApiServices(log, redactor);
      return services;
    },
  });
  // The Migrations view, the panel (and its serializer) and the migration commands' workbench.
  // Their modules pull in the engine and its schemas, so they load right after activation returns
  // instead of inside it; VS Code holds a panel to restore until its serializer is registered.
  setTimeout(() => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { registerMigrations } = require('./vscode/migrations/registerMigrations') as typeof import('./vscode/migrations/registerMigrations');
    const migrations = registerMigrations({ context, channel, log, redactor, accounts: explorer.accounts });
    explorer.setMigrationLauncher(migrations.workbench);
    migrations.attachStatusBar(explorer.statusBar);
  }, 0);
  log.info(`Mendix Cloud Migration ${String((context.extension.packageJSON as { version?: unknown }).version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
