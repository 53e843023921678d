/**
 * DNS-over-HTTPS (RFC 8484): the same wire message, carried in an HTTPS POST body or a base64url
 * GET parameter. Used when a network blocks port 53 or a resolver is only reachable that way.
 */
import { request } from 'node:https';
import type { DecodedPacket } from 'dns-packet';
import { buildQuery, decodeResponse, DnsQueryError, guarded, rcodeOf, type WireOptions, type WireQuestion, type WireResponse } from './wire';

export interface DohOptions extends WireOptions {
  method?: 'POST' | 'GET';
  /** Extra trust anchors (PEM), e.g. a test CA. */
  ca?: string | Buffer;
}

const MEDIA_TYPE = 'application/dns-message';
const MAX_BODY = 65535;

export async function queryDoh(url: string, q: WireQuestion, opts: DohOptions): Promise<WireResponse> {
  const started = performance.now();
  // RFC 8484 §4.1: use ID 0 so equal questions give cache-friendly equal requests.
  const msg = buildQuery(q, 0, opts.udpPayloadSize);
  const method = opts.method ?? 'POST';
  const target = new URL(url);
  if (target.protocol !== 'https:') throw new DnsQueryError('unreachable', `DoH URL must use https: ${url}`);
  if (method === 'GET') target.searchParams.set('dns', msg.toString('base64url'));
  const what = `DoH ${target.host}`;
  const packet = await guarded<DecodedPacket>(opts, what, (resolve, reject) => {
    let answered = false;
    const req = request(
      target,
      {
        method,
        headers: method === 'POST' ? { 'content-type': MEDIA_TYPE, accept: MEDIA_TYPE, 'content-length': msg.length } : { accept: MEDIA_TYPE },
        ...(opts.ca === undefined ? {} : { ca: opts.ca }),
      },
      (res) => {
        const chunks: Buffer[] = [];
        let size = 0;
        res.on('data', (c: Buffer) => {
          size += c.length;
          if (size > MAX_BODY) {
            reject(new DnsQueryError('malformed', `${what}: answer larger than a DNS message`));
            return;
          }
          chunks.push(c);
        });
        res.on('end', () => {
          answered = true;
          const status = res.statusCode ?? 0;
          if (status !== 200) {
            reject(new DnsQueryError('unreachable', `${what}: HTTP ${status}`));
            return;
          }
          const type = String(res.headers['content-type'] ?? '');
          if (!type.startsWith(MEDIA_TYPE)) {
            reject(new DnsQueryError('malformed', `${what}: unexpected content-type "${type}"`));
            return;
          }
          try {
            resolve(decodeResponse(Buffer.concat(chunks)));
          } catch (e) {
            reject(e instanceof Error ? e : new Error(String(e)));
          }
        });
        res.on('error', (e) => reject(new DnsQueryError('unreachable', `${what}: ${e.message}`)));
      },
    );
    req.on('error', (e: NodeJS.ErrnoException) =>
      reject(new DnsQueryError('unreachable', `${what}: ${e.code === 'ECONNREFUSED' ? 'refused (nothing listens there)' : e.message}`)),
    );
    req.end(method === 'POST' ? msg : undefined);
    // A whole answer leaves the connection to the agent; anything else (timeout, abort, too large) drops it.
    return () => {
      if (!answered) req.destroy();
    };
  });
  return { packet, rcode: rcodeOf(packet), transport: 'doh', viaTcpFallback: false, latencyMs: performance.now() - started };
}
