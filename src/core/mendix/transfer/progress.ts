/** Progress of a transfer: bytes, rate and ETA, emitted at most every `intervalMs`. */
import { systemClock, type Clock } from '../../shared/clock';

export interface TransferProgress {
  /** Bytes of the file that are done (including bytes resumed from an earlier attempt). */
  bytes: number;
  /** Total size when known. */
  total?: number;
  /** Recent throughput in bytes per second. */
  rate: number;
  /** Seconds left at the current rate, when the total is known and the rate is positive. */
  etaSeconds?: number;
}

export type ProgressListener = (p: TransferProgress) => void;

/**
 * Rate over a sliding window of recent samples, so a stall shows up quickly and the ETA does not
 * average in the first slow seconds of a long transfer.
 */
export class ProgressMeter {
  private bytes: number;
  private lastEmit = -Infinity;
  private readonly samples: { t: number; bytes: number }[] = [];

  constructor(
    start: number,
    private total: number | undefined,
    private readonly listener: ProgressListener | undefined,
    private readonly clock: Clock = systemClock,
    private readonly intervalMs = 250,
    private readonly windowMs = 5000,
  ) {
    this.bytes = start;
    this.samples.push({ t: clock.now(), bytes: start });
  }

  setTotal(total: number | undefined): void {
    this.total = total;
  }

  /** Moves the position (e.g. back to a resume offset) without counting it as throughput. */
  reset(bytes: number): void {
    this.bytes = bytes;
    this.samples.length = 0;
    this.samples.push({ t: this.clock.now(), bytes });
  }

  add(n: number): void {
    this.bytes += n;
    if (!this.listener) return;
    const now = this.clock.now();
    if (now - this.lastEmit >= this.intervalMs) this.emit(now);
  }

  /** Emits a final event regardless of throttling. */
  finish(): void {
    if (this.listener) this.emit(this.clock.now());
  }

  snapshot(now = this.clock.now()): TransferProgress {
    const first = this.samples[0];
    const dt = (now - first.t) / 1000;
    const rate = dt > 0 ? Math.max(0, (this.bytes - first.bytes) / dt) : 0;
    const etaSeconds = this.total !== undefined && rate > 0 ? Math.max(0, (this.total - this.bytes) / rate) : undefined;
    return { bytes: this.bytes, total: this.total, rate, etaSeconds };
  }

  private emit(now: number): void {
    this.lastEmit = now;
    this.samples.push({ t: now, bytes: this.bytes });
    while (this.samples.length > 2 && now - this.samples[1].t >= this.windowMs) this.samples.shift();
    this.listener?.(this.snapshot(now));
  }
}
