/**
 * One download's connections, range plan and resume record: the first request learns the size and
 * whether ranges work, then up to N connections take ranges from the plan, each resuming its own
 * range after a drop, while the resume record follows what is on disk (see download.ts).
 */
import { rm, type FileHandle } from 'node:fs/promises';
import type { Readable } from 'node:stream';
import type { AxiosInstance, AxiosResponse } from 'axios';
import { abortReason, type Clock } from '../../shared/clock';
import { isAbortError } from '../api/errors';
import { DEFAULT_RETRY_POLICY, backoffDelay } from '../api/retry';
import type { DownloadOptions, DownloadResult } from './download';
import { TrailingScan, type ScanResult } from './fileScan';
import { partPath, partStatePath, readPartState, writeJsonAtomic, type PartState } from './manifest';
import { ProgressMeter } from './progress';
import { checkRangeAnswer, describeError, describeFirstAnswer, describeUrl, header, isEmptyObjectAnswer, isNetworkFailure, refuseErrors, Retryable, StartOver, type AnswerContext } from './rangeAnswers';
import { MIN_SPLIT_BYTES, RangePlan, pieceSize, type ByteRange } from './rangePlan';
import { RangeDropped, RangeWriteFailed, writeRange } from './rangeWriter';
import { ChecksumMismatchError, DownloadError } from './transferErrors';
import { ArchiveInspector } from './verifyBackupArchive';

/** How often the resume record is rewritten while bytes arrive. */
const RECORD_INTERVAL_MS = 1000;
/** Times the whole download may start over because the server stopped agreeing with the part. */
const MAX_START_OVERS = 3;

/** One download's connections, plan and resume record. */
export class RangedDownload {
  readonly connections: number;
  total: number | undefined;
  etag: string | undefined;
  resumedFrom = 0;
  bytesFetched = 0;
  requests = 0;
  readonly transfers: DownloadResult['transfers'] = [];
  private state: PartState | undefined;
  private plan: RangePlan | undefined;
  private readonly meter: ProgressMeter;
  private readonly http: AxiosInstance;
  private readonly where: string;
  private readonly stateFile: string;
  /** Stops every connection once one of them fails for good. */
  private stop = new AbortController();
  private signal: AbortSignal;
  /** The first response, already streaming range 0, handed to the first connection. */
  private adopted: { range: ByteRange; res: AxiosResponse<Readable> } | undefined;
  private saving: Promise<void> = Promise.resolve();
  private savedDone = -1;
  private readonly dropped = new Set<number>();
  private scan: TrailingScan | undefined;
  /** The download completed but the pass over the file failed (a damaged archive, say). */
  scanFailed = false;

  constructor(
    private readonly opts: DownloadOptions,
    private readonly label: string,
    private readonly clock: Clock,
    private readonly fh: FileHandle,
    connections: number,
    http: AxiosInstance,
  ) {
    this.connections = connections;
    this.http = http;
    this.where = describeUrl(opts.url);
    this.stateFile = partStatePath(opts.dest);
    this.meter = new ProgressMeter(0, opts.expectedSize, opts.onProgress, clock);
    this.signal = this.combinedSignal();
  }

  /** Fetches every range and returns the single pass over the file (SHA-256, and the archive check when asked). */
  async run(): Promise<ScanResult> {
    for (let startOvers = 0; ; startOvers++) {
      await this.prepare(startOvers > 0);
      const timer = setInterval(() => void this.save(), RECORD_INTERVAL_MS);
      // The pass over the file starts now and follows the bytes that are complete from byte 0.
      const scan = new TrailingScan(partPath(this.opts.dest), { inspect: this.opts.verifyArchive ? new ArchiveInspector(this.opts.dest) : undefined });
      this.scan = scan;
      this.advanceScan();
      try {
        await this.runConnections();
        this.meter.finish();
        scan.finish();
        try {
          return await scan.result;
        } catch (e) {
          this.scanFailed = true;
          throw e;
        }
      } catch (e) {
        scan.abort();
        if (!(e instanceof StartOver)) throw e;
        if (startOvers + 1 >= MAX_START_OVERS) throw new DownloadError(this.label, `${e.message}; gave up after starting over ${MAX_START_OVERS} times`, 0);
        this.opts.logger?.warn(`${this.label}: ${e.message}; starting over`);
      } finally {
        clearInterval(timer);
        await this.save(true);
      }
    }
  }

  async close(): Promise<void> {
    await this.saving;
    await this.fh.close();
  }

  private advanceScan(): void {
    if (this.plan) this.scan?.advance(this.plan.contiguousEnd());
  }

  private combinedSignal(): AbortSignal {
    return this.opts.signal ? AbortSignal.any([this.opts.signal, this.stop.signal]) : this.stop.signal;
  }

  /** Picks up the resume record, or asks the server for the file and plans the ranges. */
  private async prepare(fresh: boolean): Promise<void> {
    this.adopted?.res.data.destroy();
    this.adopted = undefined;
    const state = fresh ? undefined : await readPartState(this.opts.dest);
    const ranges = state?.ranges;
    if (state && (state.etag || state.lastModified) && state.total !== undefined && ranges && RangePlan.valid(ranges, state.total)) {
      this.state = state;
      this.total = state.total;
      this.etag = state.etag;
      this.plan = new RangePlan(ranges, this.opts.minRangeBytes ?? MIN_SPLIT_BYTES);
      this.resumedFrom = this.plan.doneBytes();
      this.meter.setTotal(this.total);
      this.meter.reset(this.resumedFrom);
      this.opts.logger?.info(`resuming ${this.label}: ${this.resumedFrom} of ${this.total} bytes are on disk in ${ranges.length} range(s)`);
      return;
    }
    // Only a part with bytes in it is emptied: on ext4, truncating even an empty file to 0 makes the
    // first close of the file flush all of it (its guard for files replaced by truncation), which
    // held a 1 GiB download's end up by 0.3–0.4 s.
    if ((await this.fh.stat()).size > 0) await this.fh.truncate(0);
    await rm(this.stateFile, { force: true });
    this.state = undefined;
    this.plan = undefined;
    this.resumedFrom = 0;
    this.meter.reset(0);
    await this.probe();
  }

  /** The first request: learns size, validator and whether ranges work, and keeps streaming range 0. */
  private async probe(): Promise<void> {
    const range: ByteRange = { start: 0, end: Infinity, pos: 0 };
    for (let failures = 0; ; ) {
      const res = await this.attempt(range, failures, async () => {
        // One connection: the whole file in one stream. Several: the first piece, which also tells the size.
        const r = await this.get({ Range: this.connections === 1 ? 'bytes=0-' : `bytes=0-${this.firstPiece() - 1}` });
        if (!isEmptyObjectAnswer(r)) await refuseErrors(r, range, this.answerContext());
        return r;
      });
      if (res === 'retry') {
        failures++;
        continue;
      }
      const { ranged, total, end } = describeFirstAnswer(res);
      if (res.status === 416) res.data.resume();
      if (this.opts.expectedSize !== undefined && total !== undefined && total !== this.opts.expectedSize) {
        res.data.resume();
        throw new ChecksumMismatchError(this.label, `${this.opts.expectedSize} bytes`, `${total} bytes announced by the server`);
      }
      this.total = total;
      this.etag = header(res, 'etag');
      const min = this.opts.minRangeBytes ?? MIN_SPLIT_BYTES;
      this.plan =
        ranged && total !== undefined && this.connections > 1
          ? RangePlan.pieces({ start: 0, end, pos: 0 }, total, pieceSize(total, this.connections, min), min, this.connections)
          : new RangePlan([{ start: 0, end, pos: 0 }], min);
      if (!ranged) this.opts.logger?.info(`${this.label}: the server does not honour byte ranges; one connection`);
      this.state = { version: 2, etag: this.etag, lastModified: header(res, 'last-modified'), total, ranged };
      this.meter.setTotal(total);
      // Not awaited: the response is already streaming, and the record's writes are queued in order.
      void this.save(true);
      const first = this.plan.take();
      if (!first) throw new Error('no range to start with');
      this.adopted = { range: first, res };
      return;
    }
  }

  /** Size of the first request's piece, asked before the file's size is known. */
  private firstPiece(): number {
    return 2 * (this.opts.minRangeBytes ?? MIN_SPLIT_BYTES);
  }

  private async runConnections(): Promise<void> {
    const plan = this.plan;
    if (!plan) throw new Error('download not prepared');
    const ranged = this.state?.ranged === true;
    const n = ranged ? this.connections : 1;
    let firstError: Error | undefined;
    const connection = async (): Promise<void> => {
      for (;;) {
        const adopted = this.adopted;
        this.adopted = undefined;
        const range = adopted?.range ?? plan.take();
        if (!range) return;
        try {
          await this.fetchRange(range, adopted?.res);
        } finally {
          plan.release(range);
        }
      }
    };
    await Promise.all(
      Array.from({ length: n }, () =>
        connection().catch((e: unknown) => {
          // The first real failure stops the others; their aborts are not the story.
          if (firstError === undefined || (isAbortError(firstError) && !isAbortError(e))) firstError = e instanceof Error ? e : new Error(String(e));
          this.stop.abort();
        }),
      ),
    );
    if (firstError !== undefined) {
      const userAborted = this.opts.signal?.aborted === true;
      this.stop = new AbortController();
      this.signal = this.combinedSignal();
      if (userAborted) throw abortReason(this.opts.signal);
      throw firstError;
    }
    if (!plan.complete()) throw new DownloadError(this.label, 'ranges are missing after every connection finished', plan.doneBytes());
  }

  /** Fetches one range until it is complete, resuming it after drops. */
  private async fetchRange(range: ByteRange, first?: AxiosResponse<Readable>): Promise<void> {
    let res = first;
    for (let failures = 0; range.pos < range.end; ) {
      const before = range.pos;
      const outcome = await this.attempt(range, failures, async () => {
        const r = res ?? (await this.get(this.rangeHeaders(range)));
        res = undefined;
        if (r !== first) await this.checkRangeResponse(r, range);
        const start = range.pos;
        const resumed = this.dropped.has(range.start);
        let bytes = 0;
        try {
          bytes = await writeRange(r.data, {
            fd: this.fh.fd,
            range,
            idleMs: this.opts.idleTimeoutMs ?? 60_000,
            onWritten: (k) => {
              this.bytesFetched += k;
              this.meter.add(k);
              this.advanceScan();
            },
          });
        } finally {
          this.transfers.push({ status: r.status, start, bytes: bytes || range.pos - start, resumed });
        }
        return r;
      });
      if (outcome === 'retry') {
        this.dropped.add(range.start);
        failures = range.pos > before ? 1 : failures + 1;
      }
    }
  }

  /**
   * Runs one request/stream; turns the failures worth another try into 'retry' (after the backoff
   * delay) and lets the others through.
   */
  private async attempt<T>(range: ByteRange, failures: number, body: () => Promise<T>): Promise<T | 'retry'> {
    this.signal.throwIfAborted();
    try {
      return await body();
    } catch (e) {
      if (this.opts.signal?.aborted) throw abortReason(this.opts.signal);
      // Stopped because another connection failed for good: that failure is the one reported.
      if (this.signal.aborted || isAbortError(e)) throw e instanceof Error ? e : new Error(String(e));
      if (e instanceof RangeWriteFailed) throw new DownloadError(this.label, `writing to disk failed (${describeError(e.cause)})`, this.plan?.doneBytes() ?? 0);
      if (!(e instanceof Retryable || e instanceof RangeDropped || isNetworkFailure(e))) throw e;
      const reason = e instanceof Retryable || e instanceof RangeDropped ? e.message : describeError(e);
      const tries = failures + 1;
      const maxAttempts = this.opts.maxAttempts ?? 6;
      if (tries >= maxAttempts) throw new DownloadError(this.label, `${reason}; gave up after ${tries} attempts without progress`, this.plan?.doneBytes() ?? 0);
      const delay = e instanceof Retryable && e.retryAfterMs !== undefined ? e.retryAfterMs : backoffDelay(tries, DEFAULT_RETRY_POLICY, this.opts.random ?? Math.random);
      this.opts.logger?.warn(`${this.label}: ${reason} at byte ${range.pos}; resuming in ${delay} ms`);
      await this.save();
      await this.clock.sleep(delay, this.signal);
      return 'retry';
    }
  }

  private rangeHeaders(range: ByteRange): Record<string, string> {
    const h: Record<string, string> = { Range: `bytes=${range.pos}-${Number.isFinite(range.end) ? range.end - 1 : ''}` };
    const validator = this.state?.etag && !this.state.etag.startsWith('W/') ? this.state.etag : this.state?.lastModified;
    if (validator) h['If-Range'] = validator;
    return h;
  }

  private async get(headers: Record<string, string>): Promise<AxiosResponse<Readable>> {
    this.requests++;
    const res = await this.http.get<Readable>(this.opts.url, { headers, signal: this.signal, responseType: 'stream', timeout: this.opts.idleTimeoutMs ?? 60_000 });
    this.opts.logger?.info(`GET ${this.where} → ${res.status} (${headers.Range})`);
    return res;
  }

  private answerContext(): AnswerContext {
    return { label: this.label, doneBytes: this.plan?.doneBytes() ?? 0, now: this.clock.now() };
  }

  /** A response to a range request must be that range of the same file. */
  private async checkRangeResponse(res: AxiosResponse<Readable>, range: ByteRange): Promise<void> {
    // The whole file again is fine for a single stream from byte 0, not for one range of several.
    const wholeFileAllowed = range.start === 0 && this.plan?.ranges.length === 1 && this.state?.ranged !== true;
    const answer = await checkRangeAnswer(res, range, { total: this.total, etag: this.etag, wholeFileAllowed }, this.answerContext());
    if (answer !== 'whole-file') return;
    if (range.pos > 0) this.opts.logger?.warn(`${this.label}: the server sent the whole file again (it does not honour ranges); starting from byte 0`);
    this.meter.reset(0);
    this.resumedFrom = 0;
    range.pos = 0;
  }

  /** Writes the resume record (only the ranges' progress changes), one write at a time. */
  private save(force = false): Promise<void> {
    const plan = this.plan;
    const state = this.state;
    if (!plan || !state) return this.saving;
    const done = plan.doneBytes();
    if (!force && done === this.savedDone) return this.saving;
    this.savedDone = done;
    const record: PartState = { ...state, ranges: Number.isFinite(plan.ranges.at(-1)?.end) ? plan.snapshot() : undefined };
    this.saving = this.saving.then(() => writeJsonAtomic(this.stateFile, record)).catch((e: unknown) => this.opts.logger?.warn(`${this.label}: could not write the resume record (${describeError(e)})`));
    return this.saving;
  }
}
