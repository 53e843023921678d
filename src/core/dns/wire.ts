/**
 * DNS over UDP (with EDNS0) and TCP, one query at a time, using dns-packet for the wire format.
 * A truncated UDP answer (TC bit) is repeated over TCP, as resolvers expect.
 */
import { createSocket } from 'node:dgram';
import { randomInt } from 'node:crypto';
import { connect } from 'node:net';
import { isIP } from 'node:net';
import * as dnsPacket from 'dns-packet';
import type { DecodedPacket, RecordType } from 'dns-packet';
import type { ResolverEndpoint } from './resolvers';

export type DnsFailureKind = 'timeout' | 'unreachable' | 'aborted' | 'malformed';

/** A query that got no usable answer: the kind decides the per-resolver status. */
export class DnsQueryError extends Error {
  constructor(
    readonly kind: DnsFailureKind,
    message: string,
  ) {
    super(message);
    this.name = 'DnsQueryError';
  }
}

export interface WireQuestion {
  name: string;
  type: RecordType;
  /** False when asking an authoritative server directly. */
  recursionDesired: boolean;
}

export interface WireResponse {
  packet: DecodedPacket;
  /** NOERROR, NXDOMAIN, SERVFAIL, REFUSED, ... */
  rcode: string;
  transport: 'udp' | 'tcp' | 'doh';
  /** True when the UDP answer was truncated and the TCP retry gave this one. */
  viaTcpFallback: boolean;
  latencyMs: number;
}

export interface WireOptions {
  timeoutMs: number;
  signal?: AbortSignal;
  /** EDNS0 UDP payload size we advertise; 1232 avoids IP fragmentation (DNS flag day 2020). */
  udpPayloadSize?: number;
}

const DEFAULT_PAYLOAD = 1232;

export function buildQuery(q: WireQuestion, id: number, udpPayloadSize = DEFAULT_PAYLOAD): Buffer {
  return dnsPacket.encode({
    type: 'query',
    id,
    flags: q.recursionDesired ? dnsPacket.RECURSION_DESIRED : 0,
    questions: [{ type: q.type, name: q.name, class: 'IN' }],
    additionals: [{ type: 'OPT', name: '.', udpPayloadSize, extendedRcode: 0, ednsVersion: 0, flags: 0, flag_do: false, options: [] }],
  });
}

/** dns-packet decodes the rcode but its typings omit it. */
export function rcodeOf(p: DecodedPacket): string {
  const r = (p as DecodedPacket & { rcode?: unknown }).rcode;
  return typeof r === 'string' ? r : 'NOERROR';
}

export function decodeResponse(buf: Buffer): DecodedPacket {
  try {
    return dnsPacket.decode(buf);
  } catch (e) {
    throw new DnsQueryError('malformed', `malformed DNS response: ${e instanceof Error ? e.message : String(e)}`);
  }
}

function sameQuestion(p: DecodedPacket, q: WireQuestion): boolean {
  const got = p.questions?.[0];
  // A response without a question section is allowed (some servers on errors); otherwise it must echo ours.
  return got === undefined || (got.name.toLowerCase() === q.name.replace(/\.$/, '').toLowerCase() && got.type === q.type);
}

/** Asks one endpoint over UDP and retries over TCP when the answer is truncated. */
export async function queryEndpoint(endpoint: ResolverEndpoint, q: WireQuestion, opts: WireOptions): Promise<WireResponse> {
  const started = performance.now();
  const deadline = started + opts.timeoutMs;
  const udp = await queryUdp(endpoint, q, opts);
  if (!udp.flag_tc) {
    return { packet: udp, rcode: rcodeOf(udp), transport: 'udp', viaTcpFallback: false, latencyMs: performance.now() - started };
  }
  const remaining = Math.max(1, deadline - performance.now());
  const tcp = await queryTcp(endpoint, q, { ...opts, timeoutMs: remaining });
  return { packet: tcp, rcode: rcodeOf(tcp), transport: 'tcp', viaTcpFallback: true, latencyMs: performance.now() - started };
}

/**
 * Races work against the timeout and the abort signal: the first of answer, failure, timeout or
 * abort settles the promise, and the cleanup `start` returned always runs.
 */
export function guarded<T>(
  opts: WireOptions,
  what: string,
  start: (resolve: (v: T) => void, reject: (e: Error) => void) => () => void,
): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    if (opts.signal?.aborted) {
      reject(new DnsQueryError('aborted', `${what}: aborted`));
      return;
    }
    let done = false;
    let cleanup: () => void = () => undefined;
    const finish = (fn: () => void) => {
      if (done) return;
      done = true;
      clearTimeout(timer);
      opts.signal?.removeEventListener('abort', onAbort);
      cleanup();
      fn();
    };
    const onAbort = () => finish(() => reject(new DnsQueryError('aborted', `${what}: aborted`)));
    const timer = setTimeout(() => finish(() => reject(new DnsQueryError('timeout', `${what}: no answer within ${opts.timeoutMs} ms`))), opts.timeoutMs);
    opts.signal?.addEventListener('abort', onAbort, { once: true });
    cleanup = start(
      (v) => finish(() => resolve(v)),
      (e) => finish(() => reject(e)),
    );
  });
}

export function queryUdp(endpoint: ResolverEndpoint, q: WireQuestion, opts: WireOptions): Promise<DecodedPacket> {
  const id = randomInt(0, 0x10000);
  const msg = buildQuery(q, id, opts.udpPayloadSize);
  const what = `UDP ${endpoint.host}:${endpoint.port}`;
  return guarded<DecodedPacket>(opts, what, (resolve, reject) => {
    const socket = createSocket(isIP(endpoint.host) === 6 ? 'udp6' : 'udp4');
    socket.on('error', (e: NodeJS.ErrnoException) => reject(classifySocketError(e, what)));
    socket.on('message', (buf) => {
      let p: DecodedPacket;
      try {
        p = decodeResponse(buf);
      } catch {
        return; // not ours or garbage: keep waiting for the real answer until the timeout
      }
      if (p.id !== id || !sameQuestion(p, q)) return;
      resolve(p);
    });
    // A connected socket turns an ICMP port-unreachable into ECONNREFUSED instead of a silent timeout.
    socket.connect(endpoint.port, endpoint.host, () => {
      socket.send(msg, (err) => {
        if (err) reject(classifySocketError(err, what));
      });
    });
    return () => {
      socket.removeAllListeners('message');
      socket.on('error', () => undefined);
      try {
        socket.close();
      } catch {
        // already closed
      }
    };
  });
}

export function queryTcp(endpoint: ResolverEndpoint, q: WireQuestion, opts: WireOptions): Promise<DecodedPacket> {
  const id = randomInt(0, 0x10000);
  const msg = buildQuery(q, id, opts.udpPayloadSize);
  const framed = Buffer.concat([Buffer.from([msg.length >> 8, msg.length & 0xff]), msg]);
  const what = `TCP ${endpoint.host}:${endpoint.port}`;
  return guarded<DecodedPacket>(opts, what, (resolve, reject) => {
    const socket = connect({ host: endpoint.host, port: endpoint.port });
    let buffered = Buffer.alloc(0);
    socket.on('connect', () => socket.write(framed));
    socket.on('error', (e: NodeJS.ErrnoException) => reject(classifySocketError(e, what)));
    socket.on('data', (chunk: Buffer) => {
      buffered = Buffer.concat([buffered, chunk]);
      while (buffered.length >= 2) {
        const len = buffered.readUInt16BE(0);
        if (buffered.length < 2 + len) return;
        const frame = buffered.subarray(2, 2 + len);
        buffered = buffered.subarray(2 + len);
        try {
          const p = decodeResponse(frame);
          if (p.id === id && sameQuestion(p, q)) {
            resolve(p);
            return;
          }
        } catch (e) {
          reject(e instanceof Error ? e : new Error(String(e)));
          return;
        }
      }
    });
    socket.on('end', () => reject(new DnsQueryError('unreachable', `${what}: closed before answering`)));
    return () => {
      socket.removeAllListeners('data');
      socket.on('error', () => undefined);
      socket.destroy();
    };
  });
}

const UNREACHABLE_CODES = new Set(['ECONNREFUSED', 'EHOSTUNREACH', 'ENETUNREACH', 'ECONNRESET', 'EADDRNOTAVAIL', 'EAFNOSUPPORT', 'EPIPE']);

function classifySocketError(e: NodeJS.ErrnoException, what: string): DnsQueryError {
  if (e instanceof DnsQueryError) return e;
  const code = e.code ?? '';
  if (UNREACHABLE_CODES.has(code)) return new DnsQueryError('unreachable', `${what}: ${code === 'ECONNREFUSED' ? 'refused (nothing listens there)' : code}`);
  if (code === 'ETIMEDOUT') return new DnsQueryError('timeout', `${what}: ${code}`);
  return new DnsQueryError('unreachable', `${what}: ${e.message}`);
}
