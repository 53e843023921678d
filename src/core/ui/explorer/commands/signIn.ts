/**
 * Mendix: Sign In. Asks for a username + API key and/or a Personal Access Token, checks them with
 * one read call per credential family, and only then stores them under a name of the user's choice.
 */
import { accountIdFor } from '../../accounts/accounts';
import type { Credentials } from '../../../mendix/services';
import { UserFacingError } from '../../kit/errors';
import type { CommandDeps } from './commandDeps';

type Method = 'apiKey' | 'pat' | 'both';

const nonEmpty = (what: string) => (v: string) => (v.trim().length === 0 ? `Enter ${what}.` : undefined);

export async function signIn(deps: CommandDeps): Promise<void> {
  const { ui } = deps;
  const method = await ui.pick<Method>(
    [
      { label: 'Username and API key', description: 'Deploy API v1/v2, Backups API', value: 'apiKey' },
      { label: 'Personal Access Token', description: 'Deploy API v4 (regions, Technical Contact)', value: 'pat' },
      { label: 'Both', description: 'everything the explorer and migrations can show', value: 'both' },
    ],
    { title: 'Mendix: Sign In (1/4)', placeholder: 'How do you want to sign in?' },
  );
  // Four steps: how, who, which key(s), what name. The token shares step 3 with the API key; other
  // e2e specs drive the flow by these titles.
  const title = (step: 2 | 3 | 4) => `Mendix: Sign In (${step}/4)`;
  const credentials: Credentials = {};
  if (method !== 'pat') {
    credentials.username = (
      await ui.input({ title: title(2), prompt: 'Your Mendix username (the e-mail address you log in with)', placeholder: 'name@company.com', validate: nonEmpty('your username') })
    ).trim();
    credentials.apiKey = (
      await ui.input({ title: title(3), prompt: `API key of ${credentials.username} (Profile → API Keys in the Mendix Portal)`, password: true, validate: nonEmpty('the API key') })
    ).trim();
  }
  if (method !== 'apiKey') {
    credentials.pat = (
      await ui.input({ title: title(3), prompt: 'Personal Access Token with mx:deployment:read (and :write to start, stop and migrate)', password: true, validate: nonEmpty('the token') })
    ).trim();
  }
  if (credentials.apiKey) deps.host.maskSecret(credentials.apiKey);
  if (credentials.pat) deps.host.maskSecret(credentials.pat);

  const existing = await deps.accounts.list();
  const suggested = credentials.username ?? 'Mendix';
  const name = (
    await ui.input({
      title: title(4),
      prompt: 'A name for this account, shown in the Apps view (signing in again with the same name replaces it)',
      value: suggested,
      validate: nonEmpty('a name'),
    })
  ).trim();

  const check = await deps.progress.run('Checking your Mendix credentials…', (_report, signal) => deps.checkCredentials(credentials, signal));
  if (!check.ok) {
    deps.log.warn(`Sign-in as "${name}" rejected: ${check.problems.join('; ')}`);
    throw new UserFacingError(`Sign-in failed: ${check.problems.join(' ')}`, 'Nothing was stored. Check the key and try again.');
  }
  const replaced = existing.some((a) => a.id === accountIdFor(name));
  const saved = await deps.accounts.save(name, credentials);
  deps.root.forget(saved.id);
  deps.log.info(`Signed in as "${saved.name}"${replaced ? ' (replaced the stored credentials)' : ''}`);
  deps.tree.refresh();
  void deps.ui.info(`Signed in to Mendix as ${saved.name}.`);
}
