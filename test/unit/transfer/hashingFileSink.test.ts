import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { HashingFileSink, InlineHasher } from '../../../src/core/transfer/hashingFileSink';

describe('HashingFileSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mx-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(10_000 + i));
  const whole = Buffer.concat(chunks);

  it('writes at the start offset and hashes exactly what was written', async () => {
    const file = join(dir, 'f');
    const fd = openSync(file, 'w');
    const hasher = new InlineHasher();
    let reported = 0;
    const sink = new HashingFileSink(fd, 0, hasher, (n) => (reported += n), 32 * 1024);
    await pipeline(Readable.from(chunks), sink);
    closeSync(fd);
    assert.equal(sink.position, whole.length);
    assert.equal(reported, whole.length);
    assert.ok(readFileSync(file).equals(whole));
    assert.equal(await hasher.digest(), createHash('sha256').update(whole).digest('hex'));
    hasher.close();
  });

  it('marks itself poisoned when a write fails, without advancing the position', async () => {
    writeFileSync(join(dir, 'g'), '');
    const fd = openSync(join(dir, 'g'), 'r'); // writes to a read-only descriptor fail with EBADF
    const sink = new HashingFileSink(fd, 100, new InlineHasher(), () => undefined);
    await assert.rejects(pipeline(Readable.from(chunks.slice(0, 3)), sink), /EBADF/);
    assert.equal(sink.poisoned, true);
    assert.equal(sink.position, 100);
    closeSync(fd);
  });
});
