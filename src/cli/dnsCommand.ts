/** `mendix-migrate dns <domain>`: per-resolver propagation of the custom domain's CNAME. */
import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { checkCaa } from '../core/dns/caa';
import { validateCustomDomain } from '../core/dns/domain';
import { checkPropagation, type PropagationOptions, type PropagationReport } from '../core/dns/propagation';
import { DEFAULT_PUBLIC_RESOLVERS, parseEndpoint, resolverFromAddress, type ResolverDescriptor } from '../core/dns/resolvers';
import { watchPropagation } from '../core/dns/watch';
import { httpSmoke } from '../core/tls/httpSmoke';
import { checkTls } from '../core/tls/tlsCheck';
import { UsageError, type CliIo, type SubCommand } from './command';
import { formatCaa, formatHttp, formatPropagation, formatTls } from './dnsTable';

const USAGE = `Usage: mendix-migrate dns <domain> [options]

Checks whether the custom domain's CNAME has reached the public resolvers and, with --target,
whether the chain ends at the target environment (a move inside cname.mendix.net changes nothing in
your zone: only where Mendix's record ends).

Options:
  --expect <target>        Expected CNAME target (default: <domain>.cname.mendix.net.)
  --target <host>          The target environment's own host name (e.g. myapp.mendixcloud.com): resolvers
                           count as up to date only when the chain ends at its addresses
  --resolver <ip[:port]>   Ask this resolver instead of the public list (repeatable)
  --authoritative <ip[:port]>  Ask this authoritative server instead of discovering the zone's NS (repeatable)
  --authoritative-port <n> Port for discovered name servers (default 53; for test labs)
  --doh                    Use DNS-over-HTTPS where a resolver offers it
  --timeout <ms>           Per-query timeout (default 3000)
  --caa                    Also report CAA records that could block certificate issuance
  --tls                    Also check TLS with SNI = the domain: protocol ≥ 1.2, chain, SAN, expiry
  --http                   Also run an HTTP smoke test: redirect to HTTPS, status, latency
  --connect <host[:port]>  For --tls/--http: connect here instead of the domain (e.g. the new endpoint before the DNS change)
  --ca <file>              For --tls/--http: trust this PEM bundle instead of the system roots
  --watch                  Repeat until fully propagated (Ctrl+C stops)
  --interval <ms>          Shortest pause between checks in watch mode (default 2000)
  --max-interval <ms>      Longest pause between checks in watch mode (default 60000)
  --json                   Machine-readable output (one JSON object per check)

Exit codes: 0 fully propagated, 1 not yet, 2 bad input.`;

/** A whole number from 1 to `max` (ms or a port; a timer beyond 2^31 ms would fire at once). */
function positiveInt(value: string | undefined, flag: string, fallback: number, max: number): number {
  if (value === undefined) return fallback;
  const n = Number(value);
  if (!Number.isInteger(n) || n <= 0 || n > max) throw new UsageError(`${flag} needs a whole number from 1 to ${max}, got "${value}"`);
  return n;
}

const OPTIONS = {
  expect: { type: 'string' },
  target: { type: 'string' },
  resolver: { type: 'string', multiple: true },
  authoritative: { type: 'string', multiple: true },
  'authoritative-port': { type: 'string' },
  doh: { type: 'boolean', default: false },
  timeout: { type: 'string' },
  caa: { type: 'boolean', default: false },
  tls: { type: 'boolean', default: false },
  http: { type: 'boolean', default: false },
  connect: { type: 'string' },
  ca: { type: 'string' },
  watch: { type: 'boolean', default: false },
  interval: { type: 'string' },
  'max-interval': { type: 'string' },
  json: { type: 'boolean', default: false },
} as const;

function parseDnsArgs(args: string[]) {
  try {
    return parseArgs({ args, allowPositionals: true, options: OPTIONS });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

type DnsValues = ReturnType<typeof parseDnsArgs>['values'];

/** --tls and --http: the endpoint as a browser would reach it; true when every check asked for passed. */
async function endpointChecks(values: DnsValues, domain: string, io: CliIo): Promise<boolean> {
  let endpointOk = true;
  const ca = values.ca === undefined ? undefined : readPem(values.ca);
  const connect = values.connect === undefined ? undefined : splitHostPort(values.connect);
  if (values.tls) {
    const tls = await checkTls({ host: connect?.host ?? domain, port: connect?.port, servername: domain, ca });
    io.out(values.json ? JSON.stringify({ tls }) : formatTls(tls) + '\n');
    endpointOk &&= tls.ok;
  }
  if (values.http) {
    const http = await httpSmoke(domain, { ca, connectAddress: connect?.host });
    io.out(values.json ? JSON.stringify({ http }) : formatHttp(http) + '\n');
    endpointOk &&= http.ok;
  }
  return endpointOk;
}

async function run(args: string[], io: CliIo): Promise<number> {
  const { values, positionals } = parseDnsArgs(args);
  if (positionals.length !== 1) throw new UsageError(positionals.length === 0 ? 'Give the custom domain to check.' : `Give exactly one domain, got: ${positionals.join(' ')}`);
  const domain = validateCustomDomain(positionals[0]);
  if (!domain.ok) throw new UsageError(domain.message);

  let resolvers: ResolverDescriptor[];
  let authoritative: string[] | 'discover' = 'discover';
  try {
    resolvers = values.resolver?.length ? values.resolver.map((r) => resolverFromAddress(r)) : [...DEFAULT_PUBLIC_RESOLVERS];
    if (values.authoritative?.length) {
      // Parse early so a typo is a usage error (exit 2), not a failed check.
      for (const a of values.authoritative) parseEndpoint(a);
      authoritative = values.authoritative;
    }
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
  const opts: PropagationOptions = {
    domain: domain.domain,
    expected: values.expect ?? domain.expectedTarget,
    targetHost: targetHostOf(values.target),
    resolvers,
    authoritative,
    authoritativePort: positiveInt(values['authoritative-port'], '--authoritative-port', 53, 65_535),
    timeoutMs: positiveInt(values.timeout, '--timeout', 3000, 60_000),
    preferDoh: values.doh,
    signal: io.signal,
  };

  if (values.caa) {
    const caa = await checkCaa(domain.domain, { resolvers, timeoutMs: opts.timeoutMs, signal: io.signal, preferDoh: values.doh });
    io.out(values.json ? JSON.stringify({ caa }) : formatCaa(caa) + '\n');
  }

  const endpointOk = values.tls || values.http ? await endpointChecks(values, domain.domain, io) : true;

  const print = (r: PropagationReport) => io.out(values.json ? JSON.stringify(r) : formatPropagation(r) + '\n');
  if (!values.watch) {
    const report = await checkPropagation(opts);
    print(report);
    return report.complete && endpointOk ? 0 : 1;
  }
  let last: PropagationReport | undefined;
  for await (const report of watchPropagation({
    ...opts,
    minIntervalMs: positiveInt(values.interval, '--interval', 2000, 3_600_000),
    maxIntervalMs: positiveInt(values['max-interval'], '--max-interval', 60_000, 3_600_000),
  })) {
    last = report;
    print(report);
  }
  return last?.complete === true && endpointOk ? 0 : 1;
}

function targetHostOf(value: string | undefined): string | undefined {
  if (value === undefined) return undefined;
  // Accept the environment URL as the portal shows it.
  const host = value.trim().replace(/^https?:\/\//i, '').replace(/[/:].*$/, '');
  if (!/^([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}\.?$/i.test(host)) throw new UsageError(`--target needs the target environment's host name, got "${value}"`);
  return host;
}

function readPem(file: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (e) {
    throw new UsageError(`--ca: cannot read ${file}: ${e instanceof Error ? e.message : String(e)}`);
  }
}

/** "host", "host:port", "ip:port" or "[ipv6]:port". */
function splitHostPort(text: string): { host: string; port?: number } {
  const m = /^\[([^\]]+)\](?::(\d+))?$/.exec(text) ?? /^([^:]+)(?::(\d+))?$/.exec(text);
  if (!m) return { host: text };
  if (m[2] === undefined) return { host: m[1] };
  return { host: m[1], port: positiveInt(m[2], '--connect port', 443, 65_535) };
}

export const dnsCommand: SubCommand = { name: 'dns', summary: 'Check DNS propagation of a custom domain (CNAME to Mendix Cloud)', usage: USAGE, run };
