/**
 * The one wrapper every command runs in, from the palette, a tree or the migration panel: it passes
 * a tree node or a panel's journal/step reference only when one came, treats a dismissed prompt or
 * cancelled progress as a quiet no-op, logs failures (masked) and shows a clear message with a
 * "Show Log" action.
 */
import * as vscode from 'vscode';
import { errorText, isCancellation } from '../../core/ui/kit/errors';
import type { ExplorerNode } from '../../core/ui/explorer/nodes/explorerNode';
import type { Redactor } from '../../core/shared/redact';
import { COMMANDS, type CommandKey } from '../../core/ui/kit/commandIds';
import { isJournalRef, type MigrationCommandDeps } from '../../core/ui/migrations/migrationDeps';
import { COMMAND_TABLE, type CommandEntry } from './commandTable';

/**
 * Only arguments from our own views and panel reach a command. Apps-tree commands get a tree node
 * (it carries `kind` and `getTreeItem`); migration commands get a journal or step reference (a
 * Migrations-view row or a panel button: `journalFile`, `stepId`). Anything else (a Uri from a
 * keybinding, a string) means "none": the command asks instead.
 */
function asTreeNode(arg: unknown): ExplorerNode | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const n = arg as { kind?: unknown; getTreeItem?: unknown };
  return typeof n.kind === 'string' && typeof n.getTreeItem === 'function' && !isJournalRef(arg) ? (arg as ExplorerNode) : undefined;
}

export async function runCommand(id: string, entry: CommandEntry, deps: MigrationCommandDeps, redactor: Redactor, arg: unknown): Promise<void> {
  const log = deps.log.child('command');
  const started = Date.now();
  try {
    await ('takesRef' in entry ? entry.run(deps, isJournalRef(arg) ? arg : undefined) : entry.run(deps, asTreeNode(arg)));
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

/** Registers every command of the table with the features' dependencies, built once at activation. */
export function registerCommands(deps: MigrationCommandDeps, redactor: Redactor): vscode.Disposable[] {
  return (Object.keys(COMMAND_TABLE) as CommandKey[]).map((key) =>
    vscode.commands.registerCommand(COMMANDS[key], (arg: unknown) => runCommand(COMMANDS[key], COMMAND_TABLE[key], deps, redactor, arg)),
  );
}
