import * as vscode from 'vscode';
import { Redactor } from './core/util/redact';
import { createOutputLogger } from './vscode/outputLog';

/** Wires things up only: no network, no heavy work (see STYLE.md). */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Mendix Cloud Migration', { log: true });
  context.subscriptions.push(channel);
  const redactor = new Redactor();
  const log = createOutputLogger(channel, redactor);
  context.subscriptions.push(vscode.commands.registerCommand('mendixMigration.log.show', () => channel.show(true)));
  log.info(`Mendix Cloud Migration ${String((context.extension.packageJSON as { version?: unknown }).version)} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
