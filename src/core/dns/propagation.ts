/**
 * One propagation check: the authoritative answer and every resolver's cached answer, side by side,
 * with a percentage and an ETA (when the last old cached answer expires).
 */
import { authoritativeAnswer, followChain, type AuthoritativeAnswer } from './authoritative';
import { answersOf, authoritiesOf, chainReaches, describeChain, describeHop, firstHop, negativeTtl, toFqdn, type DnsRecord } from './records';
import { askResolver, type ResolverQueryOptions } from './resolverQuery';
import type { ResolverDescriptor } from './resolvers';
import type { RecordType } from 'dns-packet';
import type { Logger } from '../shared/logger';

export type ResolverStatus = 'matches' | 'old' | 'nxdomain' | 'servfail' | 'timeout' | 'unreachable';

export const RESOLVER_STATUSES: readonly ResolverStatus[] = ['matches', 'old', 'nxdomain', 'servfail', 'timeout', 'unreachable'];

export interface ResolverResult {
  name: string;
  operator: string;
  location: string;
  status: ResolverStatus;
  /** Address or DoH URL that answered (or the last one tried). */
  endpoint: string;
  transport?: 'udp' | 'tcp' | 'doh';
  viaTcpFallback?: boolean;
  rcode?: string;
  chain: DnsRecord[];
  /** What the resolver holds for the domain itself, e.g. "CNAME app.example.com.cname.mendix.net.". */
  value: string;
  /** Readable chain, e.g. "CNAME a. → A 192.0.2.1". */
  chainText: string;
  /** Seconds its cached answer (or cached NXDOMAIN) still lives. */
  remainingTtl?: number;
  /** ISO time when that cached answer expires. */
  expiresAt?: string;
  latencyMs: number;
  error?: string;
}

export interface AnswerGroup {
  status: ResolverStatus;
  value: string;
  resolvers: string[];
}

export interface PropagationReport {
  domain: string;
  expected?: string;
  checkedAt: string;
  authoritative: AuthoritativeAnswer & { status: ResolverStatus | 'unknown'; value: string; chainText: string };
  results: ResolverResult[];
  groups: AnswerGroup[];
  counts: Record<ResolverStatus, number>;
  /** Matching resolvers over those that answered at all (timeouts and unreachable ones excluded). */
  percentage: number;
  complete: boolean;
  /** When the last old cached answer expires; absent when it cannot be known. */
  eta?: string;
  etaSeconds?: number;
  /** Why the ETA is what it is, in words. */
  etaNote: string;
  warnings: string[];
  wallMs: number;
}

export interface PropagationOptions extends ResolverQueryOptions {
  domain: string;
  /** CNAME target (or address) the domain should reach; without it the authoritative answer is the target. */
  expected?: string;
  resolvers: readonly ResolverDescriptor[];
  authoritative: 'discover' | string[];
  authoritativePort?: number;
  /** The record type asked for; A gives the whole CNAME chain. */
  recordType?: RecordType;
  now?: () => Date;
  logger?: Logger;
}

export async function checkPropagation(opts: PropagationOptions): Promise<PropagationReport> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const domain = toFqdn(opts.domain);
  const type = opts.recordType ?? 'A';
  // The authoritative lookup and all resolvers run together: the slowest single path sets the wall time.
  const [auth, raw] = await Promise.all([
    authoritativeAnswer(domain, opts),
    Promise.all(opts.resolvers.map((r) => queryOne(r, domain, type, opts))),
  ]);
  const checkedAt = now();
  const authHop = firstHop(domain, auth.chain);
  const authValue = describeHop(authHop);
  const expected = opts.expected === undefined ? undefined : normalizeExpected(opts.expected);
  // Only when the zone's own answer does not already reach the expected target is the rest of the chain needed.
  if (expected !== undefined && auth.rcode === 'NOERROR' && authHop.length > 0 && !chainReaches(auth.chain, expected)) {
    const followed = await followChain(auth.chain, opts);
    auth.chain = followed.chain;
    if (followed.via !== undefined) auth.chainFollowedVia = followed.via;
  }

  const matches = (chain: DnsRecord[]): boolean => {
    if (expected !== undefined) return chainReaches(chain, expected);
    return authValue !== '' && describeHop(firstHop(domain, chain)) === authValue;
  };

  const authStatus: ResolverStatus | 'unknown' =
    auth.error !== undefined && auth.rcode === undefined
      ? 'unknown'
      : auth.rcode === 'NXDOMAIN'
        ? 'nxdomain'
        : auth.rcode !== undefined && auth.rcode !== 'NOERROR'
          ? 'servfail'
          : expected === undefined || matches(auth.chain)
            ? 'matches'
            : 'old';

  const results = raw.map((r) => classify(r, domain, matches, checkedAt));
  const counts = Object.fromEntries(RESOLVER_STATUSES.map((s) => [s, 0])) as Record<ResolverStatus, number>;
  for (const r of results) counts[r.status]++;
  const answered = results.length - counts.timeout - counts.unreachable;
  const percentage = answered === 0 ? 0 : Math.round((1000 * counts.matches) / answered) / 10;
  const authoritativeReady = authStatus === 'matches' || (authStatus === 'unknown' && expected !== undefined);
  const complete = answered > 0 && counts.matches === answered && authoritativeReady;

  const warnings: string[] = [];
  if (auth.isApex) warnings.push(`${domain} is the apex of its zone; a CNAME cannot live there. Use a sub-domain.`);
  if (auth.error !== undefined) warnings.push(`authoritative answer unavailable: ${auth.error}`);
  if (expected === undefined && authStatus === 'unknown') warnings.push('without an expected value or an authoritative answer, no resolver can be called up to date');
  const unanswered = counts.timeout + counts.unreachable;
  if (unanswered > 0) warnings.push(`${unanswered} resolver(s) did not answer and are left out of the percentage`);

  const eta = estimate(results, authStatus, complete, checkedAt);
  const log = opts.logger?.child('dns');
  for (const r of results) if (r.error !== undefined) log?.debug(`${r.name} (${r.endpoint}): ${r.status}: ${r.error}`);
  log?.info(`${domain} ${percentage} % (${counts.matches}/${answered}); authoritative ${authStatus}; ${eta.etaNote}`);
  return {
    domain,
    expected,
    checkedAt: checkedAt.toISOString(),
    authoritative: { ...auth, status: authStatus, value: authValue, chainText: describeChain(domain, auth.chain) },
    results,
    groups: groupResults(results),
    counts,
    percentage,
    complete,
    ...eta,
    warnings,
    wallMs: performance.now() - started,
  };
}

function normalizeExpected(e: string): string {
  const t = e.trim().toLowerCase();
  return t.includes(':') || /^\d+(\.\d+){3}$/.test(t) ? t : toFqdn(t);
}

type RawResult = { resolver: ResolverDescriptor; answer: Awaited<ReturnType<typeof askResolver>> };

async function queryOne(resolver: ResolverDescriptor, domain: string, type: RecordType, opts: ResolverQueryOptions): Promise<RawResult> {
  let answer = await askResolver(resolver, { name: domain, type, recursionDesired: true }, opts);
  // A resolver may fail to resolve the far end of a chain (SERVFAIL) while it does hold the domain's
  // own CNAME; asking for the CNAME alone still shows what it has cached for the domain.
  if (answer.ok && answer.rcode === 'SERVFAIL' && type !== 'CNAME' && answersOf(answer.packet).length === 0) {
    const again = await askResolver(resolver, { name: domain, type: 'CNAME', recursionDesired: true }, opts);
    if (again.ok && again.rcode === 'NOERROR' && answersOf(again.packet).length > 0) answer = again;
  }
  return { resolver, answer };
}

function classify(raw: RawResult, domain: string, matches: (chain: DnsRecord[]) => boolean, at: Date): ResolverResult {
  const { resolver, answer } = raw;
  const base = { name: resolver.name, operator: resolver.operator, location: resolver.location, endpoint: answer.endpoint, latencyMs: round(answer.latencyMs) };
  if (!answer.ok) {
    // An aborted check says nothing about the resolver; it is shown as a timeout.
    const status: ResolverStatus = answer.failure === 'unreachable' ? 'unreachable' : 'timeout';
    return { ...base, status, chain: [], value: '', chainText: '', error: answer.message };
  }
  const chain = answersOf(answer.packet);
  const hop = firstHop(domain, chain);
  const common = {
    ...base,
    transport: answer.transport,
    viaTcpFallback: answer.viaTcpFallback,
    rcode: answer.rcode,
    chain,
    value: describeHop(hop),
    chainText: describeChain(domain, chain),
  };
  // When the domain's own records are present the rcode only concerns the far end of the chain.
  if (hop.length > 0) {
    const ttl = Math.min(...hop.map((r) => r.ttl));
    return { ...common, status: matches(chain) ? 'matches' : 'old', ...expiry(ttl, at) };
  }
  if (answer.rcode === 'NXDOMAIN') {
    const ttl = negativeTtl(authoritiesOf(answer.packet));
    return { ...common, status: 'nxdomain', ...(ttl === undefined ? {} : expiry(ttl, at)) };
  }
  if (answer.rcode === 'NOERROR') {
    // NODATA: the name exists without the record type we asked; cached like a negative answer.
    const ttl = negativeTtl(authoritiesOf(answer.packet));
    return { ...common, status: 'old', value: '(no record)', ...(ttl === undefined ? {} : expiry(ttl, at)) };
  }
  return { ...common, status: 'servfail', error: `answered ${answer.rcode}` };
}

function expiry(ttl: number, at: Date): { remainingTtl: number; expiresAt: string } {
  return { remainingTtl: ttl, expiresAt: new Date(at.getTime() + ttl * 1000).toISOString() };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

function groupResults(results: ResolverResult[]): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  for (const r of results) {
    const key = `${r.status}\u0000${r.value}`;
    const g = groups.get(key) ?? { status: r.status, value: r.value, resolvers: [] };
    g.resolvers.push(r.name);
    groups.set(key, g);
  }
  const order = (s: ResolverStatus) => RESOLVER_STATUSES.indexOf(s);
  return [...groups.values()].sort((a, b) => order(a.status) - order(b.status) || b.resolvers.length - a.resolvers.length);
}

/** ETA = check time + the longest remaining TTL among resolvers that still hold an old or negative answer. */
function estimate(
  results: ResolverResult[],
  authStatus: ResolverStatus | 'unknown',
  complete: boolean,
  at: Date,
): Pick<PropagationReport, 'eta' | 'etaSeconds' | 'etaNote'> {
  if (complete) return { eta: at.toISOString(), etaSeconds: 0, etaNote: 'every answering resolver has the new value' };
  if (authStatus === 'old' || authStatus === 'nxdomain') {
    return { etaNote: 'the authoritative servers do not serve the expected value yet: change the record at your DNS provider first' };
  }
  if (authStatus === 'servfail') return { etaNote: 'the authoritative servers fail to answer; fix the zone first' };
  const waiting = results.filter((r) => r.status === 'old' || r.status === 'nxdomain');
  const unknown = waiting.filter((r) => r.remainingTtl === undefined);
  const servfail = results.filter((r) => r.status === 'servfail');
  if (waiting.length === 0 && servfail.length > 0) return { etaNote: `${servfail.length} resolver(s) answer SERVFAIL; no TTL to wait for` };
  if (waiting.length === 0 || unknown.length === waiting.length) return { etaNote: 'no cached TTL to wait for' };
  const longest = Math.max(...waiting.map((r) => r.remainingTtl ?? 0));
  const note = `old answers expire from caches within ${longest} s` + (unknown.length > 0 ? `; ${unknown.length} resolver(s) without a TTL are not counted` : '');
  return { eta: new Date(at.getTime() + longest * 1000).toISOString(), etaSeconds: longest, etaNote: note };
}
