/**
 * Coalesces panel updates and posts them at most once per interval (100 ms: ≤ 10 messages a second).
 * Later values of the same part replace earlier ones; step and transfer rows merge by id, so a burst
 * of progress ticks becomes one message carrying only the latest figures.
 */
import type { DiagramModel, DnsModel, HostMessage, Notice, RunInfo, StepRow, TimingsModel, TransferRow } from './protocol';

export interface Timers {
  now(): number;
  setTimeout(fn: () => void, ms: number): unknown;
  clearTimeout(handle: unknown): void;
}

export const systemTimers: Timers = {
  now: () => Date.now(),
  setTimeout: (fn, ms) => setTimeout(fn, ms),
  clearTimeout: (h) => clearTimeout(h as ReturnType<typeof setTimeout>),
};

export const MIN_INTERVAL_MS = 100;

type Update = Extract<HostMessage, { type: 'update' }>;

export class UpdateQueue {
  private steps = new Map<string, StepRow>();
  private transfers = new Map<string, TransferRow>();
  private run: RunInfo | undefined;
  private timings: TimingsModel | undefined;
  private diagram: DiagramModel | undefined;
  private dns: DnsModel | undefined;
  private notice: Notice | undefined;
  private lastPost = -Infinity;
  private timer: unknown;

  constructor(
    private readonly post: (m: HostMessage) => void,
    private readonly timers: Timers = systemTimers,
    private readonly intervalMs = MIN_INTERVAL_MS,
  ) {}

  /** Sends a message now (e.g. `init`), counting it against the rate; pending parts are dropped when `reset`. */
  sendNow(m: HostMessage, reset = false): void {
    if (reset) this.clear();
    this.lastPost = this.timers.now();
    this.post(m);
  }

  setSteps(rows: readonly StepRow[]): void {
    for (const r of rows) this.steps.set(r.id, r);
    if (rows.length > 0) this.schedule();
  }

  setRun(run: RunInfo): void {
    this.run = run;
    this.schedule();
  }

  setTimings(t: TimingsModel): void {
    this.timings = t;
    this.schedule();
  }

  setDiagram(d: DiagramModel): void {
    this.diagram = d;
    this.schedule();
  }

  setDns(d: DnsModel): void {
    this.dns = d;
    this.schedule();
  }

  setTransfer(row: TransferRow): void {
    this.transfers.set(row.stepId, row);
    this.schedule();
  }

  setNotice(n: Notice): void {
    this.notice = n;
    this.schedule();
  }

  /** Sends whatever is pending now if the interval allows, else when it does. */
  flush(): void {
    if (this.timer !== undefined) {
      this.timers.clearTimeout(this.timer);
      this.timer = undefined;
    }
    const m = this.take();
    if (!m) return;
    this.lastPost = this.timers.now();
    this.post(m);
  }

  dispose(): void {
    if (this.timer !== undefined) this.timers.clearTimeout(this.timer);
    this.timer = undefined;
    this.clear();
  }

  private schedule(): void {
    if (this.timer !== undefined) return;
    const wait = Math.max(0, this.lastPost + this.intervalMs - this.timers.now());
    this.timer = this.timers.setTimeout(() => {
      this.timer = undefined;
      this.flush();
    }, wait);
  }

  private take(): Update | undefined {
    const m: Update = { type: 'update' };
    let any = false;
    if (this.run) [m.run, any] = [this.run, true];
    if (this.steps.size > 0) [m.steps, any] = [[...this.steps.values()], true];
    if (this.timings) [m.timings, any] = [this.timings, true];
    if (this.transfers.size > 0) [m.transfers, any] = [[...this.transfers.values()], true];
    if (this.diagram) [m.diagram, any] = [this.diagram, true];
    if (this.dns) [m.dns, any] = [this.dns, true];
    if (this.notice) [m.notice, any] = [this.notice, true];
    this.clear();
    return any ? m : undefined;
  }

  private clear(): void {
    this.steps = new Map();
    this.transfers = new Map();
    this.run = undefined;
    this.timings = undefined;
    this.diagram = undefined;
    this.dns = undefined;
    this.notice = undefined;
  }
}
