/**
 * The authoritative answer: find the zone's name servers (through a resolver) and ask them
 * directly without recursion. This is the truth every resolver converges to once its cache expires.
 */
import { answersOf, authoritiesOf, chainPath, firstHop, negativeTtl, sameName, toFqdn, toRecords, type DnsRecord } from './records';
import { askResolver, type ResolverQueryOptions } from './resolverQuery';
import { formatEndpoint, parseEndpoint, type ResolverDescriptor } from './resolvers';
import { queryEndpoint, DnsQueryError } from './wire';

export interface NameServer {
  name: string;
  addresses: string[];
}

export interface ZoneDiscovery {
  zone: string;
  nameServers: NameServer[];
}

export interface AuthoritativeServerAnswer {
  server: string;
  rcode?: string;
  authoritativeFlag?: boolean;
  chain: DnsRecord[];
  /** Authority section: the SOA gives the zone and the negative-caching TTL. */
  authority: DnsRecord[];
  latencyMs: number;
  error?: string;
}

export interface AuthoritativeAnswer {
  source: 'discovered' | 'given';
  zone?: string;
  /** True when the domain is the zone apex itself, where a CNAME cannot exist. */
  isApex: boolean;
  /** The first server's answer that was authoritative (AA bit) or, failing that, any answer. */
  rcode?: string;
  chain: DnsRecord[];
  /** Full TTL of the records owned by the domain, as served by the zone. */
  ttl?: number;
  /** Negative-caching TTL when the name does not exist. */
  negativeTtl?: number;
  servers: AuthoritativeServerAnswer[];
  /** The zone's servers only know their own part of a CNAME chain; the rest came from this resolver. */
  chainFollowedVia?: string;
  /** Set when no server could be asked or none answered. */
  error?: string;
}

export interface AuthoritativeOptions extends ResolverQueryOptions {
  /** 'discover' (through `resolvers`) or explicit server addresses (ip, ip:port, [ipv6]:port). */
  authoritative: 'discover' | string[];
  /** Port used for discovered name-server addresses; 53 except in tests. */
  authoritativePort?: number;
  resolvers: readonly ResolverDescriptor[];
}

const MAX_DISCOVERY_RESOLVERS = 3;

/** Walks up from the domain until a name with its own NS records: that is the zone apex. */
export async function discoverZone(domain: string, opts: AuthoritativeOptions): Promise<ZoneDiscovery> {
  const labels = toFqdn(domain).slice(0, -1).split('.');
  const tried: string[] = [];
  for (const resolver of opts.resolvers.slice(0, MAX_DISCOVERY_RESOLVERS)) {
    let answeredAny = false;
    for (let i = 0; i < labels.length; i++) {
      const candidate = `${labels.slice(i).join('.')}.`;
      const r = await askResolver(resolver, { name: candidate, type: 'NS', recursionDesired: true }, opts);
      if (!r.ok) {
        tried.push(`${resolver.name}: ${r.message}`);
        if (r.failure === 'aborted') throw new DnsQueryError('aborted', 'zone discovery aborted');
        break;
      }
      answeredAny = true;
      const ns = answersOf(r.packet).filter((a) => a.type === 'NS' && sameName(a.name, candidate));
      if (ns.length === 0) continue;
      const glue = toRecords(r.packet.additionals);
      const nameServers: NameServer[] = [];
      for (const n of ns) {
        let addresses = glue.filter((g) => sameName(g.name, n.data) && (g.type === 'A' || g.type === 'AAAA')).map((g) => g.data);
        if (addresses.length === 0) addresses = await addressesOf(n.data, resolver, opts);
        nameServers.push({ name: n.data, addresses });
      }
      return { zone: candidate, nameServers };
    }
    if (answeredAny) break;
  }
  throw new Error(`could not find the name servers of ${toFqdn(domain)}${tried.length ? ` (${tried.join('; ')})` : ''}`);
}

async function addressesOf(name: string, resolver: ResolverDescriptor, opts: ResolverQueryOptions): Promise<string[]> {
  const out: string[] = [];
  for (const type of ['A', 'AAAA'] as const) {
    const r = await askResolver(resolver, { name, type, recursionDesired: true }, opts);
    if (r.ok) out.push(...answersOf(r.packet).filter((a) => a.type === type).map((a) => a.data));
  }
  return out;
}

/** Asks every authoritative server in parallel; the answer with the AA bit wins. */
export async function authoritativeAnswer(domain: string, opts: AuthoritativeOptions): Promise<AuthoritativeAnswer> {
  let servers: string[];
  let zone: string | undefined;
  const source = opts.authoritative === 'discover' ? 'discovered' : 'given';
  if (opts.authoritative === 'discover') {
    try {
      const found = await discoverZone(domain, opts);
      zone = found.zone;
      const port = opts.authoritativePort ?? 53;
      // One address per name server keeps this to one query per server.
      servers = found.nameServers.flatMap((n) => (n.addresses.length > 0 ? [formatEndpoint({ host: n.addresses[0], port })] : []));
    } catch (e) {
      return { source, isApex: false, chain: [], servers: [], error: e instanceof Error ? e.message : String(e) };
    }
  } else {
    servers = opts.authoritative;
  }
  if (servers.length === 0) return { source, zone, isApex: false, chain: [], servers: [], error: 'no authoritative server address known' };

  const answers = await Promise.all(servers.map((s) => askAuthoritative(s, domain, opts)));
  const best = answers.find((a) => a.error === undefined && a.authoritativeFlag === true) ?? answers.find((a) => a.error === undefined);
  const isApex = zone !== undefined && sameName(zone, domain);
  if (!best) return { source, zone, isApex, chain: [], servers: answers, error: answers.map((a) => a.error).join('; ') };
  const hop = firstHop(domain, best.chain);
  return {
    source,
    zone: zone ?? (await zoneFromServer(best, domain, opts)),
    isApex,
    rcode: best.rcode,
    chain: best.chain,
    ttl: hop.length > 0 ? Math.min(...hop.map((r) => r.ttl)) : undefined,
    negativeTtl: best.rcode === 'NXDOMAIN' ? negativeTtl(best.authority) : undefined,
    servers: answers,
  };
}

/** True when `zone` is the domain itself or one of its parents. */
function encloses(zone: string, domain: string): boolean {
  const z = toFqdn(zone);
  const d = toFqdn(domain);
  return z === '.' || d === z || d.endsWith(`.${z}`);
}

/**
 * The zone the domain lives in, as its given server sees it. The authority section of an answer that
 * followed a CNAME into another zone names that other zone (e.g. `cname.mendix.net.`), so only a
 * record that encloses the domain counts; failing that, the server is asked for the SOA of each parent.
 */
async function zoneFromServer(best: AuthoritativeServerAnswer, domain: string, opts: ResolverQueryOptions): Promise<string | undefined> {
  const fromAuthority = best.authority.find((r) => (r.type === 'SOA' || r.type === 'NS') && encloses(r.name, domain));
  if (fromAuthority) return fromAuthority.name;
  const labels = toFqdn(domain).slice(0, -1).split('.');
  try {
    const endpoint = parseEndpoint(best.server);
    for (let i = 0; i < labels.length - 1; i++) {
      const candidate = `${labels.slice(i).join('.')}.`;
      const r = await queryEndpoint(endpoint, { name: candidate, type: 'SOA', recursionDesired: false }, { timeoutMs: opts.timeoutMs, signal: opts.signal });
      if (answersOf(r.packet).some((a) => a.type === 'SOA' && sameName(a.name, candidate))) return candidate;
    }
  } catch {
    // The zone name is only a label; the answer itself stands without it.
  }
  return undefined;
}

const MAX_CHAIN = 8;

export interface AuthoritativeChain {
  /** The chain from the name to its addresses as the zones' own servers serve it. */
  chain: DnsRecord[];
  /** Which servers answered each hop ("zone @ server"). */
  sources: string[];
  /** Why the chain stops short, when it does. */
  error?: string;
}

/**
 * Resolves a name the way a resolver with an empty cache would, but asking the authoritative servers
 * of each zone on the way (the given ones first, else the discovered ones), so the answer is what the
 * zones serve now and not a resolver's cached copy. Used for both ends of a custom-domain move: the
 * domain's chain through `cname.mendix.net` and the target environment's own host name.
 */
export async function resolveAuthoritatively(name: string, opts: AuthoritativeOptions, first?: AuthoritativeAnswer): Promise<AuthoritativeChain> {
  let chain: DnsRecord[] = [];
  const sources: string[] = [];
  let owner = toFqdn(name);
  let answer = first;
  for (let i = 0; i < MAX_CHAIN; i++) {
    answer ??= await answerFromZone(owner, opts);
    const ok = answer.error === undefined && answer.rcode === 'NOERROR';
    if (!ok) return { chain, sources, error: `${owner}: ${answer.error ?? answer.rcode ?? 'no answer'}` };
    chain = [...chain, ...answer.chain.filter((a) => !chain.some((o) => sameName(o.name, a.name) && o.type === a.type && o.data === a.data))];
    sources.push(`${answer.zone ?? owner} @ ${answer.servers.find((s) => s.error === undefined)?.server ?? '?'}`);
    const hops = chainPath(name, chain);
    const last = hops[hops.length - 1] ?? [];
    const next = last.find((r) => r.type === 'CNAME');
    if (!next) return hops.length > 0 ? { chain, sources } : { chain, sources, error: `${owner}: no address or CNAME record` };
    owner = next.data;
    answer = undefined;
  }
  return { chain, sources, error: `more than ${MAX_CHAIN} CNAME hops` };
}

/** The name's own zone servers: the given ones when they are authoritative for it, else discovered. */
async function answerFromZone(name: string, opts: AuthoritativeOptions): Promise<AuthoritativeAnswer> {
  if (opts.authoritative !== 'discover') {
    const given = await authoritativeAnswer(name, opts);
    if (given.error === undefined && given.servers.some((s) => s.authoritativeFlag === true && s.error === undefined)) return given;
  }
  return authoritativeAnswer(name, { ...opts, authoritative: 'discover' });
}

/**
 * Completes a chain that leaves the zone (a CNAME whose target the answer does not cover) through the
 * first resolver. Called after the resolvers have answered, so no resolver has two queries in flight.
 */
export async function followChain(chain: DnsRecord[], opts: AuthoritativeOptions): Promise<{ chain: DnsRecord[]; via?: string }> {
  const resolver = opts.resolvers[0];
  let out = chain;
  let via: string | undefined;
  for (let i = 0; i < MAX_CHAIN && resolver; i++) {
    const dangling = out.find((r) => r.type === 'CNAME' && !out.some((o) => sameName(o.name, r.data)));
    if (!dangling) break;
    const r = await askResolver(resolver, { name: dangling.data, type: 'A', recursionDesired: true }, opts);
    if (!r.ok) break;
    const more = answersOf(r.packet).filter((a) => !out.some((o) => o.name === a.name && o.type === a.type && o.data === a.data));
    if (!more.some((a) => sameName(a.name, dangling.data))) break;
    out = [...out, ...more];
    via = resolver.name;
  }
  return { chain: out, via };
}

async function askAuthoritative(server: string, domain: string, opts: ResolverQueryOptions): Promise<AuthoritativeServerAnswer> {
  const started = performance.now();
  try {
    const endpoint = parseEndpoint(server);
    const r = await queryEndpoint(endpoint, { name: toFqdn(domain), type: 'A', recursionDesired: false }, { timeoutMs: opts.timeoutMs, signal: opts.signal });
    const out: AuthoritativeServerAnswer = {
      server: formatEndpoint(endpoint),
      rcode: r.rcode,
      authoritativeFlag: r.packet.flag_aa,
      chain: answersOf(r.packet),
      authority: authoritiesOf(r.packet),
      latencyMs: r.latencyMs,
    };
    if (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN') out.error = `${out.server} answered ${r.rcode}`;
    return out;
  } catch (e) {
    return { server, chain: [], authority: [], latencyMs: performance.now() - started, error: e instanceof Error ? e.message : String(e) };
  }
}
