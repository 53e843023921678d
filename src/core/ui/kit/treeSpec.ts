/**
 * What a tree row looks like, described without the VS Code API so node classes stay testable in
 * plain mocha. `src/vscode/kit/toTreeItem.ts` turns it into a `vscode.TreeItem`.
 */
export type Collapsible = 'none' | 'collapsed' | 'expanded';

export interface IconSpec {
  /** A codicon id such as `vm-running`. */
  id: string;
  /** A theme colour id such as `testing.iconPassed`. */
  color?: string;
}

export interface CommandSpec {
  command: string;
  title: string;
  /** Passed to the command; the node itself when omitted. */
  args?: unknown[];
}

export interface TreeItemSpec {
  /** Stable across reloads so VS Code keeps expansion and selection. */
  id: string;
  label: string;
  description?: string;
  /** Markdown. */
  tooltip?: string;
  icon?: IconSpec;
  collapsible: Collapsible;
  /** Space-separated tokens that `package.json` menus match with `viewItem =~ /\btoken\b/`. */
  contextValue: string;
  command?: CommandSpec;
  /** What a screen reader says; also what the e2e tests read. */
  accessibilityLabel?: string;
}
