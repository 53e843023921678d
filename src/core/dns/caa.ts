/**
 * CAA check (RFC 8659): the closest CAA record set at or above the domain says which certificate
 * authorities may issue for it. If it leaves out the CA that will issue the certificate for the
 * custom domain, issuance fails at cutover time, so we report it before.
 */
import type { Answer } from 'dns-packet';
import { toFqdn } from './records';
import { askResolver, type ResolverQueryOptions } from './resolverQuery';
import type { ResolverDescriptor } from './resolvers';

export interface CaaRecord {
  owner: string;
  flags: number;
  critical: boolean;
  tag: string;
  value: string;
}

export interface CaaIssuerVerdict {
  issuer: string;
  allowed: boolean;
}

export interface CaaReport {
  domain: string;
  /** Where the relevant record set was found (the domain or a parent); absent when there is none. */
  foundAt?: string;
  records: CaaRecord[];
  /** CA domains named in `issue` records; empty with records present means nobody may issue. */
  allowedIssuers: string[];
  allowedWildcardIssuers: string[];
  /** No CAA anywhere up the tree: every CA may issue. */
  unrestricted: boolean;
  verdicts: CaaIssuerVerdict[];
  /** True when none of the given issuers may issue. */
  blocked: boolean;
  message: string;
  error?: string;
}

/**
 * CA domain names of common issuers. Which CA issues Mendix-managed certificates is not documented,
 * so callers pass the issuers they care about; this list only makes the report useful by default.
 */
export const COMMON_CA_ISSUERS: readonly string[] = ['letsencrypt.org', 'amazon.com', 'digicert.com', 'sectigo.com', 'globalsign.com', 'pki.goog'];

export interface CaaOptions extends ResolverQueryOptions {
  resolvers: readonly ResolverDescriptor[];
  issuers?: readonly string[];
  wildcard?: boolean;
}

export async function checkCaa(domain: string, opts: CaaOptions): Promise<CaaReport> {
  const name = toFqdn(domain);
  const issuers = (opts.issuers ?? COMMON_CA_ISSUERS).map((i) => i.toLowerCase());
  const labels = name.slice(0, -1).split('.');
  const errors: string[] = [];
  for (const resolver of opts.resolvers.slice(0, 3)) {
    let failed = false;
    for (let i = 0; i < labels.length; i++) {
      const candidate = `${labels.slice(i).join('.')}.`;
      const r = await askResolver(resolver, { name: candidate, type: 'CAA', recursionDesired: true }, opts);
      if (!r.ok || (r.rcode !== 'NOERROR' && r.rcode !== 'NXDOMAIN')) {
        errors.push(`${resolver.name}: ${r.ok ? r.rcode : r.message}`);
        failed = true;
        break;
      }
      const records = caaRecords(r.packet.answers);
      if (records.length > 0) return evaluate(name, candidate, records, issuers, opts.wildcard === true);
    }
    if (!failed) return evaluate(name, undefined, [], issuers, opts.wildcard === true);
  }
  return {
    domain: name,
    records: [],
    allowedIssuers: [],
    allowedWildcardIssuers: [],
    unrestricted: false,
    verdicts: issuers.map((issuer) => ({ issuer, allowed: false })),
    blocked: false,
    message: 'CAA records could not be read; check them by hand before the cutover.',
    error: errors.join('; '),
  };
}

function caaRecords(answers: Answer[] | undefined): CaaRecord[] {
  const out: CaaRecord[] = [];
  for (const a of answers ?? []) {
    if (a.type !== 'CAA') continue;
    const flags = a.data.flags ?? 0;
    out.push({ owner: toFqdn(a.name), flags, critical: (flags & 128) !== 0, tag: a.data.tag.toLowerCase(), value: a.data.value });
  }
  return out;
}

/** "letsencrypt.org; validationmethods=dns-01" → "letsencrypt.org"; ";" → "" (nobody). */
function issuerDomain(value: string): string {
  return value.split(';')[0].trim().toLowerCase();
}

export function evaluate(domain: string, foundAt: string | undefined, records: CaaRecord[], issuers: string[], wildcard: boolean): CaaReport {
  if (records.length === 0) {
    return {
      domain,
      records,
      allowedIssuers: [],
      allowedWildcardIssuers: [],
      unrestricted: true,
      verdicts: issuers.map((issuer) => ({ issuer, allowed: true })),
      blocked: false,
      message: 'No CAA records: any certificate authority may issue for this domain.',
    };
  }
  const issue = records.filter((r) => r.tag === 'issue');
  const issueWild = records.filter((r) => r.tag === 'issuewild');
  const allowedIssuers = [...new Set(issue.map((r) => issuerDomain(r.value)).filter((v) => v !== ''))];
  const allowedWildcardIssuers = [...new Set(issueWild.map((r) => issuerDomain(r.value)).filter((v) => v !== ''))];
  // RFC 8659 §4.1: an unknown tag with the critical flag forbids issuance by any CA that does not understand it.
  const unknownCritical = records.some((r) => r.critical && !['issue', 'issuewild', 'iodef', 'contactemail', 'contactphone'].includes(r.tag));
  const governing = wildcard && issueWild.length > 0 ? allowedWildcardIssuers : allowedIssuers;
  const hasIssueProperty = wildcard ? issueWild.length > 0 || issue.length > 0 : issue.length > 0;
  const verdicts = issuers.map((issuer) => ({ issuer, allowed: !unknownCritical && (!hasIssueProperty || governing.includes(issuer)) }));
  const blocked = verdicts.length > 0 && verdicts.every((v) => !v.allowed);
  const allowedText = governing.length > 0 ? governing.join(', ') : 'no certificate authority';
  let message = `CAA at ${foundAt ?? domain} allows ${hasIssueProperty ? allowedText : 'any certificate authority'}.`;
  if (unknownCritical) message += ' A critical CAA property unknown to CAs blocks all issuance.';
  if (blocked) message += ` None of ${issuers.join(', ')} may issue: add a CAA "issue" record for the CA that issues your certificate.`;
  return { domain, foundAt, records, allowedIssuers, allowedWildcardIssuers, unrestricted: false, verdicts, blocked, message };
}
