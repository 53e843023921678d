/** A loopback server for one file with ETag, Range/206 (`a-` and `a-b`) and If-Range, plus scripted faults. */
import { createHash, randomBytes } from 'node:crypto';
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface FileServer {
  url: string;
  content: Buffer;
  sha256: string;
  etag: string;
  /** Requests seen: their Range / If-Range headers and the bytes sent. */
  log: { range?: string; ifRange?: string; status: number; start: number; sent: number; headers: http.IncomingHttpHeaders }[];
  /** Next requests drop the connection after this many body bytes (one entry per request). */
  dropAfter: number[];
  /** Next requests send this many body bytes and then go silent without closing (one entry per request). */
  stallAfter: number[];
  /** Drop the first request whose range starts at `start` after `after` body bytes (each entry once). */
  dropRange: { start: number; after: number }[];
  /** Every request goes silent after its headers (and its first byte) until this is set back to false. */
  stallAll: boolean;
  /** False: ignore Range and always send the whole file (a server without range support). */
  ranges: boolean;
  /** Next requests answer with these statuses instead (one entry per request). */
  statuses: { status: number; body?: string; headers?: Record<string, string> }[];
  replaceContent(content: Buffer): void;
  /** Connections the server still holds open. */
  openConnections(): Promise<number>;
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
    ranges: true,
    dropRange: [],
    stallAll: false,
    replaceContent(c) {
      fs.content = c;
      fs.sha256 = createHash('sha256').update(c).digest('hex');
      fs.etag = `"${fs.sha256.slice(0, 16)}"`;
    },
    openConnections: () => new Promise<number>((resolve, reject) => server.getConnections((err, n) => (err ? reject(err) : resolve(n)))),
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
  fs.replaceContent(fs.content);
  const server = http.createServer((req, res) => {
    const entry = { range: req.headers.range, ifRange: req.headers['if-range'] as string | undefined, status: 0, start: 0, sent: 0, headers: req.headers };
    fs.log.push(entry);
    const scripted = fs.statuses.shift();
    if (scripted) {
      entry.status = scripted.status;
      res.writeHead(scripted.status, scripted.headers ?? {});
      res.end(scripted.body ?? '');
      return;
    }
    const size = fs.content.length;
    let start = 0;
    let end = size - 1;
    const m = fs.ranges ? /^bytes=(\d+)-(\d*)$/.exec(entry.range ?? '') : null;
    const rangeOk = m !== null && (entry.ifRange === undefined || entry.ifRange === fs.etag);
    if (m && rangeOk) {
      start = Number(m[1]);
      if (m[2] !== '') end = Math.min(end, Number(m[2]));
    }
    if (m && rangeOk && start >= size) {
      entry.status = 416;
      res.writeHead(416, { 'Content-Range': `bytes */${size}` });
      res.end();
      return;
    }
    entry.start = start;
    const body = fs.content.subarray(start, end + 1);
    const headers: Record<string, string> = { 'Content-Length': String(body.length), ETag: fs.etag };
    if (fs.ranges) headers['Accept-Ranges'] = 'bytes';
    if (m && rangeOk) headers['Content-Range'] = `bytes ${start}-${end}/${size}`;
    entry.status = m && rangeOk ? 206 : 200;
    res.writeHead(entry.status, headers);
    if (fs.stallAll) {
      res.write(body.subarray(0, 1));
      return;
    }
    const targeted = fs.dropRange.findIndex((d) => d.start === start);
    if (targeted >= 0) {
      const [d] = fs.dropRange.splice(targeted, 1);
      entry.sent = d.after;
      res.write(body.subarray(0, d.after), () => setTimeout(() => res.socket?.destroy(), 5));
      return;
    }
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
