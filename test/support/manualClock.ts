import { abortReason, type Clock } from '../../src/core/shared/clock';

/**
 * A clock that only moves when told: `sleep` resolves once `advance` passes its wake time.
 * `autoAdvance` makes every sleep jump the clock forward immediately (handy for retry tests).
 */
export class ManualClock implements Clock {
  private t: number;
  private readonly sleepers: { wake: number; resolve: () => void }[] = [];
  readonly sleeps: number[] = [];

  constructor(
    start = 0,
    private readonly autoAdvance = true,
  ) {
    this.t = start;
  }

  now(): number {
    return this.t;
  }

  sleep(ms: number, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    this.sleeps.push(ms);
    if (this.autoAdvance) {
      this.t += Math.max(0, ms);
      return Promise.resolve();
    }
    return new Promise<void>((resolve, reject) => {
      const entry = { wake: this.t + ms, resolve };
      this.sleepers.push(entry);
      signal?.addEventListener(
        'abort',
        () => {
          const i = this.sleepers.indexOf(entry);
          if (i >= 0) this.sleepers.splice(i, 1);
          reject(abortReason(signal));
        },
        { once: true },
      );
    });
  }

  advance(ms: number): void {
    this.t += ms;
    for (const s of [...this.sleepers]) {
      if (s.wake <= this.t) {
        this.sleepers.splice(this.sleepers.indexOf(s), 1);
        s.resolve();
      }
    }
  }
}
