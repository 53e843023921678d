import { strict as assert } from 'node:assert';
import { ConnectionPacer, isShaped, parseLinkShape, UNSHAPED } from '../../emulator/linkShaping';

describe('emulator link shaping', () => {
  it('is off by default and takes a rate and a latency, keeping what is not given', () => {
    assert.deepEqual(parseLinkShape({}), UNSHAPED);
    assert.ok(!isShaped(UNSHAPED));
    const shaped = parseLinkShape({ mbps: 200, latencyMs: '50' });
    assert.deepEqual(shaped, { mbps: 200, latencyMs: 50 });
    assert.ok(isShaped(shaped));
    assert.deepEqual(parseLinkShape({ latencyMs: 0 }, shaped), { mbps: 200, latencyMs: 0 });
  });

  it('refuses a negative or non-numeric value and names the field', () => {
    assert.throws(() => parseLinkShape({ mbps: -1 }), /linkMbps must be a number >= 0, got -1/);
    assert.throws(() => parseLinkShape({ latencyMs: 'soon' }), /latencyMs must be a number >= 0, got "soon"/);
  });

  it('sends about 10 ms of transfer per chunk when shaped, and whole chunks when not', () => {
    assert.equal(ConnectionPacer.chunkBytes(0, 1024 * 1024), 1024 * 1024);
    assert.equal(ConnectionPacer.chunkBytes(200, 1024 * 1024), 250_000);
    assert.equal(ConnectionPacer.chunkBytes(1, 1024 * 1024), 16 * 1024);
    assert.equal(ConnectionPacer.chunkBytes(10_000, 1024 * 1024), 1024 * 1024);
  });
});
