/**
 * An in-process DNS server on loopback (UDP and TCP on the same port) for unit tests and the bench.
 * Each test scripts the answers with a handler; the server records what it was asked.
 */
import { createSocket, type Socket } from 'node:dgram';
import { createServer, type Server, type Socket as TcpSocket } from 'node:net';
import { createServer as createHttpsServer, type Server as HttpsServer } from 'node:https';
import type { AddressInfo } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { Answer, DecodedPacket, Question } from 'dns-packet';

export type FakeRcode = 'NOERROR' | 'SERVFAIL' | 'NXDOMAIN' | 'REFUSED';
const RCODE: Record<FakeRcode, number> = { NOERROR: 0, SERVFAIL: 2, NXDOMAIN: 3, REFUSED: 5 };

export interface FakeReply {
  rcode?: FakeRcode;
  answers?: Answer[];
  authorities?: Answer[];
  additionals?: Answer[];
  authoritative?: boolean;
  /** UDP only: answer with the TC bit and no records, so the client must retry over TCP. */
  truncateUdp?: boolean;
  delayMs?: number;
  /** Never answer: the client times out. */
  drop?: boolean;
}

export type FakeTransport = 'udp' | 'tcp' | 'doh';

export interface SeenQuery {
  name: string;
  type: string;
  transport: FakeTransport;
  recursionDesired: boolean;
  hasOpt: boolean;
  id: number;
}

export type FakeHandler = (q: Question, transport: FakeTransport) => FakeReply | Promise<FakeReply>;

export interface FakeDnsServer {
  host: string;
  port: number;
  /** "host:port" for resolver descriptors. */
  address: string;
  seen: SeenQuery[];
  setHandler(h: FakeHandler): void;
  close(): Promise<void>;
}

export function encodeReply(query: DecodedPacket, reply: FakeReply, truncated: boolean): Buffer {
  const flags =
    (query.flags ?? 0) & dnsPacket.RECURSION_DESIRED |
    dnsPacket.RECURSION_AVAILABLE |
    (reply.authoritative ? dnsPacket.AUTHORITATIVE_ANSWER : 0) |
    (truncated ? dnsPacket.TRUNCATED_RESPONSE : 0) |
    RCODE[reply.rcode ?? 'NOERROR'];
  return dnsPacket.encode({
    type: 'response',
    id: query.id,
    flags,
    questions: query.questions,
    answers: truncated ? [] : (reply.answers ?? []),
    authorities: truncated ? [] : (reply.authorities ?? []),
    additionals: truncated ? [] : (reply.additionals ?? []),
  });
}

function seenOf(p: DecodedPacket, transport: FakeTransport): SeenQuery {
  const q = p.questions?.[0];
  return {
    name: q?.name ?? '',
    type: q?.type ?? '',
    transport,
    recursionDesired: p.flag_rd,
    hasOpt: (p.additionals ?? []).some((a) => a.type === 'OPT'),
    id: p.id ?? 0,
  };
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/** Answers a decoded query with the handler, after the scripted delay; undefined means "drop". */
export async function replyFor(handler: FakeHandler, query: DecodedPacket, transport: FakeTransport): Promise<Buffer | undefined> {
  const q = query.questions?.[0];
  if (!q) return undefined;
  const reply = await handler(q, transport);
  if (reply.delayMs) await sleep(reply.delayMs);
  if (reply.drop) return undefined;
  return encodeReply(query, reply, transport === 'udp' && reply.truncateUdp === true);
}

export async function startFakeDnsServer(handler: FakeHandler, host = '127.0.0.1'): Promise<FakeDnsServer> {
  let current = handler;
  const seen: SeenQuery[] = [];
  // Bind UDP on a free port, then TCP on the same one; retry on the rare clash.
  for (let attempt = 0; attempt < 20; attempt++) {
    const udp = createSocket('udp4');
    await new Promise<void>((resolve, reject) => {
      udp.once('error', reject);
      udp.bind(0, host, () => resolve());
    });
    const port = udp.address().port;
    const tcp = createServer();
    const ok = await new Promise<boolean>((resolve) => {
      tcp.once('error', () => resolve(false));
      tcp.listen(port, host, () => resolve(true));
    });
    if (!ok) {
      udp.close();
      continue;
    }
    wireUdp(udp, () => current, seen);
    wireTcp(tcp, () => current, seen);
    return {
      host,
      port,
      address: `${host}:${port}`,
      seen,
      setHandler: (h) => {
        current = h;
      },
      close: () => closeBoth(udp, tcp),
    };
  }
  throw new Error('no free port pair for the fake DNS server');
}

function wireUdp(udp: Socket, handler: () => FakeHandler, seen: SeenQuery[]): void {
  udp.on('message', (msg, rinfo) => {
    let p: DecodedPacket;
    try {
      p = dnsPacket.decode(msg);
    } catch {
      return;
    }
    seen.push(seenOf(p, 'udp'));
    void replyFor(handler(), p, 'udp').then((out) => {
      if (out) udp.send(out, rinfo.port, rinfo.address, () => undefined);
    });
  });
}

const openSockets = new WeakMap<Server, Set<TcpSocket>>();

function wireTcp(tcp: Server, handler: () => FakeHandler, seen: SeenQuery[]): void {
  const sockets = new Set<TcpSocket>();
  openSockets.set(tcp, sockets);
  tcp.on('connection', (sock) => {
    sockets.add(sock);
    sock.on('close', () => sockets.delete(sock));
    let buf = Buffer.alloc(0);
    sock.on('error', () => undefined);
    sock.on('data', (chunk: Buffer) => {
      buf = Buffer.concat([buf, chunk]);
      while (buf.length >= 2 && buf.length >= 2 + buf.readUInt16BE(0)) {
        const len = buf.readUInt16BE(0);
        const p = dnsPacket.decode(buf.subarray(2, 2 + len));
        buf = buf.subarray(2 + len);
        seen.push(seenOf(p, 'tcp'));
        void replyFor(handler(), p, 'tcp').then((out) => {
          if (out && !sock.destroyed) sock.write(Buffer.concat([Buffer.from([out.length >> 8, out.length & 0xff]), out]));
        });
      }
    });
  });
}

async function closeBoth(udp: Socket, tcp: Server): Promise<void> {
  await new Promise<void>((r) => udp.close(() => r()));
  for (const s of openSockets.get(tcp) ?? []) s.destroy();
  await new Promise<void>((r) => tcp.close(() => r()));
}

export interface FakeDohServer {
  url: string;
  seen: SeenQuery[];
  methods: string[];
  close(): Promise<void>;
}

/** RFC 8484 endpoint at /dns-query (POST body or GET ?dns=) over HTTPS with the given key/cert. */
export async function startFakeDohServer(handler: FakeHandler, tls: { key: string; cert: string }): Promise<FakeDohServer> {
  const seen: SeenQuery[] = [];
  const methods: string[] = [];
  const server: HttpsServer = createHttpsServer({ key: tls.key, cert: tls.cert }, (req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const url = new URL(req.url ?? '/', 'https://localhost');
      methods.push(req.method ?? '');
      let wire: Buffer | undefined;
      if (url.pathname !== '/dns-query') {
        res.writeHead(404).end();
        return;
      }
      if (req.method === 'POST' && req.headers['content-type'] === 'application/dns-message') wire = Buffer.concat(chunks);
      if (req.method === 'GET' && url.searchParams.has('dns')) wire = Buffer.from(url.searchParams.get('dns') ?? '', 'base64url');
      if (!wire) {
        res.writeHead(400).end();
        return;
      }
      const p = dnsPacket.decode(wire);
      seen.push(seenOf(p, 'doh'));
      void replyFor(handler, p, 'doh').then((out) => {
        if (!out) return; // leave the request hanging: the client times out
        res.writeHead(200, { 'content-type': 'application/dns-message', 'content-length': out.length }).end(out);
      });
    });
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  const port = (server.address() as AddressInfo).port;
  return {
    url: `https://localhost:${port}/dns-query`,
    seen,
    methods,
    close: async () => {
      server.closeAllConnections();
      await new Promise<void>((r) => server.close(() => r()));
    },
  };
}

/** Record builders keep the tests short. */
export const rr = {
  cname: (name: string, data: string, ttl = 300): Answer => ({ type: 'CNAME', name, ttl, data }),
  a: (name: string, data: string, ttl = 300): Answer => ({ type: 'A', name, ttl, data }),
  ns: (name: string, data: string, ttl = 3600): Answer => ({ type: 'NS', name, ttl, data }),
  soa: (zone: string, ttl = 300, minimum = 60): Answer => ({
    type: 'SOA',
    name: zone,
    ttl,
    data: { mname: `ns1.${zone}`, rname: `hostmaster.${zone}`, serial: 1, refresh: 3600, retry: 600, expire: 86400, minimum },
  }),
  caa: (name: string, tag: 'issue' | 'issuewild' | 'iodef', value: string, flags = 0): Answer => ({ type: 'CAA', name, ttl: 300, data: { flags, tag, value } }),
};
