/**
 * The one wrapper every command runs in: it passes a tree node only when one was clicked, treats a
 * dismissed prompt or cancelled progress as a quiet no-op, logs failures (masked) and shows a clear
 * message with a "Show Log" action.
 */
import * as vscode from 'vscode';
import type { CommandDeps } from '../../core/ui/explorer/commands/commandDeps';
import { errorText, isCancellation } from '../../core/ui/kit/errors';
import type { ExplorerNode } from '../../core/ui/explorer/nodes/explorerNode';
import type { Redactor } from '../../core/shared/redact';
import { COMMAND_TABLE, type CommandEntry } from './commandTable';

/**
 * Only arguments from our own views and panel reach a command: tree nodes (they carry `kind`) and
 * journal references from the migration panel (`journalFile`). Anything else (a Uri from a
 * keybinding, a string) means "no node": the command asks instead.
 */
function asNode(arg: unknown): ExplorerNode | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const n = arg as { kind?: unknown; getTreeItem?: unknown; journalFile?: unknown };
  const ours = (typeof n.kind === 'string' && typeof n.getTreeItem === 'function') || typeof n.journalFile === 'string';
  return ours ? (arg as ExplorerNode) : undefined;
}

export async function runCommand(id: string, entry: CommandEntry, deps: CommandDeps, redactor: Redactor, arg: unknown): Promise<void> {
  const log = deps.log.child('command');
  const started = Date.now();
  try {
    await entry.run(deps, asNode(arg));
    log.debug(`${id} done in ${Date.now() - started} ms`);
  } catch (e) {
    if (isCancellation(e)) {
      log.info(`${id} cancelled`);
      return;
    }
    log.error(`${id} failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    const message = redactor.redact(errorText(entry.action, e));
    const choice = await vscode.window.showErrorMessage(message, 'Show Log');
    if (choice === 'Show Log') deps.host.showLog();
  }
}

export function registerCommands(deps: CommandDeps, redactor: Redactor): vscode.Disposable[] {
  return Object.entries(COMMAND_TABLE).map(([id, entry]) =>
    vscode.commands.registerCommand(id, (arg: unknown) => runCommand(id, entry, deps, redactor, arg)),
  );
}
