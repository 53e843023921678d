import * as vscode from 'vscode';
import { Redactor } from './core/util/redact';
import { createOutputLogger } from './vscode/outputLog';
import { registerExplorer } from './vscode/explorer';
import { apiConfig } from './vscode/settings';

/** Wires things up only: no network, no heavy work (see STYLE.md). */
export function activate(context: vscode.ExtensionContext): void {
  const channel = vscode.window.createOutputChannel('Mendix Cloud Migration', { log: true });
  context.subscriptions.push(channel);
  const redactor = new Redactor();
  const log = createOutputLogger(channel, redactor);

  let services: ReturnType<typeof createServices> | undefined;
  registerExplorer({
    context,
    channel,
    log,
    redactor,
    services: () => (services ??= createServices(log, redactor)),
  });
  log.info(`Mendix Cloud Migration ${String((context.extension.packageJSON as { version?: unknown }).version)} activated`);
}

/**
 * The API client (axios, zod) is required on first use rather than at activation, which keeps
 * activation fast; esbuild still bundles it into the one file.
 */
function createServices(log: ReturnType<typeof createOutputLogger>, redactor: Redactor) {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const factory = require('./core/explorer/clientFactory') as typeof import('./core/explorer/clientFactory');
  const opts = { config: apiConfig, log, redactor };
  return { create: factory.createCloudServiceFactory(opts), check: factory.createCredentialChecker(opts) };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
