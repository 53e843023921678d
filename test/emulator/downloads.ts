/**
 * Signed download URLs on the emulator's own origin (`/_downloads/...`), behaving like S3 presigned
 * URLs: no Mendix credentials, an expiry, `Content-Length`, `ETag`, `Accept-Ranges`, single `Range`
 * (206/416) and `If-Range`. Bodies stream from disk, so memory stays flat whatever the size.
 * Archive and package bodies go through the shaped link when one is set (`linkShaping.ts`).
 */
import type { FastifyInstance, FastifyReply, FastifyRequest } from 'fastify';
import { createHmac, timingSafeEqual } from 'node:crypto';
import { open } from 'node:fs/promises';
import type { ServerResponse } from 'node:http';
import type { BlobInfo } from './blobs';
import type { EmulatorContext } from './context';
import { ApiError } from './errors';
import { ConnectionPacer, parseLinkShape, sleep, UNSHAPED, type LinkShape } from './linkShaping';

export const PACKAGE_URL_TTL = 900;
/** Archive URLs stay valid for 8 hours after the archive completed (contract §5). */
export const ARCHIVE_URL_VALID_MS = 8 * 3600 * 1000;

export type DownloadKind = 'packages' | 'archives' | 'logs';

function amzDate(ms: number): string {
  return new Date(ms).toISOString().replace(/[-:]/g, '').replace(/\.\d{3}/, '');
}

function parseAmzDate(text: string): number {
  const m = /^(\d{4})(\d{2})(\d{2})T(\d{2})(\d{2})(\d{2})Z$/.exec(text);
  return m ? Date.UTC(+m[1], +m[2] - 1, +m[3], +m[4], +m[5], +m[6]) : NaN;
}

function sign(secret: string, path: string, date: string, expires: string): string {
  return createHmac('sha256', secret).update(`${path}\n${date}\n${expires}`).digest('hex');
}

export function originOf(req: { headers: Record<string, unknown>; protocol: string }): string {
  const host = req.headers.host;
  return `${req.protocol}://${typeof host === 'string' ? host : '127.0.0.1'}`;
}

/** A presigned-looking URL valid from `issuedAt` until `expiresAt` (virtual ms). */
export function signedUrl(
  ctx: EmulatorContext,
  req: { headers: Record<string, unknown>; protocol: string },
  kind: DownloadKind,
  id: string,
  fileName: string,
  issuedAt: number,
  expiresAt: number,
): string {
  const path = `/_downloads/${kind}/${id}/${encodeURIComponent(fileName)}`;
  const date = amzDate(issuedAt);
  const expires = String(Math.max(1, Math.round((expiresAt - Math.floor(issuedAt / 1000) * 1000) / 1000)));
  const sig = sign(ctx.store.state.downloadSecret, path, date, expires);
  const q = new URLSearchParams({
    'X-Amz-Algorithm': 'AWS4-HMAC-SHA256',
    'X-Amz-Credential': `EMULATOR/${date.slice(0, 8)}/eu-central-1/s3/aws4_request`,
    'X-Amz-Date': date,
    'X-Amz-Expires': expires,
    'X-Amz-SignedHeaders': 'host',
    'X-Amz-Signature': sig,
  });
  return `${originOf(req)}${path}?${q.toString()}`;
}

type DownloadRequest = FastifyRequest<{ Params: { kind: string; id: string; file: string }; Querystring: Record<string, string | undefined> }>;

function verify(ctx: EmulatorContext, req: DownloadRequest): void {
  const path = req.url.split('?')[0];
  const date = req.query['X-Amz-Date'] ?? '';
  const expires = req.query['X-Amz-Expires'] ?? '';
  const given = Buffer.from(req.query['X-Amz-Signature'] ?? '', 'utf8');
  const want = Buffer.from(sign(ctx.store.state.downloadSecret, path, date, expires), 'utf8');
  if (given.length !== want.length || !timingSafeEqual(given, want)) {
    throw new ApiError(403, 'AccessDenied', 'The request signature we calculated does not match the signature you provided.');
  }
  const issued = parseAmzDate(date);
  if (!(ctx.store.now() <= issued + Number(expires) * 1000)) throw new ApiError(403, 'AccessDenied', 'Request has expired');
}

async function contentFor(ctx: EmulatorContext, kind: string, id: string): Promise<{ info: BlobInfo; type: string } | { text: string }> {
  const s = ctx.store.state;
  if (kind === 'packages') {
    const pkg = s.packages[id];
    if (pkg) return { info: await ctx.blobs.package(pkg), type: 'application/octet-stream' };
  } else if (kind === 'archives') {
    const archive = s.archives[id];
    if (archive?.state === 'completed') {
      const snap = s.snapshots[archive.snapshotId];
      const type = archive.dataType === 'database_only' ? 'application/octet-stream' : 'application/gzip';
      return { info: await ctx.blobs.archive(archive, snap?.modelVersion ?? null), type };
    }
  } else if (kind === 'logs') {
    const [envId, date] = id.split('~');
    const env = envId ? s.environments[envId] : undefined;
    if (env && date) {
      const lines = Array.from({ length: 50 }, (_, i) => `${date}T${String(i % 24).padStart(2, '0')}:00:00.000Z INFO - Core: ${env.name} heartbeat ${i}`);
      return { text: lines.join('\n') + '\n' };
    }
  }
  throw new ApiError(404, 'NoSuchKey', 'The specified key does not exist.');
}

interface ByteRange {
  start: number;
  end: number;
}

/** Parses one `bytes=` range; 'ignore' for syntax we do not honour (multi-range), 'unsatisfiable' for 416. */
export function parseRange(header: string, size: number): ByteRange | 'ignore' | 'unsatisfiable' {
  const m = /^bytes=(\d*)-(\d*)$/.exec(header.trim());
  if (!m || (m[1] === '' && m[2] === '')) return 'ignore';
  if (m[1] === '') {
    const suffix = Number(m[2]);
    if (suffix === 0) return 'unsatisfiable';
    return { start: Math.max(0, size - suffix), end: size - 1 };
  }
  const start = Number(m[1]);
  const end = m[2] === '' ? size - 1 : Math.min(Number(m[2]), size - 1);
  if (m[2] !== '' && Number(m[2]) < start) return 'ignore';
  if (start >= size) return 'unsatisfiable';
  return { start, end };
}

export async function serveFile(req: FastifyRequest, reply: FastifyReply, info: BlobInfo, type: string, link: LinkShape = UNSHAPED): Promise<void> {
  const etag = `"${info.sha256}"`;
  const headers: Record<string, string | number> = {
    'Content-Type': type,
    'Accept-Ranges': 'bytes',
    ETag: etag,
    'Content-Disposition': `attachment; filename="${info.fileName}"`,
  };
  let status = 200;
  let start = 0;
  let end = info.size - 1;
  const range = req.headers.range;
  const ifRange = req.headers['if-range'];
  if (range && (ifRange === undefined || ifRange === etag)) {
    const r = parseRange(range, info.size);
    if (r === 'unsatisfiable') {
      reply.code(416).header('Content-Range', `bytes */${info.size}`).header('Accept-Ranges', 'bytes').type('application/xml');
      await reply.send('<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>InvalidRange</Code><Message>The requested range is not satisfiable</Message></Error>');
      return;
    }
    if (r !== 'ignore') {
      status = 206;
      start = r.start;
      end = r.end;
      headers['Content-Range'] = `bytes ${start}-${end}/${info.size}`;
    }
  }
  headers['Content-Length'] = Math.max(0, end - start + 1);
  reply.hijack();
  if (link.latencyMs > 0) await sleep(link.latencyMs);
  const res = reply.raw;
  res.writeHead(status, headers);
  if (req.method === 'HEAD' || end < start) {
    res.end();
    return;
  }
  const cut = req.fault?.kind === 'reset' ? (req.fault.afterBytes ?? 0) : undefined;
  const last = cut !== undefined ? Math.min(end, start + cut - 1) : end;
  if (last < start) {
    res.socket?.destroy();
    return;
  }
  sending.add(res);
  try {
    await pump(info.path, start, last, res, link.mbps);
    if (cut !== undefined) res.socket?.destroy();
    else res.end();
  } catch {
    // The client went away mid-download: nothing to keep.
    res.destroy();
  } finally {
    sending.delete(res);
  }
}

const CHUNK = 1024 * 1024;

/** Download responses being sent, so `POST /_emulator/downloads/reset` can drop them all at once. */
const sending = new Set<ServerResponse>();

/**
 * Copies bytes [start, last] of a file to the response through two reused buffers: the next chunk is
 * read while the previous one is being written. No per-chunk allocation keeps RSS flat and the GC idle.
 */
async function pump(path: string, start: number, last: number, res: ServerResponse, mbps = 0): Promise<void> {
  // A write callback may never come once the client is gone, so every wait also ends on 'close'.
  const closed = new Promise<never>((_resolve, reject) => res.once('close', () => reject(new Error('client closed the connection'))));
  closed.catch(() => undefined);
  const fh = await open(path, 'r');
  const buffers = [takeBuffer(), takeBuffer()];
  const pacer = new ConnectionPacer(mbps);
  const chunkBytes = ConnectionPacer.chunkBytes(mbps, CHUNK);
  let clean = false;
  try {
    let writing: Promise<void> = Promise.resolve();
    let pos = start;
    for (let i = 0; pos <= last; i++) {
      const buf = buffers[i % 2];
      const { bytesRead } = await fh.read(buf, 0, Math.min(chunkBytes, last - pos + 1), pos);
      if (bytesRead === 0) throw new Error(`${path} is shorter than expected`);
      pos += bytesRead;
      await Promise.race([writing, closed]);
      if (res.destroyed) throw new Error('client closed the connection');
      const chunk = bytesRead === CHUNK ? buf : buf.subarray(0, bytesRead);
      writing = new Promise<void>((resolve, reject) => res.write(chunk, (err) => (err ? reject(err) : resolve())));
      writing.catch(() => undefined); // observed by the next race; this only keeps it from counting as unhandled
      await pacer.wait(bytesRead);
    }
    await Promise.race([writing, closed]);
    clean = true;
  } finally {
    await fh.close();
    // After an error a write may still hold a buffer, so only buffers from a finished copy are reused.
    if (clean) for (const b of buffers) giveBack(b);
  }
}

/** Chunk buffers shared by all downloads, so repeated downloads do not grow external memory. */
const pool: Buffer[] = [];
const POOL_MAX = 8;

function takeBuffer(): Buffer {
  return pool.pop() ?? Buffer.allocUnsafe(CHUNK);
}

function giveBack(buf: Buffer): void {
  if (pool.length < POOL_MAX) pool.push(buf);
}

export function registerDownloads(app: FastifyInstance, ctx: EmulatorContext): void {
  const handler = async (req: DownloadRequest, reply: FastifyReply): Promise<void> => {
    verify(ctx, req);
    const content = await contentFor(ctx, req.params.kind, req.params.id);
    if ('text' in content) {
      await reply.type('text/plain; charset=utf-8').send(content.text);
      return;
    }
    const shaped = req.params.kind === 'archives' || req.params.kind === 'packages';
    await serveFile(req, reply, content.info, content.type, shaped ? ctx.link : UNSHAPED);
  };
  app.route({ method: ['GET', 'HEAD'], url: '/_downloads/:kind/:id/:file', exposeHeadRoute: false, handler });
  // Drops every download connection in progress (a network blip), e.g. half-way through a parallel download.
  app.post('/_emulator/downloads/reset', () => {
    const n = sending.size;
    for (const res of sending) res.socket?.destroy();
    return { reset: n };
  });
  // The shaped link (benchmarks): `{"linkMbps": 200, "latencyMs": 50}`; zeros switch it off.
  app.get('/_emulator/link', () => ({ linkMbps: ctx.link.mbps, latencyMs: ctx.link.latencyMs }));
  app.post('/_emulator/link', (req) => {
    const b = (typeof req.body === 'object' && req.body !== null ? req.body : {}) as { linkMbps?: unknown; latencyMs?: unknown };
    try {
      ctx.link = parseLinkShape({ mbps: b.linkMbps, latencyMs: b.latencyMs }, ctx.link);
    } catch (e) {
      throw new ApiError(400, 'INVALID_PARAMETERS', e instanceof Error ? e.message : String(e));
    }
    return { linkMbps: ctx.link.mbps, latencyMs: ctx.link.latencyMs };
  });
}
