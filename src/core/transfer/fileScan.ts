/**
 * One sequential read of a finished file that computes its SHA-256 and, for a backup, feeds the same
 * bytes to the archive check: a download is hashed and verified in a single pass. The next read is
 * issued before the current chunk is hashed, so the disk and the CPU work side by side.
 */
import { createHash } from 'node:crypto';
import { open } from 'node:fs/promises';
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
