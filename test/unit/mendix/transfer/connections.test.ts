import { strict as assert } from 'node:assert';
import { UsageError, type CliIo } from '../../../../src/cli/command';
import { connect } from '../../../../src/cli/migrateSupport';
import { parseConnections } from '../../../../src/core/mendix/transfer/download';

describe('download connections setting', () => {
  it('accepts whole numbers from 1 to 32 only', () => {
    assert.equal(parseConnections('8'), 8);
    assert.equal(parseConnections(1), 1);
    assert.equal(parseConnections(32), 32);
    for (const bad of ['0', '33', '2.5', 'eight', '', -1]) assert.equal(parseConnections(bad), undefined, String(bad));
  });

  it('the CLI refuses a bad --connections with a clear message before anything runs', () => {
    const io: CliIo = { out: () => undefined, err: () => undefined, signal: new AbortController().signal };
    const env = { MENDIX_USERNAME: 'u', MENDIX_API_KEY: 'k' };
    assert.throws(() => connect({ connections: '0' }, io, env), (e: unknown) => e instanceof UsageError && /--connections needs a whole number from 1 to 32, got "0"/.test(e.message));
    const ok = connect({ connections: '3' }, io, env);
    ok.client.dispose();
  });
});
