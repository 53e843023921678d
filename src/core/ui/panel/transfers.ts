/**
 * Live transfer rows for the panel: bytes, total, rate over a sliding window and ETA, per step.
 * Fed by the transfer tap around the engine's services; the panel shows a bar per row.
 */
import type { TransferRow } from './protocol';

const WINDOW_MS = 5_000;

interface Track {
  row: TransferRow;
  samples: { t: number; bytes: number }[];
}

export class TransferBoard {
  private readonly tracks = new Map<string, Track>();

  constructor(private readonly now: () => number = Date.now) {}

  /** Records a progress tick and returns the updated row. */
  update(stepId: string, label: string, bytes: number, total?: number): TransferRow {
    const t = this.now();
    let track = this.tracks.get(stepId);
    if (!track || track.row.label !== label || bytes < track.row.bytes) {
      track = { row: { stepId, label, bytes, rate: 0, done: false }, samples: [] };
      this.tracks.set(stepId, track);
    }
    track.samples.push({ t, bytes });
    while (track.samples.length > 2 && t - track.samples[0].t > WINDOW_MS) track.samples.shift();
    const first = track.samples[0];
    const dt = (t - first.t) / 1000;
    const rate = dt > 0 ? Math.max(0, (bytes - first.bytes) / dt) : track.row.rate;
    const row: TransferRow = { stepId, label, bytes, rate, done: total !== undefined && bytes >= total };
    if (total !== undefined) row.total = total;
    if (total !== undefined && rate > 0) row.etaSeconds = Math.max(0, (total - bytes) / rate);
    track.row = row;
    return row;
  }

  /** Marks a step's transfer finished (the step ended), keeping its last figures. */
  finish(stepId: string): TransferRow | undefined {
    const track = this.tracks.get(stepId);
    if (!track || track.row.done) return undefined;
    track.row = { ...track.row, done: true, etaSeconds: 0 };
    return track.row;
  }

  rows(): TransferRow[] {
    return [...this.tracks.values()].map((t) => t.row);
  }
}
