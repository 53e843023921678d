/**
 * One sequential read of a finished file that computes its SHA-256 and, for a backup, feeds the same
 * bytes to the archive check: a download is hashed and verified in a single pass. The next read is
 * issued before the current chunk is hashed, so the disk and the CPU work side by side.
 */
import { createHash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import type { ArchiveInspector, BackupArchiveReport } from './verifyBackupArchive';

const READ_BYTES = 2 * 1024 * 1024;

export interface ScanOptions {
  /** Compute the SHA-256 (default true). */
  hash?: boolean;
  /** Also check the bytes as a backup archive. */
  inspect?: ArchiveInspector;
  signal?: AbortSignal;
}

export interface ScanResult {
  size: number;
  sha256?: string;
  archive?: BackupArchiveReport;
}

export async function scanFile(file: string, o: ScanOptions = {}): Promise<ScanResult> {
  const hash = o.hash === false ? undefined : createHash('sha256');
  const fh = await open(file, 'r');
  let size = 0;
  let ok = false;
  try {
    // A fresh buffer per read: the archive check may hold on to a chunk after `write` returns.
    const read = (position: number) => {
      const buf = Buffer.allocUnsafe(READ_BYTES);
      return fh.read(buf, 0, READ_BYTES, position).then(({ bytesRead }) => buf.subarray(0, bytesRead));
    };
    let next = read(0);
    for (;;) {
      o.signal?.throwIfAborted();
      const chunk = await next;
      if (chunk.length === 0) break;
      size += chunk.length;
      next = read(size);
      next.catch(() => undefined); // awaited on the next turn, or dropped when the check fails first
      hash?.update(chunk);
      if (o.inspect) await o.inspect.write(chunk);
    }
    const archive = o.inspect ? await o.inspect.end() : undefined;
    ok = true;
    return { size, sha256: hash?.digest('hex'), archive };
  } finally {
    if (!ok) o.inspect?.abort();
    await fh.close();
  }
}

/**
 * The same single pass, run while the download is still going: it reads the file in order up to
 * the end of the part that is complete from byte 0 (`advance`), waits for more, and ends at the
 * file's end (`finish`). With ranges fetched roughly in file order, only the last few pieces are
 * left to read when the last byte arrives.
 */
export class TrailingScan {
  /** Resolves with the scan of the whole file once `finish` was called and every byte was read. */
  readonly result: Promise<ScanResult>;
  private target = 0;
  private final = false;
  private stopped: Error | undefined;
  private wake: (() => void) | undefined;

  constructor(file: string, o: Omit<ScanOptions, 'signal'> = {}) {
    this.result = this.loop(file, o);
    this.result.catch(() => undefined); // observed by whoever awaits `result`
  }

  /** Bytes [0, end) are on disk. */
  advance(end: number): void {
    if (end <= this.target) return;
    this.target = end;
    this.poke();
  }

  /** Every byte is on disk: read to the end of the file. */
  finish(): void {
    this.final = true;
    this.poke();
  }

  /** Gives up (the download failed or starts over). */
  abort(reason = new Error('scan stopped')): void {
    this.stopped ??= reason;
    this.poke();
  }

  private poke(): void {
    const w = this.wake;
    this.wake = undefined;
    w?.();
  }

  private async loop(file: string, o: Omit<ScanOptions, 'signal'>): Promise<ScanResult> {
    const hash = o.hash === false ? undefined : createHash('sha256');
    const fh = await open(file, 'r');
    // Two buffers: one is read into while the other is hashed and checked. A chunk's buffer is
    // reused only after `hash.update` and the archive check's `write` returned (both copy or consume it).
    const buffers = [Buffer.allocUnsafeSlow(READ_BYTES), Buffer.allocUnsafeSlow(READ_BYTES)];
    let pos = 0;
    let ok = false;
    try {
      let pending: Promise<Buffer> | undefined;
      for (let i = 0; ; i++) {
        if (this.stopped) throw this.stopped;
        const limit = this.final ? Infinity : this.target;
        if (!pending) {
          // Wait for a full read's worth while the download runs: small reads cost more than they save.
          if (pos >= limit || (!this.final && limit - pos < READ_BYTES)) {
            await new Promise<void>((resolve) => (this.wake = resolve));
            continue;
          }
          pending = readAt(fh, buffers[i % 2], pos, Math.min(READ_BYTES, limit - pos));
        }
        const chunk = await pending;
        pending = undefined;
        if (chunk.length === 0) {
          if (this.final) break;
          throw new Error(`the file ends at byte ${pos}, before the ${this.target} bytes the download wrote`);
        }
        pos += chunk.length;
        // Read ahead into the other buffer while this chunk is hashed and checked.
        const nextLimit = this.final ? Infinity : this.target;
        if (this.final ? pos < nextLimit : nextLimit - pos >= READ_BYTES) {
          pending = readAt(fh, buffers[(i + 1) % 2], pos, Math.min(READ_BYTES, nextLimit - pos));
          pending.catch(() => undefined); // awaited on the next turn, or dropped when the check fails first
        }
        hash?.update(chunk);
        if (o.inspect) await o.inspect.write(chunk);
      }
      const archive = o.inspect ? await o.inspect.end() : undefined;
      ok = true;
      return { size: pos, sha256: hash?.digest('hex'), archive };
    } finally {
      if (!ok) o.inspect?.abort();
      await fh.close();
    }
  }
}

async function readAt(fh: FileHandle, buf: Buffer, position: number, length: number): Promise<Buffer> {
  const { bytesRead } = await fh.read(buf, 0, length, position);
  return buf.subarray(0, bytesRead);
}
