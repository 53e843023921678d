/**
 * Mendix: Sign In. Asks for a username + API key and/or a Personal Access Token, checks them with
 * one read call per credential family, and only then stores them under a name of the user's choice.
 */
import { accountIdFor } from '../accounts';
import type { Credentials } from '../cloudService';
import { UserFacingError } from '../errors';
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
    { title: 'Mendix: Sign In', placeholder: 'How do you want to sign in?' },
  );
  // Step numbers follow the chosen method: method, [username, key], [token], name.
  const total = 2 + (method !== 'pat' ? 2 : 0) + (method !== 'apiKey' ? 1 : 0);
  let step = 1;
  const title = () => `Mendix: Sign In (${++step}/${total})`;
  const credentials: Credentials = {};
  if (method !== 'pat') {
    credentials.username = (
      await ui.input({ title: title(), prompt: 'Your Mendix username (the e-mail address you log in with)', placeholder: 'name@company.com', validate: nonEmpty('your username') })
    ).trim();
    credentials.apiKey = (
      await ui.input({ title: title(), prompt: `API key of ${credentials.username} (Profile → API Keys in the Mendix Portal)`, password: true, validate: nonEmpty('the API key') })
    ).trim();
  }
  if (method !== 'apiKey') {
    credentials.pat = (
      await ui.input({ title: title(), prompt: 'Personal Access Token with mx:deployment:read (and :write to start, stop and migrate)', password: true, validate: nonEmpty('the token') })
    ).trim();
  }
  if (credentials.apiKey) deps.host.maskSecret(credentials.apiKey);
  if (credentials.pat) deps.host.maskSecret(credentials.pat);

  const existing = await deps.accounts.list();
  const suggested = credentials.username ?? 'Mendix';
  const name = (
    await ui.input({
      title: title(),
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
