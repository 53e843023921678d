/**
 * Watch mode: repeat the check until every resolver has the new answer or the caller aborts.
 * Polls back off while nothing changes, but wake up just after the next cached TTL runs out,
 * which is the moment a resolver can flip.
 */
import { checkPropagation, type PropagationOptions, type PropagationReport } from './propagation';
import { systemClock } from '../shared/clock';

export interface WatchOptions extends PropagationOptions {
  minIntervalMs?: number;
  maxIntervalMs?: number;
  backoffFactor?: number;
  /** Told before each pause, so a UI can show "next check in 12 s". */
  onSchedule?: (delayMs: number, nextCheckAt: Date) => void;
  /** Injected in tests; resolves early (without throwing) when the signal aborts. */
  sleep?: (ms: number, signal?: AbortSignal) => Promise<void>;
}

const DEFAULT_MIN = 2_000;
const DEFAULT_MAX = 60_000;
const DEFAULT_FACTOR = 1.5;
/** Resolvers flip in the second after the TTL reaches 0. */
const AFTER_EXPIRY_MS = 600;

/** Signature of what changed between two reports: status and value per resolver. */
function fingerprint(r: PropagationReport): string {
  return r.results.map((x) => `${x.name}=${x.status}:${x.value}`).join('|');
}

/** The delay before the next check, from the previous delay and what the report shows. */
export function nextDelay(
  report: PropagationReport,
  previousDelayMs: number | undefined,
  changed: boolean,
  opts: Pick<WatchOptions, 'minIntervalMs' | 'maxIntervalMs' | 'backoffFactor'>,
): number {
  const min = opts.minIntervalMs ?? DEFAULT_MIN;
  const max = Math.max(min, opts.maxIntervalMs ?? DEFAULT_MAX);
  const backoff = previousDelayMs === undefined || changed ? min : Math.min(max, previousDelayMs * (opts.backoffFactor ?? DEFAULT_FACTOR));
  const ttls = report.results.filter((r) => (r.status === 'old' || r.status === 'nxdomain') && r.remainingTtl !== undefined).map((r) => r.remainingTtl ?? 0);
  const untilFlip = ttls.length > 0 ? Math.min(...ttls) * 1000 + AFTER_EXPIRY_MS : Infinity;
  return Math.max(min, Math.min(backoff, untilFlip, max));
}

export async function* watchPropagation(opts: WatchOptions): AsyncGenerator<PropagationReport, void, void> {
  // An abort ends the wait quietly: the loop below sees the signal and returns.
  const sleep = opts.sleep ?? ((ms: number, signal?: AbortSignal) => systemClock.sleep(ms, signal).catch(() => undefined));
  let delay: number | undefined;
  let previous: string | undefined;
  const aborted = (): boolean => opts.signal?.aborted === true;
  while (!aborted()) {
    const report = await checkPropagation(opts);
    // A report finished after abort is incomplete (its queries were cut short): do not show it.
    if (aborted()) return;
    yield report;
    if (report.complete) return;
    const print = fingerprint(report);
    delay = nextDelay(report, delay, previous !== undefined && print !== previous, opts);
    previous = print;
    opts.onSchedule?.(delay, new Date(Date.now() + delay));
    await sleep(delay, opts.signal);
  }
}

/** Callback form for callers that do not iterate: resolves with the last report. */
export async function watchUntilDone(opts: WatchOptions, onReport: (r: PropagationReport) => void): Promise<PropagationReport | undefined> {
  let last: PropagationReport | undefined;
  for await (const r of watchPropagation(opts)) {
    last = r;
    onReport(r);
  }
  return last;
}
