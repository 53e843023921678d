/**
 * Resumable, checksummed download of a package or backup archive to disk.
 *
 * Bytes go to `<dest>.part`; `<dest>.part.json` keeps the validator (ETag / Last-Modified) and total
 * so a dropped connection — or a restarted process — continues with `Range` + `If-Range` instead of
 * starting over. SHA-256 is computed while writing; the finished file is renamed into place and
 * `<dest>.manifest.json` records its size and hash. Download URLs are pre-signed: no Mendix
 * credentials are ever sent to them, and their query string (the signature) is never logged.
 */
import { createHash, type Hash } from 'node:crypto';
import { constants as fsConstants, createReadStream } from 'node:fs';
import { open, mkdir, rename, rm, stat, type FileHandle } from 'node:fs/promises';
import { basename, dirname } from 'node:path';
import type { Readable } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import axios, { type AxiosInstance, type AxiosResponse } from 'axios';
import { abortReason, systemClock, type Clock, type RandomSource } from '../../shared/clock';
import { isAbortError } from '../api/errors';
import { DEFAULT_RETRY_POLICY, backoffDelay, parseRetryAfter } from '../api/retry';
import type { Logger } from '../../shared/logger';
import { failureCode } from '../../shared/errors';
import { HashingFileSink, slotBuffers } from './hashingFileSink';
import { buildManifest, manifestPath, partPath, partStatePath, readPartState, writeJsonAtomic, type DownloadManifest, type PartState } from './manifest';
import { ProgressMeter, type ProgressListener } from './progress';
import { ChecksumMismatchError, DownloadError, DownloadUrlExpiredError } from './transferErrors';

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
  /** Consecutive attempts without progress before giving up (default 6). */
  maxAttempts?: number;
  /** A connection silent this long is dropped and resumed (default 60 s). */
  idleTimeoutMs?: number;
  /** Secret-free facts to record in the manifest. */
  details?: DownloadManifest['details'];
  /** HTTP client without credentials; defaults to a shared one. */
  http?: AxiosInstance;
}

export interface DownloadResult {
  path: string;
  size: number;
  sha256: string;
  manifestPath: string;
  manifest: DownloadManifest;
  /** Bytes already on disk from an earlier run that were reused. */
  resumedFrom: number;
  /** Bytes received over the network by this call. */
  bytesFetched: number;
  /** HTTP requests made. */
  requests: number;
  /** One entry per response whose body was streamed: where it started and how many bytes it delivered. */
  transfers: { status: number; start: number; bytes: number }[];
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

async function sizeOf(path: string): Promise<number | undefined> {
  try {
    return (await stat(path)).size;
  } catch {
    return undefined;
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

class RetryableDrop extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

export async function downloadToFile(opts: DownloadOptions): Promise<DownloadResult> {
  const clock = opts.clock ?? systemClock;
  const startedAt = clock.now();
  const random = opts.random ?? Math.random;
  const http = opts.http ?? downloadHttp();
  const label = opts.label ?? basename(opts.dest);
  const where = describeUrl(opts.url);
  const log = opts.logger;
  const maxAttempts = opts.maxAttempts ?? 6;
  const idleMs = opts.idleTimeoutMs ?? 60_000;
  const part = partPath(opts.dest);
  const stateFile = partStatePath(opts.dest);
  await mkdir(dirname(opts.dest), { recursive: true });

  // Pick up a `.part` from an earlier run when we still know how to validate it.
  let state: PartState | undefined = await readPartState(opts.dest);
  let offset = (await sizeOf(part)) ?? 0;
  let hash = createHash('sha256');
  let resumedFrom = 0;
  if (offset > 0 && state && (state.etag || state.lastModified) && (state.total === undefined || offset <= state.total)) {
    log?.info(`resuming ${label} from byte ${offset}: re-hashing the part already on disk`);
    const rehash = await hashPrefix(part, offset, hash, opts.signal);
    offset = rehash;
    resumedFrom = offset;
  } else {
    offset = 0;
    state = undefined;
  }
  const fh = await open(part, offset > 0 ? 'r+' : 'w');
  if (offset === 0) await fh.truncate(0);
  const direct = await openDirect(part);
  const slots = slotBuffers();

  const meter = new ProgressMeter(offset, state?.total ?? opts.expectedSize, opts.onProgress, clock);
  let bytesFetched = 0;
  let requests = 0;
  const transfers: DownloadResult['transfers'] = [];
  let failures = 0;
  let total: number | undefined = state?.total;
  /** Empties the part (the server no longer agrees with it) and the hash with it. */
  const startOver = async (): Promise<void> => {
    await fh.truncate(0);
    offset = 0;
    meter.reset(0);
    hash = createHash('sha256');
  };
  try {
    for (;;) {
      if (opts.signal?.aborted) throw abortReason(opts.signal);
      if (total !== undefined && offset === total && offset > 0) break;
      const headers: Record<string, string> = {};
      const validator = state?.etag ?? state?.lastModified;
      if (offset > 0 && validator) {
        headers.Range = `bytes=${offset}-`;
        headers['If-Range'] = validator;
      }
      requests++;
      const progressBefore = offset;
      let writeFailed = false;
      try {
        const res = await http.get<Readable>(opts.url, { headers, signal: opts.signal, responseType: 'stream', timeout: idleMs });
        const status = res.status;
        log?.info(`GET ${where} → ${status}${headers.Range ? ` (${headers.Range})` : ''}`);
        if (status === 403 || status === 401) {
          const body = await readSmallBody(res.data);
          throw new DownloadUrlExpiredError(label, /request has expired/i.test(body) ? 'Request has expired' : `HTTP ${status}`);
        }
        if (status === 416 && total !== undefined && offset >= total) break;
        if (status === 429 || status >= 500 || status === 416) {
          res.data.resume();
          const ra = parseRetryAfter(header(res, 'retry-after'), clock.now());
          if (status === 416) {
            // The server no longer agrees with our part: start over.
            await startOver();
            state = undefined;
          }
          throw new RetryableDrop(`HTTP ${status}`, ra);
        }
        if (status !== 200 && status !== 206) {
          res.data.resume();
          throw new DownloadError(label, `HTTP ${status}`, offset);
        }
        const etag = header(res, 'etag');
        const lastModified = header(res, 'last-modified');
        const length = Number(header(res, 'content-length') ?? NaN);
        if (status === 206) {
          const range = parseContentRange(header(res, 'content-range'));
          if (!range || range.start !== offset) {
            res.data.resume();
            await startOver();
            state = undefined;
            throw new RetryableDrop('unexpected Content-Range');
          }
          total = range.total ?? total;
        } else {
          // 200: a fresh copy (first request, or the resource changed so If-Range failed).
          if (offset > 0) {
            log?.warn(`${label}: the server sent the whole file again (it changed or does not support ranges); starting over`);
            await startOver();
          }
          total = Number.isFinite(length) ? length : undefined;
        }
        if (opts.expectedSize !== undefined && total !== undefined && total !== opts.expectedSize) {
          res.data.resume();
          throw new ChecksumMismatchError(label, `${opts.expectedSize} bytes`, `${total} bytes announced by the server`);
        }
        meter.setTotal(total);
        if (state?.etag !== etag || state?.lastModified !== lastModified || state?.total !== total) {
          state = { version: 1, etag, lastModified, total };
          await writeJsonAtomic(stateFile, state);
        }
        let lastActivity = Date.now();
        const sink = new HashingFileSink(
          { fd: fh.fd, directFd: direct?.fd },
          offset,
          hash,
          (n) => {
            lastActivity = Date.now();
            meter.add(n);
          },
          { slots },
        );
        const transferStart = offset;
        try {
          await pipeWithIdleTimeout(res.data, sink, idleMs, () => lastActivity);
        } finally {
          await sink.settled();
          offset = sink.position;
          bytesFetched += sink.written;
          transfers.push({ status, start: transferStart, bytes: sink.written });
          writeFailed = sink.poisoned;
        }
        if (total !== undefined && offset < total) throw new RetryableDrop(`connection closed at byte ${offset} of ${total}`);
        if (total === undefined) total = offset;
        break;
      } catch (e) {
        if (opts.signal?.aborted || isAbortError(e)) throw abortReason(opts.signal);
        if (e instanceof DownloadUrlExpiredError || e instanceof DownloadError || e instanceof ChecksumMismatchError) throw e;
        // A failed write (disk full, say) is not worth retrying here. Later slots may have landed
        // beyond the failed one: cut the .part back to what is known good, and a later run re-hashes it.
        if (writeFailed) {
          await fh.truncate(offset).catch(() => undefined);
          throw new DownloadError(label, `writing to disk failed (${failureCode(e)})`, offset);
        }
        const reason = e instanceof RetryableDrop ? e.reason : failureCode(e);
        failures = offset > progressBefore ? 1 : failures + 1;
        if (failures >= maxAttempts) throw new DownloadError(label, `${reason}; gave up after ${failures} attempts without progress`, offset);
        const delay = e instanceof RetryableDrop && e.retryAfterMs !== undefined ? e.retryAfterMs : backoffDelay(failures, DEFAULT_RETRY_POLICY, random);
        log?.warn(`${label}: ${reason} at byte ${offset}; resuming in ${delay} ms`);
        await clock.sleep(delay, opts.signal);
      }
    }
    meter.finish();
  } finally {
    await direct?.close();
    await fh.close();
  }

  const sha256 = hash.digest('hex');
  const size = offset;
  if (opts.expectedSize !== undefined && size !== opts.expectedSize) {
    await discardPart(opts.dest);
    throw new ChecksumMismatchError(label, `${opts.expectedSize} bytes`, `${size} bytes`);
  }
  if (opts.expectedSha256 !== undefined && sha256 !== opts.expectedSha256.toLowerCase()) {
    await discardPart(opts.dest);
    throw new ChecksumMismatchError(label, `SHA-256 ${opts.expectedSha256}`, `SHA-256 ${sha256}`);
  }
  await rename(part, opts.dest);
  const manifest = buildManifest(opts.dest, size, sha256, state?.etag, opts.details);
  await writeJsonAtomic(manifestPath(opts.dest), manifest);
  await rm(stateFile, { force: true });
  const seconds = (clock.now() - startedAt) / 1000;
  log?.info(
    `${label}: ${size} bytes in ${seconds.toFixed(1)} s over ${requests} request(s), SHA-256 ${sha256}${resumedFrom ? `, resumed from byte ${resumedFrom}` : ''}`,
  );
  return { path: opts.dest, size, sha256, manifestPath: manifestPath(opts.dest), manifest, resumedFrom, bytesFetched, requests, transfers };
}

/**
 * The `.part` opened a second time with O_DIRECT, or undefined where that flag does not exist
 * (macOS, Windows) or the filesystem refuses it (tmpfs, some network filesystems).
 */
async function openDirect(path: string): Promise<FileHandle | undefined> {
  const flag = (fsConstants as { O_DIRECT?: number }).O_DIRECT;
  if (!flag) return undefined;
  try {
    return await open(path, fsConstants.O_WRONLY | flag);
  } catch {
    return undefined;
  }
}

/** Removes a `.part` file and its state (after a checksum mismatch, or when the caller gives up). */
export async function discardPart(dest: string): Promise<void> {
  await rm(partPath(dest), { force: true });
  await rm(partStatePath(dest), { force: true });
}


/** Feeds the first `length` bytes of a file into the hash; returns how many it read. */
async function hashPrefix(path: string, length: number, hash: Hash, signal?: AbortSignal): Promise<number> {
  let n = 0;
  for await (const chunk of createReadStream(path, { start: 0, end: length - 1, highWaterMark: 4 * 1024 * 1024, signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    n += chunk.length;
  }
  return n;
}

/**
 * pipeline() plus a watchdog that drops a connection when nothing was written for `idleMs`
 * (activity is reported by the sink, so no extra per-chunk listener sits on the hot path).
 */
async function pipeWithIdleTimeout(source: Readable, sink: HashingFileSink, idleMs: number, lastActivity: () => number): Promise<void> {
  const timer = setInterval(
    () => {
      if (Date.now() - lastActivity() > idleMs) source.destroy(Object.assign(new Error('idle timeout'), { code: 'ETIMEDOUT' }));
    },
    Math.max(50, Math.min(5000, idleMs / 4)),
  );
  try {
    await pipeline(source, sink);
  } finally {
    clearInterval(timer);
  }
}

