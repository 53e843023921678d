/**
 * What a storage server's answer to a download request means: go on, try again later, start the
 * whole file over, or stop (the URL expired, an unexpected status).
 */
import type { Readable } from 'node:stream';
import { AxiosError, type AxiosResponse } from 'axios';
import { parseRetryAfter } from '../api/retry';
import type { ByteRange } from './rangePlan';
import { DownloadError, DownloadUrlExpiredError } from './transferErrors';

/** The server no longer agrees with the part (the file changed, or it stopped honouring ranges). */
export class StartOver extends Error {}

/** Worth another try after a delay (the server's Retry-After when it gave one). */
export class Retryable extends Error {
  constructor(
    readonly reason: string,
    readonly retryAfterMs?: number,
  ) {
    super(reason);
  }
}

/** What the download knows when it judges an answer. */
export interface AnswerContext {
  label: string;
  /** Bytes on disk, for the error's resume figure. */
  doneBytes: number;
  now: number;
}

/** Statuses that end or delay the download whatever the request was. */
export async function refuseErrors(res: AxiosResponse<Readable>, range: ByteRange, ctx: AnswerContext): Promise<void> {
  const status = res.status;
  if (status === 403 || status === 401) {
    const body = await readSmallBody(res.data);
    throw new DownloadUrlExpiredError(ctx.label, /request has expired/i.test(body) ? 'Request has expired' : `HTTP ${status}`);
  }
  if (status === 416) {
    res.data.resume();
    throw new StartOver(`the server refused the range from byte ${range.pos} (HTTP 416)`);
  }
  if (status === 429 || status >= 500) {
    res.data.resume();
    throw new Retryable(`HTTP ${status}`, parseRetryAfter(header(res, 'retry-after'), ctx.now));
  }
  if (status !== 200 && status !== 206) {
    res.data.resume();
    throw new DownloadError(ctx.label, `HTTP ${status}`, ctx.doneBytes);
  }
}

/** The file as the download knows it, to compare an answer with. */
export interface KnownFile {
  total: number | undefined;
  etag: string | undefined;
  /** A single stream from byte 0 over a server that ignores ranges: a 200 with the whole file is fine. */
  wholeFileAllowed: boolean;
}

/**
 * A response to a range request must be that range of the same file. Returns 'whole-file' when the
 * server sent the whole file again and that is acceptable (the caller starts from byte 0).
 */
export async function checkRangeAnswer(res: AxiosResponse<Readable>, range: ByteRange, file: KnownFile, ctx: AnswerContext): Promise<'range' | 'whole-file'> {
  await refuseErrors(res, range, ctx);
  const etag = header(res, 'etag');
  if (res.status === 200) {
    if (file.wholeFileAllowed && (file.etag === undefined || etag === file.etag)) return 'whole-file';
    res.data.resume();
    throw new StartOver('the server sent the whole file instead of a range (the file changed or ranges are not honoured)');
  }
  const cr = parseContentRange(header(res, 'content-range'));
  if (!cr || cr.start !== range.pos || (cr.total !== undefined && file.total !== undefined && cr.total !== file.total) || (file.etag !== undefined && etag !== undefined && etag !== file.etag)) {
    res.data.resume();
    throw new StartOver('the server answered with a different range or file');
  }
  return 'range';
}

/** The first answer: the file's size, and whether (and how far) the server honoured the range asked for. */
export function describeFirstAnswer(res: AxiosResponse<Readable>): { ranged: boolean; total: number | undefined; end: number } {
  const cr = parseContentRange(header(res, 'content-range'));
  const ranged = res.status === 206 && cr !== undefined && cr.start === 0 && cr.total !== undefined;
  const length = Number(header(res, 'content-length') ?? NaN);
  const total = res.status === 416 ? 0 : ranged ? cr.total : Number.isFinite(length) ? length : undefined;
  const end = ranged && total !== undefined ? Math.min(total, (cr.end ?? total - 1) + 1) : (total ?? Infinity);
  return { ranged, total, end };
}

/** Cloud storage answers a range on an empty object with 416 `bytes *\/0`. */
export function isEmptyObjectAnswer(res: AxiosResponse): boolean {
  return res.status === 416 && /^bytes \*\/0$/.test(header(res, 'content-range') ?? '');
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

export function header(res: AxiosResponse, name: string): string | undefined {
  const v: unknown = res.headers[name];
  return typeof v === 'string' ? v : typeof v === 'number' ? String(v) : undefined;
}

/** Parses `bytes start-end/total`. */
function parseContentRange(v: string | undefined): { start: number; end: number; total?: number } | undefined {
  const m = v ? /^bytes\s+(\d+)-(\d+)\/(\d+|\*)$/i.exec(v.trim()) : null;
  if (!m) return undefined;
  return { start: Number(m[1]), end: Number(m[2]), total: m[3] === '*' ? undefined : Number(m[3]) };
}

/** A network failure worth resuming after (a socket error code, an axios error). */
export function isNetworkFailure(e: unknown): boolean {
  return e instanceof AxiosError || typeof (e as { code?: unknown } | null)?.code === 'string';
}

export function describeError(e: unknown): string {
  if (e instanceof AxiosError) return e.code ?? e.message;
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string') return code;
  return e instanceof Error ? e.message : String(e);
}
