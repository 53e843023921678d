/**
 * The invisible root of the Apps view: one account node per signed-in account, or, with a single
 * account, that account's apps directly. Reports the signed-in / no-apps state for `viewsWelcome`.
 */
import type { AccountSummary } from '../../accounts/accounts';
import type { TreeCloud } from '../../../mendix/services';
import { AccountNode } from './accountNode';
import type { ExplorerEnv, ExplorerNode } from './explorerNode';
import { ErrorNode } from './leafNodes';

export interface RootState {
  signedIn: boolean;
  /** Signed in with one account that has no apps at all (not just none matching a filter). */
  noApps: boolean;
}

export class AppsRoot {
  private readonly nodes = new Map<string, AccountNode>();
  private lastState: RootState | undefined;
  private pendingNodes: Promise<AccountNode[]> | undefined;

  constructor(
    private readonly env: ExplorerEnv,
    private readonly listAccounts: () => Promise<AccountSummary[]>,
    private readonly serviceFor: (account: AccountSummary) => Promise<TreeCloud>,
    private readonly onState: (state: RootState) => void,
  ) {}

  async getChildren(): Promise<ExplorerNode[]> {
    let accounts: AccountNode[];
    try {
      accounts = await this.accountNodes();
    } catch (e) {
      this.env.log.warn(`Reading the signed-in accounts failed: ${e instanceof Error ? e.message : String(e)}`);
      return [new ErrorNode(undefined, 'accounts', e)];
    }
    if (accounts.length === 0) {
      this.report({ signedIn: false, noApps: false });
      return [];
    }
    if (accounts.length > 1) {
      this.report({ signedIn: true, noApps: false });
      return accounts;
    }
    const only = accounts[0];
    const children = await only.getChildren();
    this.report({ signedIn: true, noApps: only.appCount === 0 });
    return children;
  }

  /** The account nodes for the current accounts, reusing existing ones (and their caches). */
  accountNodes(): Promise<AccountNode[]> {
    // Concurrent callers (a prefetch and the view's own request) must get the same node objects.
    this.pendingNodes ??= this.buildAccountNodes().finally(() => {
      this.pendingNodes = undefined;
    });
    return this.pendingNodes;
  }

  private async buildAccountNodes(): Promise<AccountNode[]> {
    const accounts = await this.listAccounts();
    const keep = new Set(accounts.map((a) => a.id));
    for (const id of [...this.nodes.keys()]) if (!keep.has(id)) this.nodes.delete(id);
    const out: AccountNode[] = [];
    for (const a of accounts) {
      let node = this.nodes.get(a.id);
      if (node) node.account = a;
      else {
        node = new AccountNode(this.env, a, await this.serviceFor(a));
        this.nodes.set(a.id, node);
      }
      node.hidden = accounts.length === 1;
      out.push(node);
    }
    return out;
  }

  /** Drops one account's node (its credentials changed) or all of them. */
  forget(accountId?: string): void {
    if (accountId) this.nodes.delete(accountId);
    else this.nodes.clear();
  }

  private report(state: RootState): void {
    if (this.lastState && this.lastState.signedIn === state.signedIn && this.lastState.noApps === state.noApps) return;
    this.lastState = state;
    this.onState(state);
  }
}
