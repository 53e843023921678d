import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { closeSync, constants, mkdtempSync, openSync, readFileSync, rmSync, write, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { DIRECT_IO_ALIGNMENT, HashingFileSink, alignedBuffers, type PositionalWrite } from '../../../../src/core/mendix/transfer/hashingFileSink';

const sha = (b: Buffer) => createHash('sha256').update(b).digest('hex');
const SLOT = 64 * 1024;

/** Opens `file` with O_DIRECT, or undefined where the platform or filesystem refuses. */
function tryOpenDirect(file: string): number | undefined {
  const flag = (constants as { O_DIRECT?: number }).O_DIRECT;
  if (!flag) return undefined;
  try {
    return openSync(file, constants.O_WRONLY | flag);
  } catch {
    return undefined;
  }
}

interface WriteCall {
  fd: number;
  position: number;
  length: number;
}

/** The real positional write, recording each call; `fail` may answer instead. */
function recordingWrite(calls: WriteCall[], fail?: (c: WriteCall) => NodeJS.ErrnoException | undefined): PositionalWrite {
  return (fd, buf, offset, length, position, cb) => {
    const call = { fd, position, length };
    calls.push(call);
    const err = fail?.(call);
    if (err) return setImmediate(() => cb(err, 0));
    write(fd, buf, offset, length, position, cb);
  };
}

describe('HashingFileSink', () => {
  let dir: string;
  beforeEach(() => (dir = mkdtempSync(join(tmpdir(), 'mx-sink-'))));
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  const chunks = Array.from({ length: 40 }, (_, i) => randomBytes(10_000 + i));
  const whole = Buffer.concat(chunks);

  it('gives out page-aligned slot buffers that do not overlap', () => {
    const [a, b] = alignedBuffers(2, SLOT);
    assert.equal(a.length, SLOT);
    assert.equal(a.buffer, b.buffer);
    assert.equal(b.byteOffset - a.byteOffset, SLOT);
    assert.equal(a.byteOffset % DIRECT_IO_ALIGNMENT, 0);
    assert.throws(() => alignedBuffers(1, 5000), /multiple of 65536/);
  });

  it('writes at the start offset, hashes exactly what was written, and uses direct I/O where it can', async () => {
    const file = join(dir, 'f');
    const fd = openSync(file, 'w');
    const directFd = tryOpenDirect(file);
    const hash = createHash('sha256');
    const reported: number[] = [];
    const sink = new HashingFileSink({ fd, directFd }, 0, hash, (n) => reported.push(n), { slots: alignedBuffers(3, SLOT) });
    await pipeline(Readable.from(chunks), sink);
    await sink.settled();
    closeSync(fd);
    if (directFd !== undefined) closeSync(directFd);
    assert.equal(sink.position, whole.length);
    assert.equal(sink.written, whole.length);
    assert.equal(reported.reduce((a, b) => a + b, 0), whole.length);
    assert.ok(readFileSync(file).equals(whole));
    assert.equal(hash.digest('hex'), sha(whole));
    // 400 KB in 64 KiB slots: six full slots go direct when the filesystem allows it, the tail never does.
    assert.equal(sink.directWrites, directFd === undefined ? 0 : Math.floor(whole.length / SLOT));
  });

  it('resuming mid-block: the first slot stops at a block boundary and only aligned full slots go direct', async () => {
    const file = join(dir, 'r');
    const prefix = randomBytes(100);
    writeFileSync(file, prefix);
    const fd = openSync(file, 'r+');
    const directFd = 1_000_000; // never a real descriptor: every direct call is answered below
    const recorded: WriteCall[] = [];
    const spy: PositionalWrite = (f, buf, off, len, pos, cb) => {
      recorded.push({ fd: f, position: pos, length: len });
      write(f === directFd ? fd : f, buf, off, len, pos, cb);
    };
    const hash = createHash('sha256');
    hash.update(prefix);
    const sink = new HashingFileSink({ fd, directFd }, 100, hash, () => undefined, { slots: alignedBuffers(2, SLOT), write: spy });
    await pipeline(Readable.from(chunks), sink);
    closeSync(fd);
    assert.deepEqual(recorded[0], { fd, position: 100, length: SLOT - 100 });
    const middle = recorded.slice(1, -1);
    assert.ok(middle.length > 0);
    for (const c of middle) assert.deepEqual([c.fd, c.position % DIRECT_IO_ALIGNMENT, c.length], [directFd, 0, SLOT]);
    assert.equal(recorded.at(-1)?.fd, fd);
    assert.equal(sink.position, 100 + whole.length);
    assert.ok(readFileSync(file).equals(Buffer.concat([prefix, whole])));
    assert.equal(hash.digest('hex'), sha(Buffer.concat([prefix, whole])));
  });

  it('falls back to the ordinary descriptor when the filesystem refuses direct writes (EINVAL)', async () => {
    const file = join(dir, 'e');
    const fd = openSync(file, 'w');
    const directFd = 1_000_001;
    const calls: WriteCall[] = [];
    const einval = Object.assign(new Error('EINVAL: invalid argument, write'), { code: 'EINVAL' });
    const sink = new HashingFileSink({ fd, directFd }, 0, createHash('sha256'), () => undefined, {
      slots: alignedBuffers(2, SLOT),
      write: recordingWrite(calls, (c) => (c.fd === directFd ? einval : undefined)),
    });
    await pipeline(Readable.from(chunks), sink);
    closeSync(fd);
    // Only the slots already in flight when the first refusal came back tried direct I/O.
    const firstBuffered = calls.findIndex((c) => c.fd === fd);
    assert.ok(firstBuffered > 0 && firstBuffered <= 2, String(firstBuffered));
    assert.ok(calls.slice(firstBuffered).every((c) => c.fd === fd));
    assert.equal(sink.directWrites, 0);
    assert.ok(readFileSync(file).equals(whole));
  });

  it('advances the position only over slots written in file order, even when a later write lands first', async () => {
    const file = join(dir, 'o');
    const fd = openSync(file, 'w');
    const positions: number[] = [];
    let first = true;
    const slowFirst: PositionalWrite = (f, buf, off, len, pos, cb) => {
      const delay = first ? 30 : 0;
      first = false;
      setTimeout(
        () =>
          write(f, buf, off, len, pos, (err, n) => {
            cb(err, n);
            positions.push(sink.position);
          }),
        delay,
      );
    };
    let accepted = 0;
    const sink = new HashingFileSink({ fd }, 0, createHash('sha256'), (n) => (accepted += n), { slots: alignedBuffers(3, SLOT), write: slowFirst });
    await pipeline(Readable.from(chunks), sink);
    closeSync(fd);
    // Later slots land first, but the position waits for the slow first one, then passes them all at once.
    assert.equal(positions[0], 0);
    assert.ok(positions.some((p, i) => i > 0 && p - positions[i - 1] > SLOT), positions.join(','));
    assert.deepEqual([...positions].sort((a, b) => a - b), positions);
    assert.equal(positions.at(-1), whole.length);
    assert.equal(accepted, whole.length);
    assert.ok(readFileSync(file).equals(whole));
  });

  it('after a drop keeps every byte that arrived, and the hash covers exactly those', async () => {
    const file = join(dir, 'd');
    const fd = openSync(file, 'w');
    const hash = createHash('sha256');
    const delivered = chunks.slice(0, 9);
    async function* dropping(): AsyncGenerator<Buffer> {
      for (const c of delivered) yield await Promise.resolve(c);
      throw Object.assign(new Error('socket hang up'), { code: 'ECONNRESET' });
    }
    const sink = new HashingFileSink({ fd }, 0, hash, () => undefined, { slots: alignedBuffers(2, SLOT) });
    await assert.rejects(pipeline(Readable.from(dropping()), sink), /socket hang up/);
    await sink.settled();
    closeSync(fd);
    const got = Buffer.concat(delivered);
    assert.equal(sink.poisoned, false);
    assert.equal(sink.position, got.length);
    assert.ok(readFileSync(file).equals(got));
    assert.equal(hash.digest('hex'), sha(got));
  });

  it('marks itself poisoned when a write fails, without advancing the position', async () => {
    writeFileSync(join(dir, 'g'), '');
    const fd = openSync(join(dir, 'g'), 'r'); // writes to a read-only descriptor fail with EBADF
    const sink = new HashingFileSink({ fd }, 100, createHash('sha256'), () => undefined, { slots: alignedBuffers(2, SLOT) });
    await assert.rejects(pipeline(Readable.from(chunks.slice(0, 3)), sink), /EBADF/);
    await sink.settled();
    assert.equal(sink.poisoned, true);
    assert.equal(sink.position, 100);
    closeSync(fd);
  });
});
