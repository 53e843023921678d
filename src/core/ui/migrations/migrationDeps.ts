/**
 * The migration feature's dependencies, built once at activation by the VS Code glue and handed to
 * every migration command with the explorer's `CommandDeps` (one object per feature, no late binding).
 */
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import type { JournalSummary } from './journalList';
import type { MigrationController } from './migrationController';

export interface MigrationDeps {
  readonly controller: MigrationController;
  /** The first workspace folder's path; undefined when no folder is open. */
  workspaceFolder(): string | undefined;
  journals(): Promise<JournalSummary[]>;
  openPanel(file: string): Promise<void>;
  /** Whether the journal's panel is open and visible (its header then tells a run's outcome; no toast). */
  panelVisible(file: string): boolean;
  /** Remembers which signed-in account a journal runs with (the journal holds no credentials). */
  rememberAccount(file: string, accountId: string): Promise<void>;
  refreshView(): void;
}

/** What a migration command receives: the editor's ports plus the migration feature. */
export interface MigrationCommandDeps extends CommandDeps {
  readonly migrations: MigrationDeps;
}

export function requireFolder(wb: MigrationDeps): string {
  const f = wb.workspaceFolder();
  if (!f) throw new UserFacingError('Open a folder first: migrations are kept in its .mendix-migrations folder.');
  return f;
}

/** A Migrations view row (or a panel) names its journal file. */
export interface JournalRef {
  readonly journalFile: string;
}

/** A panel's step button names its journal and step. */
export interface StepRef extends JournalRef {
  readonly stepId: string;
}

export function isJournalRef(n: unknown): n is JournalRef {
  return typeof n === 'object' && n !== null && typeof (n as { journalFile?: unknown }).journalFile === 'string';
}

export function isStepRef(n: unknown): n is StepRef {
  return isJournalRef(n) && typeof (n as { stepId?: unknown }).stepId === 'string';
}
