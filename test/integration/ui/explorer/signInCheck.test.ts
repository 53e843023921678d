/**
 * Sign-in's credential check over the real API client: against the emulator, a refused key is told
 * apart from an API that does not answer (a closed loopback port), so "Try Again" knows whether to
 * ask for the key again or to check again.
 */
import { strict as assert } from 'node:assert';
import { createServer } from 'node:net';
import { createCredentialChecker } from '../../../../src/core/mendix/clientFactory';
import { createLogger } from '../../../../src/core/shared/logger';
import { Redactor } from '../../../../src/core/shared/redact';
import { startEmulator, type RunningEmulator } from '../../../emulator/server';
import { DEMO } from '../../../emulator/seeds/demo';

async function closedPort(): Promise<number> {
  const server = createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  assert.ok(address && typeof address === 'object');
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return address.port;
}

describe('Sign In: the credential check says whether the key was refused or the API did not answer', function () {
  this.timeout(60_000);
  let emulator: RunningEmulator;
  before(async () => {
    emulator = await startEmulator({ seed: 'demo', quiet: true });
  });
  after(async () => {
    await emulator.close();
  });

  const checker = (base: string) => {
    const redactor = new Redactor();
    return createCredentialChecker({ config: () => ({ deployBaseUrl: base, cloudPortalBaseUrl: base, homeBaseUrl: base }), log: createLogger(() => undefined), redactor });
  };

  it('a wrong API key or token is refused', async () => {
    const check = checker(emulator.baseUrl);
    const key = await check({ username: DEMO.username, apiKey: 'not-the-key' });
    assert.deepEqual([key.ok, key.failure], [false, 'rejected']);
    const pat = await check({ pat: 'not-the-token' });
    assert.deepEqual([pat.ok, pat.failure], [false, 'rejected']);
    assert.deepEqual(await check({ pat: DEMO.pat }), { ok: true, problems: [] });
  });

  it('an API that does not answer is unreachable, and the key is not in the message', async () => {
    const check = checker(`http://127.0.0.1:${await closedPort()}`);
    const r = await check({ username: DEMO.username, apiKey: 'secret-key-123' });
    assert.deepEqual([r.ok, r.failure], [false, 'unreachable']);
    assert.match(r.problems[0], /could not be checked/);
    assert.doesNotMatch(r.problems.join(' '), /secret-key-123/);
  });
});
