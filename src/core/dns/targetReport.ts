/** Where a custom domain's chain must end: the target environment's own host, as the zones serve both. */
import { followChain, resolveAuthoritatively, type AuthoritativeAnswer, type AuthoritativeOptions } from './authoritative';
import { chainEnd, chainNames, chainReaches, endsAt, sharedName, type DnsRecord } from './records';
import type { TargetReport } from './propagation';

export interface TargetQuestion {
  domain: string;
  targetHost: string;
  expected: string | undefined;
  /** The domain's authoritative answer; its chain is completed here (the whole chain, as the zones serve it). */
  auth: AuthoritativeAnswer;
  authHop: DnsRecord[];
  /** What each resolver resolved the target host to, for when its own zone cannot be asked. */
  resolverTargets: { resolver: string; addresses?: string[] }[];
}

/**
 * Both ends as the zones serve them now, never a resolver's cached copy: the domain's whole chain
 * (through cname.mendix.net) and the target environment's own host name.
 */
export async function targetReport(q: TargetQuestion, opts: AuthoritativeOptions): Promise<TargetReport> {
  const { domain, targetHost, expected, auth } = q;
  const whole = auth.rcode === 'NOERROR' && q.authHop.length > 0 ? await resolveAuthoritatively(domain, opts, auth) : undefined;
  if (whole !== undefined) auth.chain = whole.chain;
  if (whole?.error !== undefined && chainEnd(domain, auth.chain).length === 0) {
    const followed = await followChain(auth.chain, opts);
    auth.chain = followed.chain;
    if (followed.via !== undefined) auth.chainFollowedVia = followed.via;
  }
  const host = await resolveAuthoritatively(targetHost, opts);
  const names = chainNames(targetHost, host.chain);
  const shared = sharedName(domain, auth.chain, names.length > 0 ? names : [targetHost]);
  let addresses = chainEnd(targetHost, host.chain);
  let error = host.error === undefined ? undefined : `target ${targetHost} at its zone: ${host.error}`;
  if (addresses.length === 0) {
    // The target's zone could not be asked: take what the resolvers agree on for it.
    const seen = q.resolverTargets.find((r) => r.addresses !== undefined && r.addresses.length > 0);
    if (seen?.addresses !== undefined) {
      addresses = seen.addresses;
      error = `${error ?? `target ${targetHost}`}; its addresses come from resolver ${seen.resolver}`;
    }
  }
  const end = chainEnd(domain, auth.chain);
  return {
    host: targetHost,
    addresses,
    chainEnd: end,
    cnameOk: expected === undefined || chainReaches(auth.chain, expected),
    endOk: shared !== undefined || endsAt(end, addresses),
    ...(shared === undefined ? {} : { sharedName: shared }),
    names: names.length > 0 ? names : [targetHost],
    sources: whole?.sources ?? [],
    ...(error === undefined && whole?.error === undefined ? {} : { error: [whole?.error, error].filter((x) => x !== undefined).join('; ') }),
  };
}
