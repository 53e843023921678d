/**
 * Wires the Mendix Cloud explorer: the Apps tree, the account status bar and every command (with the
 * explorer's and the migration feature's dependencies). Nothing here talks to the network; the first
 * request happens when the Apps view asks for its children.
 */
import * as vscode from 'vscode';
import type { AccountStore } from '../../core/ui/accounts/accounts';
import { CONTEXT_KEYS, VIEWS } from '../../core/ui/kit/commandIds';
import type { MigrationCommandDeps, MigrationDeps } from '../../core/ui/migrations/migrationDeps';
import { Limiter } from '../../core/ui/kit/limiter';
import { AppsRoot } from '../../core/ui/explorer/nodes/appsRoot';
import type { ExplorerEnv } from '../../core/ui/explorer/nodes/explorerNode';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import type { ApiServices } from '../kit/apiServices';
import { registerCommands } from './registerCommands';
import { VsCodeHost } from '../kit/host';
import { affectsApi, affectsTree, appUrlCheckSettings, downloadFolder, portalBaseUrl, treePageSize } from '../kit/settings';
import { AccountStatusBar } from './accountStatusBar';
import { AppsTreeProvider, type ExplorerViewState } from './appsTreeProvider';
import { VsCodeProgressRunner, VsCodeUserInput } from '../kit/userInput';

/** Children stay fresh this long; refresh reloads sooner. Short, because statuses change. */
const CACHE_TTL_MS = 30_000;
/** Concurrent requests caused by expanding nodes; keeps large accounts from request storms. */
const MAX_CONCURRENT_REQUESTS = 4;

export interface ExplorerOptions {
  context: vscode.ExtensionContext;
  channel: vscode.LogOutputChannel;
  log: Logger;
  redactor: Redactor;
  /** Built lazily on first use: creating API clients pulls in the HTTP stack. */
  services: () => ApiServices;
  /** Signed-in accounts and their credentials (SecretStorage), shared with the migrations. */
  accounts: AccountStore;
  /** The migration feature, built before the explorer so the commands get it from the start. */
  migrations: MigrationDeps;
}

function explorerEnv(state: ExplorerViewState, log: Logger, changed: ExplorerEnv['changed']): ExplorerEnv {
  return {
    now: Date.now,
    cacheTtlMs: CACHE_TTL_MS,
    pageSize: treePageSize,
    limiter: new Limiter(MAX_CONCURRENT_REQUESTS),
    filterText: () => state.filter.toLowerCase(),
    epoch: () => state.epoch,
    changed,
    log: log.child('explorer'),
  };
}

/**
 * Once the Apps view is visible it will ask for its apps anyway: start that load (and the API client
 * module) right after activation returns, while VS Code is still laying out the view. The view's own
 * request then shares the pending load. Nothing is fetched while the view is hidden.
 */
function warmUpWhenVisible(view: vscode.TreeView<unknown>, context: vscode.ExtensionContext, load: () => void): void {
  let warmed = false;
  const warmUp = () => {
    if (warmed) return;
    warmed = true;
    setTimeout(load, 0);
  };
  if (view.visible) warmUp();
  else {
    const sub = view.onDidChangeVisibility((e) => {
      if (!e.visible) return;
      sub.dispose();
      warmUp();
    });
    context.subscriptions.push(sub);
  }
}

/** Another window's sign-in or sign-out, or a changed API or tree setting, reloads the tree. */
function reloadOnOutsideChanges(context: vscode.ExtensionContext, accounts: AccountStore, root: AppsRoot, tree: AppsTreeProvider): vscode.Disposable[] {
  return [
    context.secrets.onDidChange(() => {
      // Only another window's sign-in or sign-out needs a reload; our own writes are handled already.
      void accounts.reloadIfChanged().then((changed) => {
        if (!changed) return;
        root.forget();
        tree.refresh();
      });
    }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (affectsApi(e)) root.forget();
      if (affectsApi(e) || affectsTree(e)) tree.refresh();
    }),
  ];
}

export function registerExplorer(opts: ExplorerOptions): void {
  const { context, log, redactor, accounts } = opts;
  const state: ExplorerViewState = { filter: '', epoch: 0 };
  // The tree is built below; nodes only report changes after it exists.
  const env = explorerEnv(state, log, (node) => tree.redraw(node));

  const statusBar = new AccountStatusBar();
  const setContext = (key: string, value: boolean) => void vscode.commands.executeCommand('setContext', key, value);

  const root = new AppsRoot(
    env,
    () => accounts.list(),
    async (a) => {
      const credentials = await accounts.credentials(a.id);
      if (!credentials) throw new Error(`No stored credentials for ${a.name}`);
      return opts.services().create(credentials);
    },
    (s) => {
      setContext(CONTEXT_KEYS.signedIn, s.signedIn);
      setContext(CONTEXT_KEYS.noApps, s.noApps);
    },
  );
  const tree = new AppsTreeProvider(root, state);
  const view = vscode.window.createTreeView(VIEWS.apps, { treeDataProvider: tree, showCollapseAll: true });
  tree.onFilterChanged = (f) => {
    view.description = f ? `filter: ${f}` : undefined;
    setContext(CONTEXT_KEYS.filtered, f !== '');
  };

  warmUpWhenVisible(view, context, () => {
    opts.services();
    void root.getChildren();
  });

  const syncAccounts = async () => {
    const list = await accounts.list();
    statusBar.setAccounts(list);
    setContext(CONTEXT_KEYS.signedIn, list.length > 0);
  };
  // Reading SecretStorage is local and cheap, but still async: do not hold activation for it.
  void syncAccounts();

  const deps: MigrationCommandDeps = {
    ui: new VsCodeUserInput(),
    progress: new VsCodeProgressRunner(),
    host: new VsCodeHost(opts.channel, redactor),
    accounts,
    checkCredentials: (c, signal) => opts.services().check(c, signal),
    checkAccess: (c, signal) => opts.services().checkAccess(c, signal),
    root,
    tree,
    settings: { downloadFolder, portalBaseUrl, appUrlCheck: appUrlCheckSettings },
    log,
    migrations: opts.migrations,
  };

  context.subscriptions.push(
    tree,
    view,
    statusBar,
    accounts.onDidChange(() => void syncAccounts()),
    ...reloadOnOutsideChanges(context, accounts, root, tree),
    ...registerCommands(deps, redactor),
  );
}
