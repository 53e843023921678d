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
import axios, { type AxiosInstance } from 'axios';
import { abortReason, systemClock, type Clock, type RandomSource } from '../../shared/clock';
import { isAbortError } from '../api/errors';
import type { Logger } from '../../shared/logger';
import type { ScanResult } from './fileScan';
import { buildManifest, manifestPath, partPath, partStatePath, writeJsonAtomic, type DownloadManifest } from './manifest';
import type { ProgressListener } from './progress';
import { RangedDownload } from './rangedDownload';
import { ChecksumMismatchError } from './transferErrors';
import type { BackupArchiveReport } from './verifyBackupArchive';

/** Connections per download when the server honours ranges (aria2c -x8, the AWS CLI's 10, rclone's 4–8). */
export const DEFAULT_CONNECTIONS = 8;
export const MAX_CONNECTIONS = 32;

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
  const connections = Math.max(1, Math.min(MAX_CONNECTIONS, Math.floor(opts.connections ?? DEFAULT_CONNECTIONS)));
  const job = new RangedDownload(opts, label, clock, await openPart(part), connections, opts.http ?? downloadHttp());
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
