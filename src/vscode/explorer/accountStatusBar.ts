/** The account's status bar item: who is signed in. A migration's phase is the migration status bar's (one of each). */
import * as vscode from 'vscode';
import type { AccountSummary } from '../../core/ui/accounts/accounts';
import { COMMANDS } from '../../core/ui/kit/commandIds';

export class AccountStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mendixMigration.account', vscode.StatusBarAlignment.Left, 50);
  private accounts: AccountSummary[] = [];

  constructor() {
    this.item.name = 'Mendix Cloud account';
    this.render();
    this.item.show();
  }

  setAccounts(accounts: AccountSummary[]): void {
    this.accounts = accounts;
    this.render();
  }

  dispose(): void {
    this.item.dispose();
  }

  private render(): void {
    if (this.accounts.length === 0) {
      this.item.text = '$(cloud) Mendix: Sign In';
      this.item.tooltip = 'Sign in to Mendix Cloud with an API key or Personal Access Token';
      this.item.command = COMMANDS.signIn;
      return;
    }
    const who = this.accounts.length === 1 ? this.accounts[0].name : `${this.accounts.length} Mendix accounts`;
    this.item.text = `$(cloud) ${who}`;
    this.item.tooltip = `Signed in to Mendix Cloud: ${this.accounts.map((a) => a.name).join(', ')}`;
    this.item.command = 'workbench.view.extension.mendixCloud';
  }
}
