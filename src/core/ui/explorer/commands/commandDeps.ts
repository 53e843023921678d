/** What every command receives: injected, so commands run in unit tests with scripted answers. */
import type { AccessChecker } from '../../../doctor/accessChecker';
import type { Logger } from '../../../shared/logger';
import type { AccountStore } from '../../accounts/accounts';
import type { CredentialChecker } from '../../../mendix/services';
import type { AppsRoot } from '../nodes/appsRoot';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { Host, ProgressRunner, UserInput } from '../../kit/userInput';

export interface TreeControl {
  /** Drops cached children of `node` (or everything) and redraws it. */
  refresh(node?: ExplorerNode): void;
  /** Redraws `node` from what is cached, e.g. after a busy state or "load more". */
  redraw(node?: ExplorerNode): void;
  filterText(): string;
  setFilter(text: string): void;
}

/** How app URLs are checked (the `mendixMigration.migration.appUrl*` settings). */
export interface AppUrlSettings {
  mode: 'https' | 'api' | 'off';
  gateway: string | undefined;
}

export interface ExplorerSettings {
  /** Folder for downloads; undefined means ask each time. */
  downloadFolder(): string | undefined;
  /** Base URL "Open Portal" uses in a new migration (the Mendix Portal unless set). */
  portalBaseUrl?(): string;
  /** How app URLs are checked; Open App goes through a local gateway as the checks do. */
  appUrlCheck?(): AppUrlSettings;
}

export interface CommandDeps {
  ui: UserInput;
  progress: ProgressRunner;
  host: Host;
  accounts: AccountStore;
  checkCredentials: CredentialChecker;
  /** The doctor's read-only access check ("Mendix: Check Access"). */
  checkAccess: AccessChecker;
  root: AppsRoot;
  tree: TreeControl;
  settings: ExplorerSettings;
  log: Logger;
}

/** A command: the node it was invoked on from the tree, or nothing from the palette. */
export type Command<N extends ExplorerNode = ExplorerNode> = (deps: CommandDeps, node?: N) => Promise<void>;
