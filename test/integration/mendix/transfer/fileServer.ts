/** A loopback server for one file with ETag, Range/206 and If-Range, plus scripted faults. */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  url: string;
  content: Buffer;
  sha256: string;
  etag: string;
  /** Requests seen: their Range / If-Range headers and the bytes sent. */
  log: { range?: string; ifRange?: string; status: number; sent: number; headers: http.IncomingHttpHeaders }[];
  /** Next requests drop the connection after this many body bytes (one entry per request). */
  dropAfter: number[];
  /** Next requests send this many body bytes and then go silent without closing (one entry per request). */
  stallAfter: number[];
  /** Next requests answer with these statuses instead (one entry per request). */
  statuses: { status: number; body?: string; headers?: Record<string, string> }[];
  replaceContent(content: Buffer): void;
  close(): Promise<void>;
}

export async function startFileServer(size = 3 * 1024 * 1024 + 17): Promise<FileServer> {
  const fs: FileServer = {
    url: '',
    content: randomBytes(size),
    sha256: '',
    etag: '',
    log: [],
    dropAfter: [],
    stallAfter: [],
    statuses: [],
    replaceContent(c) {
      fs.content = c;
      fs.sha256 = createHash('sha256').update(c).digest('hex');
      fs.etag = `"${fs.sha256.slice(0, 16)}"`;
    },
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  fs.replaceContent(fs.content);
  const server = http.createServer((req, res) => {
    const entry = { range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, status: 0, sent: 0, headers: req.headers };
    fs.log.push(entry);
    const scripted = fs.statuses.shift();
    if (scripted) {
      entry.status = scripted.status;
      res.writeHead(scripted.status, scripted.headers ?? {});
      res.end(scripted.body ?? '');
      return;
    }
    let start = 0;
    const m = /^bytes=(\d+)-$/.exec(entry.range ?? '');
    const rangeOk = m !== null && (entry.ifRange === undefined || entry.ifRange === fs.etag);
    if (m && rangeOk) start = Number(m[1]);
    if (start > fs.content.length) {
      entry.status = 416;
      res.writeHead(416, { 'Content-Range': `bytes */${fs.content.length}` });
      res.end();
      return;
    }
    const body = fs.content.subarray(start);
    const headers: Record<string, string> = { 'Content-Length': String(body.length), ETag: fs.etag, 'Accept-Ranges': 'bytes' };
    if (m && rangeOk) headers['Content-Range'] = `bytes ${start}-${fs.content.length - 1}/${fs.content.length}`;
    entry.status = m && rangeOk ? 206 : 200;
    res.writeHead(entry.status, headers);
    const stall = fs.stallAfter.shift();
    if (stall !== undefined) {
      entry.sent = stall;
      res.write(body.subarray(0, stall));
      return;
    }
    const drop = fs.dropAfter.shift();
    if (drop !== undefined) {
      entry.sent = drop;
      res.write(body.subarray(0, drop), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
    entry.sent = body.length;
    res.end(body);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  fs.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/_downloads/file.tar.gz?token=sig-secret-777`;
  return fs;
}
