import { strict as assert } from 'node:assert';
import { signIn } from '../../../../src/core/ui/explorer/commands/signIn';
import { UserCancelledError } from '../../../../src/core/ui/kit/errors';
import type { CredentialCheck, Credentials } from '../../../../src/core/mendix/services';
import { BACK, deps, ScriptedInput, world } from '../../../support/uiFakes';

const REFUSED_KEY: CredentialCheck = { ok: false, problems: ['The username and API key were not accepted (HTTP 401).'], failure: 'rejected' };
const NO_ANSWER: CredentialCheck = { ok: false, problems: ['The Personal Access Token could not be checked: connect ECONNREFUSED 127.0.0.1:9.'], failure: 'unreachable' };

/** A checker that answers from a script, recording what it was asked. */
function checker(answers: CredentialCheck[]) {
  const asked: Credentials[] = [];
  return {
    asked,
    check: (c: Credentials): CredentialCheck => {
      asked.push({ ...c });
      return answers.shift() ?? { ok: true, problems: [] };
    },
  };
}

describe('Sign In checks each key right after it is typed', () => {
  it('a refused key: says so before the name is asked, "Try Again" asks for the key again, nothing stored until a check passed', async () => {
    const w = world();
    const c = checker([REFUSED_KEY]);
    const ui = new ScriptedInput(['Username and API key', 'demo@example.com', 'wrong-key', 'Try Again', 'right-key', 'Demo']);
    const d = deps(w, ui, (cr) => {
      if (c.asked.length === 0) assert.equal(w.secrets.data.size, 0, 'nothing stored while the key is wrong');
      return c.check(cr);
    });
    await signIn(d);
    assert.deepEqual(c.asked, [
      { username: 'demo@example.com', apiKey: 'wrong-key' },
      { username: 'demo@example.com', apiKey: 'right-key' },
    ]);
    assert.deepEqual(
      ui.asked.map((q) => q.replace(/ \(.*$/, '')),
      ['pick: Mendix: Sign In', 'input: Your Mendix username', 'input: API key of demo@example.com', 'confirm: Sign-in failed: The username and API key were not accepted', 'input: API key of demo@example.com', 'input: A name for this account, shown in the Apps view'],
    );
    assert.deepEqual(await w.accounts.credentials('demo'), { username: 'demo@example.com', apiKey: 'right-key' });
    assert.deepEqual(d.host.masked, ['wrong-key', 'right-key']);
    assert.ok(!ui.confirmDetails.join(' ').includes('wrong-key'));
  });

  it('an API that does not answer: says it could not be checked, "Try Again" checks the same token again without asking', async () => {
    const w = world();
    const c = checker([NO_ANSWER]);
    const ui = new ScriptedInput(['Personal Access Token', 'pat-1234', 'Try Again', 'Work']);
    await signIn(deps(w, ui, c.check));
    assert.deepEqual(c.asked, [{ pat: 'pat-1234' }, { pat: 'pat-1234' }]);
    assert.match(ui.asked[2], /^confirm: Could not check your credentials: .*ECONNREFUSED/);
    assert.match(ui.confirmDetails[0], /did not answer.*Nothing was stored/);
    assert.deepEqual(await w.accounts.credentials('work'), { pat: 'pat-1234' });
  });

  it('cancelling after a failed check stores nothing; Back from the name goes to the token', async () => {
    const w = world();
    await assert.rejects(signIn(deps(w, new ScriptedInput(['Personal Access Token', 'pat-1', 'Cancel']), () => NO_ANSWER)), UserCancelledError);
    assert.equal(w.secrets.data.size, 0);
    const c = checker([]);
    const ui = new ScriptedInput(['Both', 'me@x.com', 'key-1', 'pat-1', BACK, 'pat-2', 'Both Keys']);
    await signIn(deps(w, ui, c.check));
    assert.deepEqual(await w.accounts.credentials('both-keys'), { username: 'me@x.com', apiKey: 'key-1', pat: 'pat-2' });
    assert.deepEqual(c.asked, [{ username: 'me@x.com', apiKey: 'key-1' }, { pat: 'pat-1' }, { pat: 'pat-2' }]);
  });
});
