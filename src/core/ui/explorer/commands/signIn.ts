/**
 * Mendix: Sign In. Asks for a username + API key and/or a Personal Access Token, checks each right
 * after it is typed (one read call per credential family), and only then stores them under a name
 * of the user's choice. A refused key is asked for again ("Try Again"); an API that does not answer
 * is said to be unreachable and checked again on "Try Again". Nothing is stored until every check passed.
 */
import { accountIdFor } from '../../accounts/accounts';
import type { CredentialCheck, Credentials } from '../../../mendix/services';
import { UserCancelledError } from '../../kit/errors';
import { runSteps, type Step } from '../../kit/steps';
import type { CommandDeps } from './commandDeps';

type Method = 'apiKey' | 'pat' | 'both';

const nonEmpty = (what: string) => (v: string) => (v.trim().length === 0 ? `Enter ${what}.` : undefined);
// Four steps: how, who, which key(s), what name. The token shares step 3 with the API key; e2e specs
// drive the flow by these titles.
const title = (step: 1 | 2 | 3 | 4) => `Mendix: Sign In (${step}/4)`;
export const TRY_AGAIN = 'Try Again';

interface SignInState {
  deps: CommandDeps;
  method?: Method;
  credentials: Credentials;
  name?: string;
}

/** What the person reads when a check failed, and what "Try Again" does. */
export function failureMessage(check: CredentialCheck): { message: string; detail: string; reask: boolean } {
  const problems = check.problems.join(' ');
  if (check.failure === 'unreachable') {
    return {
      message: `Could not check your credentials: ${problems}`,
      detail: 'The Mendix API did not answer as expected (network, proxy, or the mendixMigration.api.* base URLs). Nothing was stored. Try Again checks the same credentials again.',
      reask: false,
    };
  }
  return { message: `Sign-in failed: ${problems}`, detail: 'Nothing was stored. Try Again asks for the key again (Back changes the username).', reask: true };
}

/**
 * Asks for one credential and checks it at once; a refused one is asked for again, an unanswered
 * check is repeated. Cancel at any point stores nothing.
 */
async function askAndCheck(s: SignInState, ask: () => Promise<string>, credentialsWith: (value: string) => Credentials, what: string): Promise<string> {
  const { deps } = s;
  let value = await ask();
  for (;;) {
    const candidate = credentialsWith(value);
    deps.host.maskSecret(value);
    const check = await deps.progress.run(`Checking ${what}…`, (_report, signal) => deps.checkCredentials(candidate, signal));
    if (check.ok) return value;
    deps.log.warn(`Sign-in ${check.failure === 'unreachable' ? 'check failed' : 'rejected'} (${what}): ${check.problems.join('; ')}`);
    const f = failureMessage(check);
    try {
      await deps.ui.confirm(f.message, TRY_AGAIN, f.detail);
    } catch (e) {
      throw e instanceof UserCancelledError ? new UserCancelledError('Sign-in: nothing was stored') : e;
    }
    if (f.reask) value = await ask();
  }
}

const methodStep: Step<SignInState> = {
  id: 'method',
  async ask(s) {
    const before = s.method;
    s.method = await s.deps.ui.pick<Method>(
      [
        { label: 'Username and API key', description: 'Deploy API v1/v2, Backups API', value: 'apiKey' },
        { label: 'Personal Access Token', description: 'Deploy API v4 (regions, Technical Contact)', value: 'pat' },
        { label: 'Both', description: 'everything the explorer and migrations can show', value: 'both' },
      ],
      { title: title(1), placeholder: 'How do you want to sign in?', isActive: (m) => m === before },
    );
  },
};

const usernameStep: Step<SignInState> = {
  id: 'username',
  async ask(s, { back }) {
    if (s.method === 'pat') return false;
    const prompt = 'Your Mendix username (the e-mail address you log in with)';
    s.credentials.username = (await s.deps.ui.input({ title: title(2), prompt, placeholder: 'name@company.com', value: s.credentials.username, back, validate: nonEmpty('your username') })).trim();
    return true;
  },
};

const apiKeyStep: Step<SignInState> = {
  id: 'apiKey',
  async ask(s, { back }) {
    if (s.method === 'pat') {
      delete s.credentials.apiKey;
      return false;
    }
    const username = s.credentials.username ?? '';
    const ask = async () =>
      (await s.deps.ui.input({ title: title(3), prompt: `API key of ${username} (Profile → API Keys in the Mendix Portal)`, password: true, back, validate: nonEmpty('the API key') })).trim();
    s.credentials.apiKey = await askAndCheck(s, ask, (apiKey) => ({ username, apiKey }), 'the username and API key');
    return true;
  },
};

const patStep: Step<SignInState> = {
  id: 'pat',
  async ask(s, { back }) {
    if (s.method === 'apiKey') {
      delete s.credentials.pat;
      return false;
    }
    const ask = async () =>
      (await s.deps.ui.input({ title: title(3), prompt: 'Personal Access Token with mx:deployment:read (and :write to start, stop and migrate)', password: true, back, validate: nonEmpty('the token') })).trim();
    s.credentials.pat = await askAndCheck(s, ask, (pat) => ({ pat }), 'the Personal Access Token');
    return true;
  },
};

const nameStep: Step<SignInState> = {
  id: 'name',
  async ask(s, { back }) {
    const prompt = 'A name for this account, shown in the Apps view (signing in again with the same name replaces it)';
    s.name = (await s.deps.ui.input({ title: title(4), prompt, value: s.name ?? s.credentials.username ?? 'Mendix', back, validate: nonEmpty('a name') })).trim();
  },
};

export async function signIn(deps: CommandDeps): Promise<void> {
  const s = await runSteps([methodStep, usernameStep, apiKeyStep, patStep, nameStep], { deps, credentials: {} });
  const name = s.name ?? 'Mendix';
  const credentials: Credentials = { username: s.method === 'pat' ? undefined : s.credentials.username, apiKey: s.credentials.apiKey, pat: s.credentials.pat };
  for (const k of Object.keys(credentials) as (keyof Credentials)[]) if (credentials[k] === undefined) delete credentials[k];
  const replaced = (await deps.accounts.list()).some((a) => a.id === accountIdFor(name));
  const saved = await deps.accounts.save(name, credentials);
  deps.root.forget(saved.id);
  deps.log.info(`Signed in as "${saved.name}"${replaced ? ' (replaced the stored credentials)' : ''}`);
  deps.tree.refresh();
  void deps.ui.info(`Signed in to Mendix as ${saved.name}.`);
}
