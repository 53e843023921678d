/**
 * The implementation of the extension, bundled on its own (dist/main.js) and loaded by the thin
 * entry in src/extension.ts right after activation. Everything here still only wires things up:
 * no network until a view or command asks for it (see STYLE.md).
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/shared/redact';
import type { ApiServices } from './kit/apiServices';
import { registerExplorer } from './explorer/registerExplorer';
import { registerMigrations } from './migrations/registerMigrations';
import { createOutputLogger } from './kit/outputLog';

export interface MainTimings {
  /** How long loading this bundle took, measured by the entry. */
  loadMs: number;
  /** `performance.now()` when the entry's activate() started: the commands work once this returns. */
  activatedAt?: number;
}

export function activateMain(context: vscode.ExtensionContext, timings: MainTimings): void {
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
    // The API client (axios, zod) is built on first use rather than at activation.
    services: () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      services ??= (require('./kit/apiServices') as typeof import('./kit/apiServices')).createApiServices(log, redactor);
      return services;
    },
  });
  const migrations = registerMigrations({ context, channel, log, redactor, accounts: explorer.accounts });
  explorer.setMigrationLauncher(migrations.workbench);
  migrations.attachStatusBar(explorer.statusBar);
  const version = String((context.extension.packageJSON as { version?: unknown }).version);
  const ready = timings.activatedAt === undefined ? '' : `, commands ready ${(performance.now() - timings.activatedAt).toFixed(1)} ms after activation started`;
  log.info(`Mendix Cloud Migration ${version} activated (implementation loaded in ${timings.loadMs.toFixed(1)} ms${ready})`);
}
