/** Polls an asynchronous job until it is done, with a deadline, progress callbacks and cancellation. */
import { abortReason, systemClock, type Clock } from '../../shared/clock';
import { MendixWaitTimeoutError } from './errors';

export interface WaitOptions<T> {
  /** Give up after this many milliseconds (default 30 minutes). */
  timeoutMs?: number;
  /** Pause between polls (default 2 s). */
  intervalMs?: number;
  /** Called after every poll with the latest value and the time spent so far. */
  onProgress?: (value: T, elapsedMs: number) => void;
  signal?: AbortSignal;
  clock?: Clock;
  /** Names the job in a timeout error, e.g. "snapshot 5f8a…". */
  what?: string;
}

/**
 * Calls `poll` until `isDone` holds for its result, sleeping `intervalMs` between polls. Errors
 * thrown by `poll` or `isDone` end the wait (the API client already retried transient ones).
 */
export async function waitFor<T>(
  poll: (signal: AbortSignal | undefined) => Promise<T>,
  isDone: (value: T) => boolean,
  opts: WaitOptions<T> = {},
): Promise<T> {
  const clock = opts.clock ?? systemClock;
  const interval = opts.intervalMs ?? 2000;
  const timeout = opts.timeoutMs ?? 30 * 60_000;
  const started = clock.now();
  let last: T | undefined;
  for (;;) {
    if (opts.signal?.aborted) throw abortReason(opts.signal);
    last = await poll(opts.signal);
    const elapsed = clock.now() - started;
    opts.onProgress?.(last, elapsed);
    if (isDone(last)) return last;
    if (elapsed + interval > timeout) throw new MendixWaitTimeoutError(opts.what ?? 'job', elapsed, last);
    await clock.sleep(interval, opts.signal);
  }
}
