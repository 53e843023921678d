/**
 * Resumable, checksummed download of a package or backup archive to disk, over several connections
 * when the server honours `Range` (pre-signed cloud-storage URLs do; one TCP stream over a real link
 * is capped far below the line, so serious transfer tools fetch ranges in parallel).
 *
 * Bytes go to `<dest>.part` with ordinary positional writes, one range per connection;
 * `<dest>.part.json` keeps the validator (ETag / Last-Modified), the total and how far every range
 * is on disk, so a dropped connection resumes its own range and a restarted process resumes every
 * range (`Range` + `If-Range`). Once all ranges are in, one sequential read computes the SHA-256 and,
 * for a backup, checks the archive's structure at the same time; then the file is renamed into place
 * and `<dest>.manifest.json` records its size and hash. Download URLs are pre-signed: no Mendix
 * credentials are ever sent to them, and their query string (the signature) is never logged.
 */
import { mkdir, open, rename, rm, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import { abortReason, systemClock, type Clock, type RandomSource } from '../../shared/clock';
import { isAbortError } from '../api/errors';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from '../api/retry';
import type { Logger } from '../../shared/logger';
import { TrailingScan, type ScanResult } from './fileScan';
import { buildManifest, manifestPath, partPath, partStatePath, readPartState, writeJsonAtomic, type DownloadManifest, type PartState } from './manifest';
import { ProgressMeter, type ProgressListener } from './progress';
import { MIN_SPLIT_BYTES, RangePlan, pieceSize, type ByteRange } from './rangePlan';
import { RangeDropped, RangeWriteFailed, writeRange } from './rangeWriter';
import { ChecksumMismatchError, DownloadError, DownloadUrlExpiredError } from './transferErrors';
import { ArchiveInspector, type BackupArchiveReport } from './verifyBackupArchive';

/** Connections per download when the server honours ranges (aria2c -x8, the AWS CLI's 10, rclone's 4–8). */
export const DEFAULT_CONNECTIONS = 8;
export const MAX_CONNECTIONS = 32;
/** How often the resume record is rewritten while bytes arrive. */
const RECORD_INTERVAL_MS = 1000;
/** Times the whole download may start over because the server stopped agreeing with the part. */
const MAX_START_OVERS = 3;

export interface DownloadOptions {
  /** Pre-signed URL (package `Url.Location` or archive `url`). */
  url: string;
  /** Final path of the file. */
  dest: string;
  /** Names the file in messages, e.g. "archive a6f5…"; defaults to the file name. */
  label?: string;
  expectedSize?: number;
  expectedSha256?: string;
  onProgress?: ProgressListener;
  signal?: AbortSignal;
  logger?: Logger;
  clock?: Clock;
  random?: RandomSource;
  /** Consecutive attempts of one range without progress before giving up (default 6). */
  maxAttempts?: number;
  /** A connection silent this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
  /** Secret-free facts to record in the manifest. */
  details?: DownloadManifest['details'];
  /** HTTP client without credentials; defaults to a shared one. */
  http?: AxiosInstance;
  /** Connections used when the server honours ranges (default 8; 1 = a single stream). */
  connections?: number;
  /** Smallest range worth its own connection (default 4 MiB). */
  minRangeBytes?: number;
  /** Check the finished file as a Mendix backup in the same read that hashes it; a bad archive is discarded. */
  verifyArchive?: boolean;
}

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
  manifestPath: string;
  manifest: DownloadManifest;
  /** Bytes already on disk from an earlier run that were reused. */
  resumedFrom: number;
  /** Bytes received over the network and written by this call. */
  bytesFetched: number;
  /** HTTP requests made. */
  requests: number;
  /** One entry per response whose body was streamed: where it started, how many bytes it delivered, and whether it resumed a dropped range. */
  transfers: { status: number; start: number; bytes: number; resumed: boolean }[];
  /** Connections the download was allowed (1 when the server ignores ranges). */
  connections: number;
  /** The archive check that ran with the hash (`verifyArchive`). */
  archive?: BackupArchiveReport;
}

let sharedHttp: AxiosInstance | undefined;
function downloadHttp(): AxiosInstance {
  // No default headers at all: these URLs carry their own signature. maxContentLength -1: any
  // other value makes axios re-wrap the body in an async generator, which cost ~half the throughput.
  sharedHttp ??= axios.create({ maxRedirects: 5, decompress: false, validateStatus: () => true, responseType: 'stream', maxContentLength: -1 });
  return sharedHttp;
}

/** `https://host/path?…` — enough to recognise the URL in a log, without its signature. */
export function describeUrl(url: string): string {
  try {
    const u = new URL(url);
    return `${u.origin}${u.pathname}${u.search ? '?…' : ''}`;
  } catch {
    return '(invalid URL)';
  }
}

/** A connection count from a setting or flag: a whole number from 1 to 32. */
export function parseConnections(value: unknown): number | undefined {
  const n = Number(value);
  return Number.isInteger(n) && n >= 1 && n <= MAX_CONNECTIONS ? n : undefined;
}

/** Removes a `.part` file and its state (after a checksum mismatch, or when the caller gives up). */
export async function discardPart(dest: string): Promise<void> {
  await rm(partPath(dest), { force: true });
  await rm(partStatePath(dest), { force: true });
}

export async function downloadToFile(opts: DownloadOptions): Promise<DownloadResult> {
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const label = opts.label ?? basename(opts.dest);
  await mkdir(dirname(opts.dest), { recursive: true });
  const part = partPath(opts.dest);
  const job = new RangedDownload(opts, label, clock, await openPart(part));
  let scanned: ScanResult;
  try {
    scanned = await job.run();
  } catch (e) {
    if (!job.scanFailed) throw e;
    if (opts.signal?.aborted || isAbortError(e)) throw abortReason(opts.signal);
    // A file that is not what it should be must not be resumed or reused: the next attempt fetches it afresh.
    await discardPart(opts.dest);
    throw e;
  } finally {
    await job.close();
  }
  const size = scanned.size;
  const sha256 = scanned.sha256 ?? '';
  const expectedSize = opts.expectedSize ?? job.total;
  if (expectedSize !== undefined && size !== expectedSize) {
    await discardPart(opts.dest);
    throw new ChecksumMismatchError(label, `${expectedSize} bytes`, `${size} bytes`);
  }
  if (opts.expectedSha256 !== undefined && sha256 !== opts.expectedSha256.toLowerCase()) {
    await discardPart(opts.dest);
    throw new ChecksumMismatchError(label, `SHA-256 ${opts.expectedSha256}`, `SHA-256 ${sha256}`);
  }
  await rename(part, opts.dest);
  const manifest = buildManifest(opts.dest, size, sha256, job.etag, opts.details);
  await writeJsonAtomic(manifestPath(opts.dest), manifest);
  await rm(partStatePath(opts.dest), { force: true });
  const seconds = (clock.now() - startedAt) / 1000;
  opts.logger?.info(
    `${label}: ${size} bytes in ${seconds.toFixed(1)} s over ${job.requests} request(s) on up to ${job.connections} connection(s), SHA-256 ${sha256}` +
      `${job.resumedFrom ? `, ${job.resumedFrom} bytes reused from an earlier run` : ''}${scanned.archive ? ', archive structure verified' : ''}`,
  );
  return {
    path: opts.dest,
    size,
    sha256,
    manifestPath: manifestPath(opts.dest),
    manifest,
    resumedFrom: job.resumedFrom,
    bytesFetched: job.bytesFetched,
    requests: job.requests,
    transfers: job.transfers,
    connections: job.connections,
    archive: scanned.archive,
  };
}

async function openPart(part: string): Promise<FileHandle> {
  try {
    return await open(part, 'r+');
  } catch {
    return open(part, 'w+');
  }
}

/** The server no longer agrees with the part (the file changed, or it stopped honouring ranges). */
class StartOver extends Error {}

class Retryable extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** One download's connections, plan and resume record. */
class RangedDownload {
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
  ) {
    this.connections = Math.max(1, Math.min(MAX_CONNECTIONS, Math.floor(opts.connections ?? DEFAULT_CONNECTIONS)));
    this.http = opts.http ?? downloadHttp();
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
    await this.fh.truncate(0);
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
        // Cloud storage answers a range on an empty object with 416 `bytes */0`.
        if (r.status !== 416 || !/^bytes \*\/0$/.test(header(r, 'content-range') ?? '')) await this.refuseErrors(r, range);
        return r;
      });
      if (res === 'retry') {
        failures++;
        continue;
      }
      const cr = parseContentRange(header(res, 'content-range'));
      const ranged = res.status === 206 && cr !== undefined && cr.start === 0 && cr.total !== undefined;
      const length = Number(header(res, 'content-length') ?? NaN);
      const total = res.status === 416 ? 0 : ranged ? cr.total : Number.isFinite(length) ? length : undefined;
      if (res.status === 416) res.data.resume();
      if (this.opts.expectedSize !== undefined && total !== undefined && total !== this.opts.expectedSize) {
        res.data.resume();
        throw new ChecksumMismatchError(this.label, `${this.opts.expectedSize} bytes`, `${total} bytes announced by the server`);
      }
      this.total = total;
      this.etag = header(res, 'etag');
      const min = this.opts.minRangeBytes ?? MIN_SPLIT_BYTES;
      const end = ranged && total !== undefined ? Math.min(total, Number(/^bytes\s+\d+-(\d+)\//i.exec(header(res, 'content-range') ?? '')?.[1] ?? total - 1) + 1) : (total ?? Infinity);
      this.plan =
        ranged && total !== undefined && this.connections > 1
          ? RangePlan.pieces({ start: 0, end, pos: 0 }, total, pieceSize(total, this.connections, min), min)
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
      if (!(e instanceof Retryable || e instanceof RangeDropped || e instanceof AxiosError || hasCode(e))) throw e;
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

  /** Statuses that end or delay the download whatever the request was. */
  private async refuseErrors(res: AxiosResponse<Readable>, range: ByteRange): Promise<void> {
    const status = res.status;
    if (status === 403 || status === 401) {
      const body = await readSmallBody(res.data);
      throw new DownloadUrlExpiredError(this.label, /request has expired/i.test(body) ? 'Request has expired' : `HTTP ${status}`);
    }
    if (status === 416) {
      res.data.resume();
      throw new StartOver(`the server refused the range from byte ${range.pos} (HTTP 416)`);
    }
    if (status === 429 || status >= 500) {
      res.data.resume();
      throw new Retryable(`HTTP ${status}`, parseRetryAfter(header(res, 'retry-after'), this.clock.now()));
    }
    if (status !== 200 && status !== 206) {
      res.data.resume();
      throw new DownloadError(this.label, `HTTP ${status}`, this.plan?.doneBytes() ?? 0);
    }
  }

  /** A response to a range request must be that range of the same file. */
  private async checkRangeResponse(res: AxiosResponse<Readable>, range: ByteRange): Promise<void> {
    await this.refuseErrors(res, range);
    const etag = header(res, 'etag');
    if (res.status === 200) {
      // The whole file again: fine for a single stream (start from byte 0), not for one range of several.
      if (range.start === 0 && this.plan?.ranges.length === 1 && this.state?.ranged !== true && (this.etag === undefined || etag === this.etag)) {
        if (range.pos > 0) this.opts.logger?.warn(`${this.label}: the server sent the whole file again (it does not honour ranges); starting from byte 0`);
        this.meter.reset(0);
        this.resumedFrom = 0;
        range.pos = 0;
        return;
      }
      res.data.resume();
      throw new StartOver('the server sent the whole file instead of a range (the file changed or ranges are not honoured)');
    }
    const cr = parseContentRange(header(res, 'content-range'));
    if (!cr || cr.start !== range.pos || (cr.total !== undefined && this.total !== undefined && cr.total !== this.total) || (this.etag !== undefined && etag !== undefined && etag !== this.etag)) {
      res.data.resume();
      throw new StartOver('the server answered with a different range or file');
    }
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

async function readSmallBody(stream: Readable, limit = 64 * 1024): Promise<string> {
  const parts: Buffer[] = [];
  let n = 0;
  try {
    for await (const chunk of stream as AsyncIterable<Buffer>) {
      if (n < limit) parts.push(chunk.subarray(0, limit - n));
      n += chunk.length;
    }
  } catch {
    // a partial error body is still informative
  }
  return Buffer.concat(parts).toString('utf8');
}

function header(res: AxiosResponse, name: string): string | undefined {
  const v: unknown = res.headers[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Parses `bytes start-end/total`. */
function parseContentRange(v: string | undefined): { start: number; total?: number } | undefined {
  const m = v ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

function hasCode(e: unknown): boolean {
  return typeof (e as { code?: unknown } | null)?.code === 'string';
}

function describeError(e: unknown): string {
  if (e instanceof AxiosError) return e.code ?? e.message;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}
