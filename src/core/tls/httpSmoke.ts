/**
 * HTTP smoke test of the custom domain after the cutover: does plain HTTP redirect to HTTPS, what
 * does the final page answer, and how long it takes.
 */
import { request as httpRequest, type IncomingMessage } from 'node:http';
import { request as httpsRequest } from 'node:https';
import { lookup } from 'node:dns';
import { isIP, type LookupFunction } from 'node:net';

export interface HttpHop {
  url: string;
  status?: number;
  location?: string;
  latencyMs: number;
  error?: string;
}

export interface HttpSmokeReport {
  startUrl: string;
  hops: HttpHop[];
  finalUrl: string;
  finalStatus?: number;
  /** The plain-HTTP start was redirected to an https URL on the same host. */
  redirectsToHttps: boolean;
  /** Strict-Transport-Security header of the final HTTPS answer (Mendix sets one year). */
  hsts?: string;
  ok: boolean;
  latencyMs: number;
  problems: string[];
}

export interface HttpSmokeOptions {
  /** Trust anchors for HTTPS (PEM), e.g. a test CA. */
  ca?: string | Buffer | (string | Buffer)[];
  timeoutMs?: number;
  maxRedirects?: number;
  /** Connect to this address or host whatever the URL's host resolves to, like curl --resolve. */
  connectAddress?: string;
}

/** `domain` or a URL; a bare domain starts at http:// so the redirect to HTTPS is checked too. */
export async function httpSmoke(target: string, opts: HttpSmokeOptions = {}): Promise<HttpSmokeReport> {
  const startUrl = /^https?:\/\//i.test(target) ? target : `http://${target}/`;
  const hops: HttpHop[] = [];
  const problems: string[] = [];
  const started = performance.now();
  let url = startUrl;
  let final: IncomingMessage | undefined;
  const max = opts.maxRedirects ?? 5;
  for (let i = 0; i <= max; i++) {
    const hop = await fetchOnce(url, opts);
    hops.push(hop.hop);
    final = hop.response;
    if (hop.hop.error !== undefined || hop.hop.status === undefined) break;
    if (hop.hop.status >= 300 && hop.hop.status < 400 && hop.hop.location) {
      if (i === max) {
        problems.push(`More than ${max} redirects.`);
        break;
      }
      url = new URL(hop.hop.location, url).toString();
      continue;
    }
    break;
  }
  const first = hops[0];
  const startIsHttp = startUrl.toLowerCase().startsWith('http://');
  const redirectsToHttps =
    startIsHttp &&
    first?.status !== undefined &&
    first.status >= 300 &&
    first.status < 400 &&
    first.location !== undefined &&
    isHttpsOnSameHost(new URL(first.location, startUrl), new URL(startUrl));
  if (startIsHttp && !redirectsToHttps) problems.push('Plain HTTP is not redirected to HTTPS on the same host.');
  const last = hops[hops.length - 1];
  const finalStatus = last?.status;
  if (last?.error !== undefined) problems.push(`${last.url}: ${last.error}`);
  else if (finalStatus !== undefined && finalStatus >= 400) problems.push(`${last.url} answered HTTP ${finalStatus}.`);
  const finalUrl = last?.url ?? startUrl;
  const hstsHeader = final?.headers['strict-transport-security'];
  const hsts = finalUrl.startsWith('https:') && typeof hstsHeader === 'string' ? hstsHeader : undefined;
  const ok = problems.length === 0 && finalStatus !== undefined;
  return { startUrl, hops, finalUrl, finalStatus, redirectsToHttps, hsts, ok, latencyMs: Math.round((performance.now() - started) * 10) / 10, problems };
}

function isHttpsOnSameHost(to: URL, from: URL): boolean {
  return to.protocol === 'https:' && to.hostname.toLowerCase() === from.hostname.toLowerCase();
}

function fixedLookup(address: string): LookupFunction {
  // A host name (e.g. the Mendix endpoint) is resolved normally, only in place of the URL's host.
  if (isIP(address) === 0) return (_hostname, options, callback) => lookup(address, options, callback);
  const family = isIP(address);
  return (_hostname, options, callback) => {
    // Node asks with all: true when it races address families (autoSelectFamily).
    if (options.all === true) (callback as unknown as (e: null, a: { address: string; family: number }[]) => void)(null, [{ address, family }]);
    else callback(null, address, family);
  };
}

function fetchOnce(url: string, opts: HttpSmokeOptions): Promise<{ hop: HttpHop; response?: IncomingMessage }> {
  const started = performance.now();
  const u = new URL(url);
  const timeoutMs = opts.timeoutMs ?? 10_000;
  return new Promise((resolve) => {
    const done = (hop: Omit<HttpHop, 'latencyMs' | 'url'>, response?: IncomingMessage) =>
      resolve({ hop: { url, ...hop, latencyMs: Math.round((performance.now() - started) * 10) / 10 }, response });
    const common = {
      method: 'GET',
      headers: { 'user-agent': 'mendix-migrate-smoke/1', accept: '*/*' },
      ...(opts.connectAddress === undefined ? {} : { lookup: fixedLookup(opts.connectAddress) }),
    };
    const onResponse = (res: IncomingMessage) => {
      // Only the status matters; drain the body so the socket is released.
      res.resume();
      res.on('end', () => {
        const location = res.headers.location;
        done({ status: res.statusCode, ...(location === undefined ? {} : { location }) }, res);
      });
      res.on('error', (e) => done({ error: e.message }));
    };
    const req =
      u.protocol === 'https:'
        ? httpsRequest(u, { ...common, servername: u.hostname, ...(opts.ca === undefined ? {} : { ca: opts.ca }) }, onResponse)
        : httpRequest(u, common, onResponse);
    req.setTimeout(timeoutMs, () => {
      req.destroy(new Error(`no answer within ${timeoutMs} ms`));
    });
    req.on('error', (e) => done({ error: e.message }));
    req.end();
  });
}
