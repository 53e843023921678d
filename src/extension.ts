import * as vscode from 'vscode';
import { Redactor } from './core/util/redact';
import type { ApiServices } from './vscode/apiServices';
import { registerExplorer } from './vscode/explorer';
import { registerMigrations } from './vscode/migrations/registerMigrations';
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
  // The Migrations view, the panel and the migration commands' workbench; "Start Migration from
  // Here" and the status bar's phase go through the explorer.
  const migrations = registerMigrations({ context, channel, log, redactor });
  explorer.setMigrationLauncher(migrations.workbench);
  migrations.attachStatusBar(explorer.statusBar);
  log.info(`Mendix Cloud Migration ${String((context.extension.packageJSON as { version?: unknown }).version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
