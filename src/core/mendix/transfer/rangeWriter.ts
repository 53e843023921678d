/**
 * Writes one response body into its range of the `.part` file with ordinary positional writes.
 *
 * Chunks that arrive while a write is in flight are gathered and go out together in one `writev`,
 * so a fast link costs a few large writes rather than one per socket read; the body is paused when
 * more than `highWaterMark` bytes wait. `range.pos` advances only once a write has completed, which
 * is what lets the resume record claim exactly the bytes that are on disk. The writer stops at
 * `range.end` — read afresh for every chunk, since another connection may take over the range's
 * back half — and closes the connection there.
 */
import { writev } from 'node:fs';
import type { Readable } from 'node:stream';
import type { ByteRange } from './rangePlan';

/** Bytes that may wait per connection while a write is in flight; more pauses the socket. */
const HIGH_WATER_MARK = 1024 * 1024;

/** The connection ended or went silent before the range was complete; worth resuming. */
export class RangeDropped extends Error {
  constructor(reason: string) {
    super(reason);
    this.name = 'RangeDropped';
  }
}

/** Writing to disk failed (disk full, say): not worth retrying. */
export class RangeWriteFailed extends Error {
  constructor(override readonly cause: Error) {
    super(cause.message);
    this.name = 'RangeWriteFailed';
  }
}

export interface RangeWriteOptions {
  fd: number;
  range: ByteRange;
  /** Told about every completed write (progress, liveness). */
  onWritten: (bytes: number) => void;
  /** Drop the connection when nothing arrived for this long. */
  idleMs: number;
}

/** Resolves with the bytes written once the range is complete, or once the body ended when the size is unknown. */
export function writeRange(body: Readable, o: RangeWriteOptions): Promise<number> {
  const { range } = o;
  return new Promise<number>((resolve, reject) => {
    let queue: Buffer[] = [];
    let queued = 0;
    let inFlight = 0;
    let written = 0;
    let ended = false;
    let settled = false;
    let failure: Error | undefined;
    let lastActivity = Date.now();
    const timer = setInterval(
      () => {
        if (Date.now() - lastActivity > o.idleMs) body.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' }));
      },
      Math.max(50, Math.min(5000, o.idleMs / 4)),
    );

    const settle = (err?: Error): void => {
      if (settled) return;
      settled = true;
      clearInterval(timer);
      body.off('data', onData);
      if (!body.destroyed) body.destroy();
      if (err) reject(err);
      else resolve(written);
    };
    const check = (): void => {
      if (inFlight > 0 || settled) return;
      if (failure instanceof RangeWriteFailed) return settle(failure);
      if (range.pos >= range.end) return settle();
      // Bytes that arrived before a drop are still good: write them, then resume after them.
      if (queued > 0) return flush();
      if (!ended && !failure) return;
      if (!Number.isFinite(range.end) && !failure) {
        // Size unknown: the body's end is the file's end.
        range.end = range.pos;
        return settle();
      }
      settle(new RangeDropped(failure ? describe(failure) : `connection closed at byte ${range.pos} of range ${range.start}-${range.end - 1}`));
    };
    const flush = (): void => {
      if (inFlight > 0 || queued === 0 || settled) return;
      // Trim to the range's current end (it may have shrunk since the chunks arrived).
      let room = range.end - range.pos;
      const bufs: Buffer[] = [];
      for (const b of queue) {
        if (room <= 0) break;
        const piece = b.length <= room ? b : b.subarray(0, room);
        bufs.push(piece);
        room -= piece.length;
      }
      queue = [];
      queued = 0;
      if (bufs.length === 0) return check();
      const bytes = bufs.reduce((n, b) => n + b.length, 0);
      inFlight = bytes;
      const at = range.pos;
      writev(o.fd, bufs, at, (err, n) => {
        inFlight = 0;
        if (err || n !== bytes) {
          failure = new RangeWriteFailed(err ?? new Error(`short write: ${n} of ${bytes} bytes`));
          return check();
        }
        range.pos = Math.min(at + n, range.end);
        written += n;
        lastActivity = Date.now();
        o.onWritten(n);
        if (body.isPaused() && !ended) body.resume();
        if (range.pos >= range.end) return check();
        if (queued > 0) flush();
        else check();
      });
    };
    const onData = (chunk: Buffer): void => {
      lastActivity = Date.now();
      const room = range.end - range.pos - inFlight - queued;
      if (room <= 0) return;
      const piece = chunk.length <= room ? chunk : chunk.subarray(0, room);
      queue.push(piece);
      queued += piece.length;
      if (queued >= HIGH_WATER_MARK) body.pause();
      flush();
    };
    body.on('data', onData);
    if (body.destroyed) {
      // It closed before we started reading (a reset while the response waited): its events are gone.
      failure = body.errored ?? undefined;
      ended = true;
      queueMicrotask(check);
      return;
    }
    body.once('end', () => {
      ended = true;
      check();
    });
    body.once('error', (e: Error) => {
      failure ??= e;
      ended = true;
      check();
    });
    body.once('close', () => {
      ended = true;
      check();
    });
  });
}

function describe(e: Error): string {
  const code = (e as { code?: unknown }).code;
  return typeof code === 'string' ? code : e.message;
}
