/**
 * Which byte ranges of a download are done, in progress and still to fetch. Pure bookkeeping (no
 * I/O): the download fetches each range over its own connection, and this plan is what the resume
 * record stores, so a killed process continues every range where it stopped.
 *
 * A range is `[start, end)` with `pos` the first byte not yet on disk. A connection that runs out of
 * work takes over the back half of the range with the most left (work stealing, as aria2 and rclone
 * do), so one slow connection does not hold up the end of the download.
 */

export interface ByteRange {
  start: number;
  /** Exclusive; `Infinity` while the size is unknown (a single stream without Content-Length). */
  end: number;
  /** First byte not yet written. */
  pos: number;
}

/** Below this a range is not split again: a new request costs a round trip and a slow TCP start. */
export const MIN_SPLIT_BYTES = 4 * 1024 * 1024;
/** Largest piece: about 4 pieces per connection for a 1 GiB file over 8 connections. */
export const MAX_PIECE_BYTES = 32 * 1024 * 1024;

/** Piece size for a file: about 4 pieces per connection, between `minSplit` and MAX_PIECE_BYTES. */
export function pieceSize(total: number, connections: number, minSplit = MIN_SPLIT_BYTES): number {
  return Math.max(minSplit, Math.min(MAX_PIECE_BYTES, Math.ceil(total / (4 * Math.max(1, connections)))));
}

export class RangePlan {
  readonly ranges: ByteRange[];
  private readonly owned = new Set<ByteRange>();

  constructor(
    ranges: ByteRange[],
    /** Smallest range worth its own connection. */
    private readonly minSplit = MIN_SPLIT_BYTES,
  ) {
    this.ranges = ranges.map((r) => ({ ...r })).sort((a, b) => a.start - b.start);
  }

  /** `total` bytes in `connections` ranges of nearly equal size (none smaller than `minSplit`, unless the file is). */
  static split(total: number, connections: number, minSplit = MIN_SPLIT_BYTES): RangePlan {
    const n = Math.max(1, Math.min(Math.floor(connections), Math.floor(total / minSplit) || 1));
    const ranges: ByteRange[] = [];
    for (let i = 0; i < n; i++) {
      const start = Math.floor((total * i) / n);
      const end = Math.floor((total * (i + 1)) / n);
      ranges.push({ start, end, pos: start });
    }
    return new RangePlan(ranges, minSplit);
  }

  /**
   * `[from, total)` in pieces of `pieceBytes` after an already planned `first` range, handed out in
   * file order: the connections then work side by side near the front of the file, so the part that
   * is complete from byte 0 grows steadily and can be hashed while the rest arrives.
   *
   * Toward the end a piece is at most an even share of what is left over `connections` (guided
   * scheduling, down to `minSplit`): the pieces in flight when the last byte arrives are small, so
   * little of the file is still to be hashed and checked then. A 1 GiB download over 8 shaped
   * connections finished its read 0.2–0.3 s after its last byte with 32 MiB pieces to the end, and
   * 10–60 ms with these.
   */
  static pieces(first: ByteRange, total: number, pieceBytes: number, minSplit = MIN_SPLIT_BYTES, connections = 1): RangePlan {
    const ranges: ByteRange[] = [first];
    const size = Math.max(1, Math.floor(pieceBytes));
    const share = Math.max(1, Math.floor(connections));
    for (let start = first.end; start < total; ) {
      const piece = Math.max(minSplit, Math.min(size, Math.ceil((total - start) / share)));
      let end = Math.min(total, start + piece);
      // A last sliver goes with the piece before it.
      if (total - end < piece / 4) end = total;
      ranges.push({ start, end, pos: start });
      start = end;
    }
    return new RangePlan(ranges, minSplit);
  }

  /** End of the part that is on disk without a gap from byte 0. */
  contiguousEnd(): number {
    let end = 0;
    for (const r of this.ranges) {
      if (r.start > end) break;
      end = Math.max(end, Math.min(r.pos, r.end));
      if (r.pos < r.end) break;
    }
    return end;
  }

  /** The bytes already on disk. */
  doneBytes(): number {
    return this.ranges.reduce((n, r) => n + (Math.min(r.pos, r.end) - r.start), 0);
  }

  complete(): boolean {
    return this.ranges.every((r) => r.pos >= r.end);
  }

  /** The next range for a free connection: an unowned unfinished one, else the back half of the biggest one in progress. */
  take(): ByteRange | undefined {
    const free = this.ranges.find((r) => r.pos < r.end && !this.owned.has(r));
    if (free) {
      this.owned.add(free);
      return free;
    }
    let victim: ByteRange | undefined;
    for (const r of this.owned) if (Number.isFinite(r.end) && (!victim || r.end - r.pos > victim.end - victim.pos)) victim = r;
    if (!victim || victim.end - victim.pos < 2 * this.minSplit) return undefined;
    const mid = victim.pos + Math.floor((victim.end - victim.pos) / 2);
    const back: ByteRange = { start: mid, end: victim.end, pos: mid };
    // The owner's connection stops at its new end; bytes it already had in flight past `mid` are the
    // same bytes, written again by the new range.
    victim.end = mid;
    this.ranges.splice(this.ranges.indexOf(victim) + 1, 0, back);
    this.owned.add(back);
    return back;
  }

  release(r: ByteRange): void {
    this.owned.delete(r);
  }

  /** A copy for the resume record, finished neighbours merged so the record stays short. */
  snapshot(): ByteRange[] {
    const out: ByteRange[] = [];
    for (const r of [...this.ranges].sort((a, b) => a.start - b.start)) {
      const last = out.at(-1);
      if (last && last.pos >= last.end && last.end === r.start) {
        last.end = r.end;
        last.pos = r.pos;
      } else out.push({ start: r.start, end: r.end, pos: Math.min(r.pos, r.end) });
    }
    return out;
  }

  /** Whether ranges read from a resume record tile `[0, total)` exactly. */
  static valid(ranges: ByteRange[], total: number): boolean {
    const sorted = [...ranges].sort((a, b) => a.start - b.start);
    let at = 0;
    for (const r of sorted) {
      if (r.start !== at || r.end < r.start || r.pos < r.start || r.pos > r.end) return false;
      at = r.end;
    }
    return at === total && sorted.length > 0;
  }
}
