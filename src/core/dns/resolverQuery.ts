/** Asks one resolver descriptor a question: its addresses in order (UDP/TCP), or its DoH endpoint. */
import type { DecodedPacket } from 'dns-packet';
import { queryDoh } from './doh';
import { formatEndpoint, parseEndpoint, type ResolverDescriptor } from './resolvers';
import { DnsQueryError, queryEndpoint, type DnsFailureKind, type WireQuestion } from './wire';

export interface ResolverQueryOptions {
  /** Per query (per address tried). */
  timeoutMs: number;
  signal?: AbortSignal;
  /** Use the resolver's DoH URL even when it has plain addresses. */
  preferDoh?: boolean;
  dohMethod?: 'POST' | 'GET';
  /** Extra trust anchors for DoH (PEM), e.g. a test CA. */
  dohCa?: string | Buffer;
}

export type ResolverAnswer =
  | {
      ok: true;
      packet: DecodedPacket;
      rcode: string;
      endpoint: string;
      transport: 'udp' | 'tcp' | 'doh';
      viaTcpFallback: boolean;
      latencyMs: number;
    }
  | ResolverFailure;

export interface ResolverFailure {
  ok: false;
  failure: DnsFailureKind;
  message: string;
  endpoint: string;
  latencyMs: number;
}

export async function askResolver(resolver: ResolverDescriptor, q: WireQuestion, opts: ResolverQueryOptions): Promise<ResolverAnswer> {
  const started = performance.now();
  const useDoh = resolver.doh !== undefined && (opts.preferDoh === true || resolver.addresses.length === 0);
  if (useDoh && resolver.doh !== undefined) {
    try {
      const r = await queryDoh(resolver.doh, q, { timeoutMs: opts.timeoutMs, signal: opts.signal, method: opts.dohMethod, ca: opts.dohCa });
      return { ok: true, packet: r.packet, rcode: r.rcode, endpoint: resolver.doh, transport: 'doh', viaTcpFallback: false, latencyMs: r.latencyMs };
    } catch (e) {
      return failure(e, resolver.doh, started);
    }
  }
  if (resolver.addresses.length === 0) {
    return { ok: false, failure: 'unreachable', message: `${resolver.name} has neither addresses nor a DoH URL`, endpoint: '', latencyMs: 0 };
  }
  let last: ResolverFailure | undefined;
  // Addresses are alternatives for the same service: move on only when one fails.
  for (const address of resolver.addresses) {
    let endpointText = address;
    try {
      const endpoint = parseEndpoint(address);
      endpointText = formatEndpoint(endpoint);
      const r = await queryEndpoint(endpoint, q, { timeoutMs: opts.timeoutMs, signal: opts.signal });
      return { ok: true, packet: r.packet, rcode: r.rcode, endpoint: endpointText, transport: r.transport, viaTcpFallback: r.viaTcpFallback, latencyMs: performance.now() - started };
    } catch (e) {
      last = failure(e, endpointText, started);
      if (last.failure === 'aborted') return last;
    }
  }
  return last ?? { ok: false, failure: 'unreachable', message: 'no address answered', endpoint: '', latencyMs: performance.now() - started };
}

function failure(e: unknown, endpoint: string, started: number): ResolverFailure {
  const latencyMs = performance.now() - started;
  if (e instanceof DnsQueryError) return { ok: false, failure: e.kind, message: e.message, endpoint, latencyMs };
  return { ok: false, failure: 'unreachable', message: e instanceof Error ? e.message : String(e), endpoint, latencyMs };
}
