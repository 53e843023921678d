/**
 * The emulator's link to its clients, shaped the way a cloud object store looks from a user's
 * machine: every connection is capped at its own rate (one TCP stream over a long path never fills
 * the line) and every response waits a first-byte latency before its headers go out. Applies to
 * archive and package downloads only; off by default (loopback speed), used by the benchmarks.
 */

export interface LinkShape {
  /** Per-connection rate in Mbit/s; 0 = unlimited. */
  mbps: number;
  /** Time before a response's first byte, in ms; 0 = none. */
  latencyMs: number;
}

export const UNSHAPED: LinkShape = { mbps: 0, latencyMs: 0 };

/** Checks a shape from flags or a control call; throws a message naming the bad field. */
export function parseLinkShape(input: { mbps?: unknown; latencyMs?: unknown }, current: LinkShape = UNSHAPED): LinkShape {
  const pick = (v: unknown, name: string, fallback: number): number => {
    if (v === undefined) return fallback;
    const n = Number(v);
    if (!Number.isFinite(n) || n < 0) throw new Error(`${name} must be a number >= 0, got ${JSON.stringify(v)}`);
    return n;
  };
  return { mbps: pick(input.mbps, 'linkMbps', current.mbps), latencyMs: pick(input.latencyMs, 'latencyMs', current.latencyMs) };
}

export function isShaped(link: LinkShape): boolean {
  return link.mbps > 0 || link.latencyMs > 0;
}

/** Paces one connection: call `wait(bytes)` after sending each chunk; it sleeps until the rate allows more. */
export class ConnectionPacer {
  private sent = 0;
  private readonly startedAt = performance.now();

  constructor(private readonly mbps: number) {}

  /** Chunk size that keeps the pacing smooth: about 10 ms of transfer, between 16 KiB and 1 MiB. */
  static chunkBytes(mbps: number, max: number): number {
    if (mbps <= 0) return max;
    const tenMs = Math.floor((mbps * 1e6) / 8 / 100);
    return Math.max(16 * 1024, Math.min(max, tenMs));
  }

  async wait(bytes: number): Promise<void> {
    if (this.mbps <= 0) return;
    this.sent += bytes;
    const due = this.startedAt + (this.sent * 8) / (this.mbps * 1e3);
    const ahead = due - performance.now();
    if (ahead >= 1) await sleep(ahead);
  }
}

export function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
