/**
 * What the migration commands need from the editor beyond `CommandDeps`: the controller, the
 * workspace folder, the panel and the Migrations view. The VS Code glue implements it and passes it
 * as `CommandDeps.migration` (it is also the explorer's `MigrationLauncher`).
 */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps, MigrationLauncher } from '../explorer/commands/commandDeps';
import type { JournalSummary } from './journalList';
import type { MigrationController } from './migrationController';

export interface MigrationWorkbench extends MigrationLauncher {
  readonly kind: 'migrationWorkbench';
  readonly controller: MigrationController;
  /** The first workspace folder's path; undefined when no folder is open. */
  workspaceFolder(): string | undefined;
  journals(): Promise<JournalSummary[]>;
  openPanel(file: string): Promise<void>;
  /** Remembers which signed-in account a journal runs with (the journal holds no credentials). */
  rememberAccount(file: string, accountId: string): Promise<void>;
  refreshView(): void;
}

export function isMigrationWorkbench(m: unknown): m is MigrationWorkbench {
  return typeof m === 'object' && m !== null && (m as { kind?: unknown }).kind === 'migrationWorkbench';
}

export function workbenchOf(deps: CommandDeps): MigrationWorkbench {
  if (!isMigrationWorkbench(deps.migration)) throw new UserFacingError('Migration engine not available yet.');
  return deps.migration;
}

export function requireFolder(wb: MigrationWorkbench): string {
  const f = wb.workspaceFolder();
  if (!f) throw new UserFacingError('Open a folder first: migrations are kept in its .mendix-migrations folder.');
  return f;
}

/** A Migrations view row (or a panel) names its journal file. */
export interface JournalRef {
  readonly journalFile: string;
}

export function isJournalRef(n: unknown): n is JournalRef {
  return typeof n === 'object' && n !== null && typeof (n as { journalFile?: unknown }).journalFile === 'string';
}
