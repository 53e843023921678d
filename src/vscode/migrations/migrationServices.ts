/**
 * The Mendix Cloud services a journal's run uses: the signed-in account it runs with (remembered per
 * journal, asked when there are several), its API client, the app-URL check and the custom-domain
 * check over the settings. Built when a run starts; the modules load then, not at activation.
 */
import type * as vscode from 'vscode';
import type { AccountStore } from '../../core/ui/accounts/accounts';
import { UserFacingError } from '../../core/ui/kit/errors';
import type { UserInput } from '../../core/ui/kit/userInput';
import type { MigrationServices } from '../../core/mendix/services';
import type { Journal } from '../../core/migration/types';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import { apiConfig, appUrlCheckSettings, dnsWatchConfig, downloadConnections } from '../kit/settings';

const ACCOUNTS_KEY = 'mendixMigration.journalAccounts';

export interface ServicesOptions {
  context: vscode.ExtensionContext;
  accounts: AccountStore;
  ui: UserInput;
  log: Logger;
  redactor: Redactor;
}

/** Remembers which signed-in account a journal runs with (the journal holds no credentials). */
export async function rememberAccount(context: vscode.ExtensionContext, file: string, accountId: string): Promise<void> {
  const map = { ...context.workspaceState.get<Record<string, string>>(ACCOUNTS_KEY, {}), [file]: accountId };
  await context.workspaceState.update(ACCOUNTS_KEY, map);
}

async function accountFor(o: ServicesOptions, file: string, journal: Readonly<Journal>): Promise<string> {
  const remembered = o.context.workspaceState.get<Record<string, string>>(ACCOUNTS_KEY, {})[file];
  const list = await o.accounts.list();
  if (remembered && list.some((a) => a.id === remembered)) return remembered;
  if (list.length === 0) throw new UserFacingError('Sign in to Mendix Cloud first: the migration needs an account.', 'Run "Mendix: Sign In".');
  const id = list.length === 1 ? list[0].id : await o.ui.pick(list.map((a) => ({ label: a.name, description: a.username, value: a.id })), { title: `Account for migration ${journal.name}` });
  await rememberAccount(o.context, file, id);
  return id;
}

/** The services factory the migration controller calls when a run starts. */
export function migrationServices(o: ServicesOptions): (file: string, journal: Readonly<Journal>) => Promise<MigrationServices> {
  return async (file, journal) => {
    const id = await accountFor(o, file, journal);
    const credentials = await o.accounts.credentials(id);
    if (!credentials) throw new UserFacingError('The account of this migration has no stored credentials.', 'Sign in again.');
    o.redactor.add(credentials.apiKey);
    o.redactor.add(credentials.pat);
    /* eslint-disable @typescript-eslint/no-require-imports -- the API client and the checks load with the first run */
    const api = require('../../core/mendix/api/mendixClient') as typeof import('../../core/mendix/api/mendixClient');
    const adapter = require('../../core/mendix/clientAdapter') as typeof import('../../core/mendix/clientAdapter');
    const urls = require('../../core/mendix/appUrlCheck') as typeof import('../../core/mendix/appUrlCheck');
    const domains = require('../../core/migration/domainCheck') as typeof import('../../core/migration/domainCheck');
    /* eslint-enable @typescript-eslint/no-require-imports */
    const client = new api.MendixClient({ credentials, config: apiConfig(), logger: o.log.child('api'), redactor: o.redactor });
    const summary = (await o.accounts.list()).find((a) => a.id === id);
    const check = appUrlCheckSettings();
    const dns = dnsWatchConfig();
    return new adapter.ClientMigrationServices({
      client,
      username: credentials.username ?? summary?.username ?? '',
      logger: o.log.child('migration'),
      httpCheck: urls.appUrlCheck(check.mode, { client, gateway: check.gateway }),
      // The same custom-domain check the CLI's --dns-check wires, over the DNS settings.
      checkCustomDomain: domains.dnsDomainCheck({
        resolvers: dns.resolvers,
        authoritative: dns.authoritative === 'discover' ? undefined : dns.authoritative,
        timeoutMs: dns.timeoutMs,
        // As the CLI: with a PAT the certificate is looked up through the Certificate API first.
        certificates: credentials.pat ? client.certificates : undefined,
      }),
      connections: downloadConnections(),
    });
  };
}
