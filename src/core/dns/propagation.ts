/**
 * One propagation check: the authoritative answer and every resolver's cached answer, side by side,
 * with a percentage and an ETA (when the last old cached answer expires).
 *
 * A custom domain on Mendix Cloud points at `<domain>.cname.mendix.net`, the same string before and
 * after a move between nodes: the switch happens inside Mendix's zone. So with the target
 * environment's own host name (`targetHost`) a resolver is up to date only when the chain ends at that
 * host's addresses (as the same resolver resolves them), and, with `expected`, also passes through the
 * expected CNAME target.
 */
import { authoritativeAnswer, followChain, type AuthoritativeAnswer } from './authoritative';
import { targetReport } from './targetReport';
import { answersOf, authoritiesOf, chainEnd, chainNames, chainPath, chainReaches, describeChain, describeHop, endsAt, firstHop, negativeTtl, sharedName, toFqdn, type DnsRecord } from './records';
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
  /** With a target host: the addresses this resolver's chain ends at, and the target's addresses as it resolves them. */
  end?: string[];
  targetAddresses?: string[];
}

/** Where the chain must end: the target environment's own host name and what the zones serve for both. */
export interface TargetReport {
  host: string;
  /** The target host's addresses as its zone serves them (sorted). */
  addresses: string[];
  /** Where the domain's chain ends as the zones serve it now (sorted). */
  chainEnd: string[];
  /** The zone-served chain passes through the expected CNAME target (true when none is expected). */
  cnameOk: boolean;
  /** The zone-served chain ends at the target's addresses, or passes through a name of the target's chain. */
  endOk: boolean;
  /** A name both chains pass through (the target host or e.g. a load balancer), when there is one. */
  sharedName?: string;
  /** The names on the target host's chain, the host first. */
  names: string[];
  /** Zones and servers that gave the domain's chain, hop by hop. */
  sources: string[];
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
  /** Present when a target host was given: the chain-end judgement. */
  target?: TargetReport;
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
  /**
   * The target environment's own host name (e.g. `myapp.mendixcloud.com`): resolvers match only when
   * the domain's chain ends at its addresses. Without it only the CNAME is judged.
   */
  targetHost?: string;
  now?: () => Date;
  logger?: Logger;
}

export async function checkPropagation(opts: PropagationOptions): Promise<PropagationReport> {
  const started = performance.now();
  const now = opts.now ?? (() => new Date());
  const domain = toFqdn(opts.domain);
  const type = opts.recordType ?? 'A';
  const targetHost = opts.targetHost === undefined || opts.targetHost.trim() === '' ? undefined : toFqdn(opts.targetHost);
  // The authoritative lookup and all resolvers run together: the slowest single path sets the wall time.
  const [auth, raw] = await Promise.all([
    authoritativeAnswer(domain, opts),
    Promise.all(opts.resolvers.map((r) => queryOne(r, domain, type, opts, targetHost))),
  ]);
  const checkedAt = now();
  const authHop = firstHop(domain, auth.chain);
  const authValue = describeHop(authHop);
  const expected = opts.expected === undefined ? undefined : normalizeExpected(opts.expected);
  let target: TargetReport | undefined;
  if (targetHost !== undefined) {
    const resolverTargets = raw.map((r) => ({ resolver: r.resolver.name, addresses: r.targetAddresses }));
    target = await targetReport({ domain, targetHost, expected, auth, authHop, resolverTargets }, opts);
  } else if (expected !== undefined && auth.rcode === 'NOERROR' && authHop.length > 0 && !chainReaches(auth.chain, expected)) {
    // Only when the zone's own answer does not already reach the expected target is the rest of the chain needed.
    const followed = await followChain(auth.chain, opts);
    auth.chain = followed.chain;
    if (followed.via !== undefined) auth.chainFollowedVia = followed.via;
  }

  const matches = (chain: DnsRecord[], targetAddresses?: string[], targetNames?: string[]): boolean => {
    if (target !== undefined) {
      const cnameOk = expected === undefined || chainReaches(chain, expected);
      const wanted = targetAddresses !== undefined && targetAddresses.length > 0 ? targetAddresses : target.addresses;
      const names = [...target.names, ...(targetNames ?? [])];
      return cnameOk && (sharedName(domain, chain, names) !== undefined || endsAt(chainEnd(domain, chain), wanted));
    }
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
          : (expected === undefined && target === undefined) || matches(auth.chain)
            ? 'matches'
            : 'old';

  const truth = auth.rcode === 'NOERROR' ? auth.chain : undefined;
  const results = raw.map((r) => classify(r, domain, matches, checkedAt, target !== undefined, truth));
  const counts = Object.fromEntries(RESOLVER_STATUSES.map((s) => [s, 0])) as Record<ResolverStatus, number>;
  for (const r of results) counts[r.status]++;
  const answered = results.length - counts.timeout - counts.unreachable;
  const percentage = answered === 0 ? 0 : Math.round((1000 * counts.matches) / answered) / 10;
  const authoritativeReady = authStatus === 'matches' || (authStatus === 'unknown' && expected !== undefined && target === undefined);
  const complete = answered > 0 && counts.matches === answered && authoritativeReady;

  const warnings = propagationWarnings(domain, auth, authStatus, expected, target, results, counts.timeout + counts.unreachable);

  const eta = estimate(results, authStatus, complete, checkedAt, target, expected);
  const log = opts.logger?.child('dns');
  for (const r of results) if (r.error !== undefined) log?.debug(`${r.name} (${r.endpoint}): ${r.status}: ${r.error}`);
  log?.info(`${domain} ${percentage} % (${counts.matches}/${answered}); authoritative ${authStatus}; ${eta.etaNote}`);
  return {
    domain,
    expected,
    checkedAt: checkedAt.toISOString(),
    authoritative: { ...auth, status: authStatus, value: authValue, chainText: describeChain(domain, auth.chain) },
    ...(target === undefined ? {} : { target }),
    results,
    groups: groupResults(results, target !== undefined),
    counts,
    percentage,
    complete,
    ...eta,
    warnings,
    wallMs: performance.now() - started,
  };
}

function propagationWarnings(
  domain: string,
  auth: AuthoritativeAnswer,
  authStatus: ResolverStatus | 'unknown',
  expected: string | undefined,
  target: TargetReport | undefined,
  results: readonly ResolverResult[],
  unanswered: number,
): string[] {
  const warnings: string[] = [];
  if (auth.isApex) warnings.push(`${domain} is the apex of its zone; a CNAME cannot live there. Use a sub-domain.`);
  if (auth.error !== undefined) warnings.push(`authoritative answer unavailable: ${auth.error}`);
  if (expected === undefined && authStatus === 'unknown') warnings.push('without an expected value or an authoritative answer, no resolver can be called up to date');
  if (unanswered > 0) warnings.push(`${unanswered} resolver(s) did not answer and are left out of the percentage`);
  if (target !== undefined && target.addresses.length === 0) {
    warnings.push(`the target environment's host name ${target.host} did not resolve${target.error ? ` (${target.error})` : ''}: where the chain must end is unknown, so no resolver can be called up to date`);
  }
  for (const r of results) {
    if (r.status === 'timeout' && r.value !== '') warnings.push(`${r.name} timed out on the full chain but holds ${r.value} for the domain`);
  }
  return warnings;
}

function normalizeExpected(e: string): string {
  const t = e.trim().toLowerCase();
  return t.includes(':') || /^\d+(\.\d+){3}$/.test(t) ? t : toFqdn(t);
}

type Answer = Awaited<ReturnType<typeof askResolver>>;
type RawResult = {
  resolver: ResolverDescriptor;
  answer: Answer;
  /** Set when the full-chain question failed and the CNAME alone was asked instead. */
  cnameOnly?: { failure: string; answer: Answer & { ok: true } };
  /** The target host's addresses, and the names on its chain, as this resolver resolves them (with a target host). */
  targetAddresses?: string[];
  targetNames?: string[];
};

const CNAME_RETRY_TIMEOUT_MS = 1000;

async function queryOne(resolver: ResolverDescriptor, domain: string, type: RecordType, opts: ResolverQueryOptions, targetHost?: string): Promise<RawResult> {
  let answer = await askResolver(resolver, { name: domain, type, recursionDesired: true }, opts);
  let cnameOnly: RawResult['cnameOnly'];
  // A resolver chasing an unreachable far end of the chain answers SERVFAIL or nothing in time while it
  // does hold the domain's own CNAME; asking for the CNAME alone still shows what it has cached.
  const failedChain = answer.ok ? answer.rcode === 'SERVFAIL' && answersOf(answer.packet).length === 0 : answer.failure !== 'aborted';
  if (failedChain && type !== 'CNAME') {
    // A resolver holding the CNAME answers it from its cache at once; a dead one should not cost a second full timeout.
    const again = await askResolver(resolver, { name: domain, type: 'CNAME', recursionDesired: true }, { ...opts, timeoutMs: Math.min(opts.timeoutMs, CNAME_RETRY_TIMEOUT_MS) });
    if (again.ok && again.rcode === 'NOERROR' && answersOf(again.packet).length > 0) {
      if (answer.ok) answer = again;
      else cnameOnly = { failure: answer.message, answer: again };
    }
  }
  let target: Pick<RawResult, 'targetAddresses' | 'targetNames'> = {};
  if (targetHost !== undefined && !opts.signal?.aborted) {
    const t = await askResolver(resolver, { name: targetHost, type: 'A', recursionDesired: true }, opts);
    if (t.ok && t.rcode === 'NOERROR') target = { targetAddresses: chainEnd(targetHost, answersOf(t.packet)), targetNames: chainNames(targetHost, answersOf(t.packet)) };
  }
  return { resolver, answer, ...(cnameOnly ? { cnameOnly } : {}), ...target };
}

function classify(
  raw: RawResult,
  domain: string,
  matches: (chain: DnsRecord[], targetAddresses?: string[], targetNames?: string[]) => boolean,
  at: Date,
  judgeEnd: boolean,
  truth: DnsRecord[] | undefined,
): ResolverResult {
  const { resolver, answer } = raw;
  const base = { name: resolver.name, operator: resolver.operator, location: resolver.location, endpoint: answer.endpoint, latencyMs: round(answer.latencyMs) };
  if (!answer.ok) {
    // An aborted check says nothing about the resolver; it is shown as a timeout.
    const status: ResolverStatus = answer.failure === 'unreachable' ? 'unreachable' : 'timeout';
    const held = raw.cnameOnly?.answer;
    if (held !== undefined) {
      const chain = answersOf(held.packet);
      const hop = firstHop(domain, chain);
      const common = { ...base, transport: held.transport, viaTcpFallback: held.viaTcpFallback, rcode: held.rcode, chain, value: describeHop(hop), chainText: describeChain(domain, chain) };
      // The CNAME alone says nothing about where the chain ends: judged only when the CNAME is all that is asked.
      if (!judgeEnd && hop.length > 0) return { ...common, status: matches(chain) ? 'matches' : 'old', ...expiry(Math.min(...hop.map((r) => r.ttl)), at), error: `full chain: ${answer.message}; answered the CNAME question` };
      return { ...common, status, error: `${answer.message}; holds ${common.value || 'no CNAME'} for the domain` };
    }
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
    const ok = matches(chain, raw.targetAddresses, raw.targetNames);
    // An old answer changes when the first record that differs from the zones' own expires: the
    // customer's CNAME, or (when that stays) Mendix's record further down the chain.
    const ttl = (ok ? undefined : staleTtl(domain, chain, truth)) ?? Math.min(...hop.map((r) => r.ttl));
    const ends = judgeEnd ? { end: chainEnd(domain, chain), ...(raw.targetAddresses ? { targetAddresses: raw.targetAddresses } : {}) } : {};
    return { ...common, status: ok ? 'matches' : 'old', ...expiry(ttl, at), ...ends };
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

/** Remaining TTL of the first hop where the resolver's chain differs from the zones' own chain. */
function staleTtl(domain: string, chain: DnsRecord[], truth: DnsRecord[] | undefined): number | undefined {
  if (truth === undefined) return undefined;
  const mine = chainPath(domain, chain);
  const theirs = chainPath(domain, truth);
  for (let i = 0; i < mine.length; i++) {
    const t = theirs[i];
    if (t === undefined) return undefined;
    if (describeHop(mine[i]) !== describeHop(t)) return Math.min(...mine[i].map((r) => r.ttl));
  }
  return undefined;
}

function expiry(ttl: number, at: Date): { remainingTtl: number; expiresAt: string } {
  return { remainingTtl: ttl, expiresAt: new Date(at.getTime() + ttl * 1000).toISOString() };
}

function round(ms: number): number {
  return Math.round(ms * 10) / 10;
}

/** Groups by the domain's own record or, when the chain end is judged, by the whole chain. */
function groupResults(results: ResolverResult[], byChain: boolean): AnswerGroup[] {
  const groups = new Map<string, AnswerGroup>();
  for (const r of results) {
    const value = byChain ? r.chainText || r.value : r.value;
    const key = `${r.status}\u0000${value}`;
    const g = groups.get(key) ?? { status: r.status, value, resolvers: [] };
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
  target: TargetReport | undefined,
  expected: string | undefined,
): Pick<PropagationReport, 'eta' | 'etaSeconds' | 'etaNote'> {
  if (complete) return { eta: at.toISOString(), etaSeconds: 0, etaNote: 'every answering resolver has the new value' };
  if (authStatus === 'old' && target !== undefined) {
    if (!target.cnameOk) return { etaNote: `the zone's CNAME does not lead to ${expected ?? 'the expected target'} yet: change the record at your DNS provider first` };
    if (target.addresses.length === 0) return { etaNote: `where the chain must end is unknown: ${target.host} did not resolve` };
    return {
      etaNote:
        `Mendix's record still ends at ${target.chainEnd.join(', ') || 'no address'}, not at the target environment ${target.host} (${target.addresses.join(', ')}): ` +
        'bind the domain to the target environment in the portal (after removing it from the source)',
    };
  }
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
