import { strict as assert } from 'node:assert';
import { Filler } from '../../emulator/archive';
import { VirtualClock } from '../../emulator/clock';
import { parseRange } from '../../emulator/downloads';
import { pathMatches } from '../../emulator/faults';
import { stableId, isUuid } from '../../emulator/ids';

describe('emulator pieces', () => {
  it('fault paths: * is one segment, trailing /** any rest', () => {
    assert.ok(pathMatches('/api/1/apps/*', '/api/1/apps/x'));
    assert.ok(!pathMatches('/api/1/apps/*', '/api/1/apps/x/environments'));
    assert.ok(pathMatches('/api/1/apps/**', '/api/1/apps'));
    assert.ok(pathMatches('/api/1/apps/**', '/api/1/apps/x/environments/P/start'));
    assert.ok(!pathMatches('/api/1/apps/**', '/api/v2/apps/x'));
    assert.ok(pathMatches('/_downloads/*/*/*', '/_downloads/archives/id/file.tar.gz'));
  });

  it('parses single byte ranges, ignores what it does not honour, flags unsatisfiable ones', () => {
    assert.deepEqual(parseRange('bytes=0-9', 100), { start: 0, end: 9 });
    assert.deepEqual(parseRange('bytes=90-', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-10', 100), { start: 90, end: 99 });
    assert.deepEqual(parseRange('bytes=-500', 100), { start: 0, end: 99 });
    assert.deepEqual(parseRange('bytes=50-5000', 100), { start: 50, end: 99 });
    assert.equal(parseRange('bytes=100-', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=-0', 100), 'unsatisfiable');
    assert.equal(parseRange('bytes=0-1,5-6', 100), 'ignore');
    assert.equal(parseRange('items=0-1', 100), 'ignore');
    assert.equal(parseRange('bytes=9-3', 100), 'ignore');
  });

  it('fills the same bytes for the same seed, whatever the chunking, and different bytes for another seed', () => {
    const whole = Buffer.alloc(4096 + 3);
    new Filler('a').fill(whole, whole.length);
    const parts = Buffer.alloc(4096 + 3);
    const f = new Filler('a');
    const first = Buffer.from(new ArrayBuffer(1024));
    f.fill(first, 1024);
    first.copy(parts, 0);
    const rest = Buffer.from(new ArrayBuffer(4096));
    f.fill(rest, 3075);
    rest.copy(parts, 1024, 0, 3075);
    assert.ok(parts.equals(whole));
    const other = Buffer.alloc(whole.length);
    new Filler('b').fill(other, other.length);
    assert.ok(!other.equals(whole));
    assert.ok(new Set(whole).size > 200, 'bytes look random');
  });

  it('the virtual clock runs timeScale times faster and can be advanced', async () => {
    const clock = new VirtualClock(1_000_000, 1000);
    const t0 = clock.now();
    await new Promise((r) => setTimeout(r, 20));
    assert.ok(clock.now() - t0 >= 15_000);
    const before = clock.now();
    clock.advance(3600);
    assert.ok(clock.now() - before >= 3_600_000);
    assert.throws(() => new VirtualClock(0, 0));
  });

  it('stable ids are UUID-shaped and repeatable', () => {
    assert.equal(stableId('x'), stableId('x'));
    assert.notEqual(stableId('x'), stableId('y'));
    assert.ok(isUuid(stableId('x')));
  });
});
