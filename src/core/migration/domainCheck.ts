/**
 * The migration's custom-domain check over the DNS and TLS modules: the zone's own answer must lead to
 * `<domain>.cname.mendix.net`; with the target environment's host name the chain must also end at that
 * host's addresses (the switch happens inside `cname.mendix.net`, mendix-api §14.13); its TTL matters
 * only where the customer's record must change; and, with the Certificate API or an endpoint, the
 * certificate is checked (§14.9). The public resolvers' share already answering the new way is reported.
 */
import { validateCustomDomain } from '../dns/domain';
import { checkPropagation } from '../dns/propagation';
import { DEFAULT_PUBLIC_RESOLVERS, type ResolverDescriptor } from '../dns/resolvers';
import { checkCustomDomainCertificate, type CertificateLister } from './centralCertificate';
import type { TlsCheckOptions, TlsReport } from '../tls/tlsCheck';
import type { DomainCheck } from '../mendix/services';

export interface DnsDomainCheckOptions {
  resolvers?: readonly ResolverDescriptor[];
  /** The zone's servers ("host:port"); by default they are discovered. */
  authoritative?: string[];
  /** Port of discovered name servers; 53 except in test labs. */
  authoritativePort?: number;
  timeoutMs?: number;
  /** The Certificate API (needs a Mendix Admin's PAT); without it the certificate is judged by TLS alone. */
  certificates?: CertificateLister;
  /** Trust anchors for the TLS check of the target endpoint (a test CA); the system roots otherwise. */
  tlsCa?: string | Buffer;
  /** Port of the target endpoint for the TLS check; 443 by default. */
  tlsPort?: number;
  /** Injected in tests. */
  tlsCheck?: (opts: TlsCheckOptions) => Promise<TlsReport>;
  /** With a target, the certificate is checked too unless this is false. */
  checkCertificate?: boolean;
}

/** Where the domain must end up: the target environment's own host name. */
export interface DomainTarget {
  host: string;
}

export function dnsDomainCheck(opts: DnsDomainCheckOptions = {}): (domain: string, target?: DomainTarget) => Promise<DomainCheck> {
  return async (domain, target) => {
    const v = validateCustomDomain(domain);
    if (!v.ok) return { cnameOk: false, detail: v.message };
    const r = await checkPropagation({
      domain: v.domain,
      expected: v.expectedTarget,
      targetHost: target?.host,
      resolvers: opts.resolvers ?? DEFAULT_PUBLIC_RESOLVERS,
      authoritative: opts.authoritative ?? 'discover',
      authoritativePort: opts.authoritativePort,
      timeoutMs: opts.timeoutMs ?? 3000,
    });
    const cnameOk = r.target?.cnameOk ?? r.authoritative.status === 'matches';
    const parts = [
      `${v.domain}: zone answers ${r.authoritative.value || 'nothing'} (${cnameOk ? 'points at' : 'should point at'} ${v.expectedTarget})`,
      // Which case it is decides whether the TTL advice applies (§14.13).
      cnameOk
        ? "nothing changes in your zone: the switch happens in Mendix's record when the domain is bound to the target"
        : r.authoritative.ttl === undefined
          ? 'your record must change: set it with a TTL of 300 s, a few days ahead if it already exists elsewhere'
          : `your record must change: lower its TTL (now ${r.authoritative.ttl} s) to 300 s a few days ahead`,
    ];
    const out: DomainCheck = { cnameOk, ttlSeconds: r.authoritative.ttl, propagatedPercent: r.percentage, detail: '' };
    if (r.target !== undefined) {
      out.chainEndOk = r.target.endOk;
      parts.push(
        r.target.endOk
          ? `the chain ends at the target ${r.target.host} (${r.target.addresses.join(', ')})`
          : `the chain ends at ${r.target.chainEnd.join(', ') || 'no address'}, not at the target ${r.target.host} (${r.target.addresses.join(', ') || 'unresolved'})`,
      );
    }
    parts.push(`${Math.round(r.percentage)} % of resolvers ${r.target ? 'end at the target' : 'agree'}${r.etaNote ? `; ${r.etaNote}` : ''}`);
    if (target !== undefined && opts.checkCertificate !== false) {
      const cert = await checkCustomDomainCertificate(v.domain, {
        certificates: opts.certificates,
        endpoint: { host: target.host.replace(/\.$/, ''), port: opts.tlsPort, ca: opts.tlsCa },
        tlsCheck: opts.tlsCheck,
      });
      // An endpoint that cannot be reached leaves the certificate unchecked (said so), not failed.
      if (!cert.unreachable) out.certificateOk = cert.ok;
      parts.push(cert.unreachable ? `certificate not checked (the target endpoint could not be reached): ${cert.detail}` : `certificate: ${cert.detail}`);
    }
    out.detail = parts.join('; ');
    return out;
  };
}
