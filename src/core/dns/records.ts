/** Plain, JSON-friendly views of DNS records and the helpers that compare answers. */
import type { Answer, DecodedPacket } from 'dns-packet';

export interface DnsRecord {
  /** Owner name, lower case, fully qualified (trailing dot). */
  name: string;
  type: string;
  /** Seconds; for a resolver this is what remains of its cached copy. */
  ttl: number;
  /** Names end with a dot; other data in presentation form. */
  data: string;
}

export function toFqdn(name: string): string {
  const n = name.trim().toLowerCase();
  return n.endsWith('.') ? n : `${n}.`;
}

export function sameName(a: string, b: string): boolean {
  return toFqdn(a) === toFqdn(b);
}

function dataOf(a: Answer): string {
  switch (a.type) {
    case 'CNAME':
    case 'DNAME':
    case 'NS':
    case 'PTR':
      return toFqdn(a.data);
    case 'A':
    case 'AAAA':
      return a.data;
    case 'SOA':
      return `${toFqdn(a.data.mname)} ${toFqdn(a.data.rname)} ${a.data.serial ?? 0} ${a.data.refresh ?? 0} ${a.data.retry ?? 0} ${a.data.expire ?? 0} ${a.data.minimum ?? 0}`;
    case 'CAA':
      return `${a.data.flags ?? 0} ${a.data.tag} "${a.data.value}"`;
    case 'MX':
      return `${a.data.preference ?? 0} ${toFqdn(a.data.exchange)}`;
    case 'TXT': {
      const parts = Array.isArray(a.data) ? a.data : [a.data];
      return parts.map((p) => `"${p.toString()}"`).join(' ');
    }
    default:
      return '';
  }
}

export function toRecords(list: Answer[] | undefined): DnsRecord[] {
  return (list ?? [])
    .filter((a) => a.type !== 'OPT')
    .map((a) => ({ name: toFqdn(a.name), type: a.type, ttl: 'ttl' in a && typeof a.ttl === 'number' ? a.ttl : 0, data: dataOf(a) }));
}

export function answersOf(p: DecodedPacket): DnsRecord[] {
  return toRecords(p.answers);
}

export function authoritiesOf(p: DecodedPacket): DnsRecord[] {
  return toRecords(p.authorities);
}

/** The records owned by the queried name itself: the part a DNS change replaces. */
export function firstHop(domain: string, chain: DnsRecord[]): DnsRecord[] {
  return chain.filter((r) => sameName(r.name, domain) && (r.type === 'CNAME' || r.type === 'A' || r.type === 'AAAA'));
}

/** "CNAME x.example." or "A 192.0.2.1, 192.0.2.2"; empty when the name has no such records. */
export function describeHop(records: DnsRecord[]): string {
  if (records.length === 0) return '';
  const type = records[0].type;
  const data = records
    .filter((r) => r.type === type)
    .map((r) => r.data)
    .sort();
  return `${type} ${data.join(', ')}`;
}

/** Walks the CNAME chain from the domain in answer order: "a. → CNAME b. → A 192.0.2.1". */
export function describeChain(domain: string, chain: DnsRecord[]): string {
  const parts: string[] = [];
  let owner = toFqdn(domain);
  for (let hop = 0; hop < 16; hop++) {
    const here = chain.filter((r) => r.name === owner && (r.type === 'CNAME' || r.type === 'A' || r.type === 'AAAA'));
    if (here.length === 0) break;
    parts.push(describeHop(here));
    const cname = here.find((r) => r.type === 'CNAME');
    if (!cname) break;
    owner = cname.data;
  }
  return parts.join(' → ');
}

/** True when any hop of the chain points at the expected CNAME target or address. */
export function chainReaches(chain: DnsRecord[], expected: string): boolean {
  const want = expected.includes(':') || /^\d+(\.\d+){3}$/.test(expected) ? expected.toLowerCase() : toFqdn(expected);
  return chain.some((r) => (r.type === 'CNAME' ? r.data === want : (r.type === 'A' || r.type === 'AAAA') && r.data.toLowerCase() === want));
}

/** The negative-caching TTL of an NXDOMAIN/NODATA answer: the SOA in the authority section. */
export function negativeTtl(authority: DnsRecord[]): number | undefined {
  const soa = authority.find((r) => r.type === 'SOA');
  if (!soa) return undefined;
  const minimum = Number(soa.data.split(' ')[6]);
  return Number.isFinite(minimum) ? Math.min(soa.ttl, minimum) : soa.ttl;
}

/** The records on the path from the domain, hop by hop, in chain order (CNAME loops stop the walk). */
export function chainPath(domain: string, chain: DnsRecord[]): DnsRecord[][] {
  const hops: DnsRecord[][] = [];
  const seen = new Set<string>();
  let owner = toFqdn(domain);
  while (!seen.has(owner)) {
    seen.add(owner);
    const here = chain.filter((r) => sameName(r.name, owner) && (r.type === 'CNAME' || r.type === 'A' || r.type === 'AAAA'));
    if (here.length === 0) break;
    hops.push(here);
    const cname = here.find((r) => r.type === 'CNAME');
    if (!cname) break;
    owner = cname.data;
  }
  return hops;
}

/** The addresses the chain from the domain ends at (sorted); empty when it does not end in A/AAAA records. */
export function chainEnd(domain: string, chain: DnsRecord[]): string[] {
  const hops = chainPath(domain, chain);
  const last = hops[hops.length - 1] ?? [];
  return last.filter((r) => r.type === 'A' || r.type === 'AAAA').map((r) => r.data.toLowerCase()).sort();
}

/** True when every address the chain ends at is one of `target` (and it ends at some). */
export function endsAt(end: readonly string[], target: readonly string[]): boolean {
  const want = new Set(target.map((a) => a.toLowerCase()));
  return end.length > 0 && end.every((a) => want.has(a.toLowerCase()));
}

/** The names the chain from the domain passes through, the domain first. */
export function chainNames(domain: string, chain: DnsRecord[]): string[] {
  return chainPath(domain, chain).map((hop) => hop[0].name);
}

/**
 * The first name beyond the domain itself that its chain shares with the target host's chain (the
 * target host included), e.g. a load balancer both point at: then both end at the same place even
 * when two lookups of a rotating address set return different subsets.
 */
export function sharedName(domain: string, chain: DnsRecord[], targetNames: readonly string[]): string | undefined {
  const wanted = new Set(targetNames.map((n) => toFqdn(n)));
  return chainNames(domain, chain)
    .slice(1)
    .find((n) => wanted.has(n));
}
