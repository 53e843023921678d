/** Mendix: Sign Out. Removes one account's credentials from SecretStorage. */
import { AccountNode } from '../nodes/accountNode';
import type { ExplorerNode } from '../nodes/explorerNode';
import { pickAccount } from './pickers';
import type { CommandDeps } from './commandDeps';

export async function signOut(deps: CommandDeps, node?: ExplorerNode): Promise<void> {
  const account = node instanceof AccountNode ? node : await pickAccount(deps);
  await deps.ui.confirm(`Sign out of ${account.account.name}?`, 'Sign Out', 'Its stored API key and token are deleted from this computer.');
  await deps.accounts.remove(account.account.id);
  deps.root.forget(account.account.id);
  deps.log.info(`Signed out of "${account.account.name}"`);
  deps.tree.refresh();
}
