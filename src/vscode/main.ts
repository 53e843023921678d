/**
 * The implementation of the extension, bundled on its own (dist/main.js) and loaded by the thin
 * entry in src/extension.ts right after activation. Everything here still only wires things up:
 * no network until a view or command asks for it (see STYLE.md).
 */
import * as vscode from 'vscode';
import { Redactor } from '../core/shared/redact';
import { AccountStore } from '../core/ui/accounts/accounts';
import type { ApiServices } from './kit/apiServices';
import { secretBackend } from './kit/secrets';
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

  // One dependency object per feature, built here and passed down: the accounts both features use,
  // then the migrations (their engine loads on first use), then the explorer, whose command table
  // serves the palette, the trees and the migration panel.
  const accounts = new AccountStore(secretBackend(context.secrets));
  const migrations = registerMigrations({ context, log, redactor, accounts });
  let services: ApiServices | undefined;
  registerExplorer({
    context,
    channel,
    log,
    redactor,
    accounts,
    migrations,
    // The API client (axios, zod) is built on first use rather than at activation.
    services: () => {
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      services ??= (require('./kit/apiServices') as typeof import('./kit/apiServices')).createApiServices(log, redactor);
      return services;
    },
  });
  const version = String((context.extension.packageJSON as { version?: unknown }).version);
  const ready = timings.activatedAt === undefined ? '' : `, commands ready ${(performance.now() - timings.activatedAt).toFixed(1)} ms after activation started`;
  log.info(`Mendix Cloud Migration ${version} activated (implementation loaded in ${timings.loadMs.toFixed(1)} ms${ready})`);
}
