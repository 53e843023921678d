/**
 * The migration's custom-domain check over the DNS module: the zone's own answer must lead to
 * `<domain>.cname.mendix.net`, its TTL should be 300 s or less well before the cutover, and the public
 * resolvers' share already answering with the new target is reported.
 */
import { validateCustomDomain } from '../dns/domain';
import { checkPropagation } from '../dns/propagation';
import { DEFAULT_PUBLIC_RESOLVERS, type ResolverDescriptor } from '../dns/resolvers';
import type { DomainCheck } from '../mendix/services';

export interface DnsDomainCheckOptions {
  resolvers?: readonly ResolverDescriptor[];
  /** The zone's servers ("host:port"); by default they are discovered. */
  authoritative?: string[];
  timeoutMs?: number;
}

export function dnsDomainCheck(opts: DnsDomainCheckOptions = {}): (domain: string) => Promise<DomainCheck> {
  return async (domain) => {
    const v = validateCustomDomain(domain);
    if (!v.ok) return { cnameOk: false, detail: v.message };
    const r = await checkPropagation({
      domain: v.domain,
      expected: v.expectedTarget,
      resolvers: opts.resolvers ?? DEFAULT_PUBLIC_RESOLVERS,
      authoritative: opts.authoritative ?? 'discover',
      timeoutMs: opts.timeoutMs ?? 3000,
    });
    const cnameOk = r.authoritative.status === 'matches';
    return {
      cnameOk,
      ttlSeconds: r.authoritative.ttl,
      propagatedPercent: r.percentage,
      detail: `${v.domain}: zone answers ${r.authoritative.value || 'nothing'} (${cnameOk ? 'points at' : 'should point at'} ${v.expectedTarget}), ${Math.round(r.percentage)} % of resolvers agree${r.etaNote ? `; ${r.etaNote}` : ''}`,
    };
  };
}
