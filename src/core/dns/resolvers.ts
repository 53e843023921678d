/**
 * Resolver descriptors: who we ask, where they are, and how to reach them.
 * The default list is data for users (a settings list can replace or extend it); tests always pass
 * their own loopback resolvers and never query these.
 */
import { isIP } from 'node:net';

export interface ResolverDescriptor {
  /** Short unique name shown in tables, e.g. "Google". */
  name: string;
  operator: string;
  location: string;
  /** `ip`, `ip:port` or `[ipv6]:port`; tried in order. */
  addresses: string[];
  /** DNS-over-HTTPS endpoint (RFC 8484), for networks that block port 53. */
  doh?: string;
}

export interface ResolverEndpoint {
  host: string;
  port: number;
}

/** Well-known public resolvers with global anycast or a clear home country. */
export const DEFAULT_PUBLIC_RESOLVERS: readonly ResolverDescriptor[] = [
  { name: 'Google', operator: 'Google', location: 'Global (anycast)', addresses: ['8.8.8.8', '8.8.4.4', '2001:4860:4860::8888'], doh: 'https://dns.google/dns-query' },
  { name: 'Cloudflare', operator: 'Cloudflare', location: 'Global (anycast)', addresses: ['1.1.1.1', '1.0.0.1', '2606:4700:4700::1111'], doh: 'https://cloudflare-dns.com/dns-query' },
  { name: 'Quad9', operator: 'Quad9 Foundation', location: 'Switzerland / global', addresses: ['9.9.9.9', '149.112.112.112', '2620:fe::fe'], doh: 'https://dns.quad9.net/dns-query' },
  { name: 'OpenDNS', operator: 'Cisco', location: 'United States / global', addresses: ['208.67.222.222', '208.67.220.220'], doh: 'https://doh.opendns.com/dns-query' },
  { name: 'AdGuard', operator: 'AdGuard', location: 'Cyprus / global', addresses: ['94.140.14.140', '94.140.14.141'], doh: 'https://unfiltered.adguard-dns.com/dns-query' },
  { name: 'Control D', operator: 'Control D', location: 'Canada / global', addresses: ['76.76.2.0', '76.76.10.0'], doh: 'https://freedns.controld.com/p0' },
  { name: 'DNS.SB', operator: 'xTom', location: 'Germany / global', addresses: ['185.222.222.222', '45.11.45.11'], doh: 'https://doh.dns.sb/dns-query' },
  { name: 'Mullvad', operator: 'Mullvad VPN', location: 'Sweden', addresses: ['194.242.2.2'], doh: 'https://dns.mullvad.net/dns-query' },
  { name: 'DNS4EU', operator: 'DNS4EU consortium', location: 'European Union', addresses: ['86.54.11.100', '86.54.11.200'], doh: 'https://unfiltered.joindns4.eu/dns-query' },
  { name: 'Quad101', operator: 'TWNIC', location: 'Taiwan', addresses: ['101.101.101.101', '101.102.103.104'], doh: 'https://dns.twnic.tw/dns-query' },
  { name: 'Level3', operator: 'Lumen', location: 'United States', addresses: ['4.2.2.1', '4.2.2.2'] },
  { name: 'UltraDNS Public', operator: 'Vercara', location: 'United States', addresses: ['64.6.64.6', '64.6.65.6'] },
  { name: 'Hurricane Electric', operator: 'Hurricane Electric', location: 'United States', addresses: ['74.82.42.42'], doh: 'https://ordns.he.net/dns-query' },
  { name: 'Comodo Secure DNS', operator: 'Comodo', location: 'United States', addresses: ['8.26.56.26', '8.20.247.20'] },
  { name: 'CleanBrowsing', operator: 'CleanBrowsing', location: 'United States / global', addresses: ['185.228.168.9', '185.228.169.9'], doh: 'https://doh.cleanbrowsing.org/doh/security-filter/' },
  { name: 'Yandex', operator: 'Yandex', location: 'Russia', addresses: ['77.88.8.8', '77.88.8.1'] },
  { name: 'AliDNS', operator: 'Alibaba Cloud', location: 'China', addresses: ['223.5.5.5', '223.6.6.6'], doh: 'https://dns.alidns.com/dns-query' },
  { name: 'DNSPod', operator: 'Tencent', location: 'China', addresses: ['119.29.29.29'], doh: 'https://doh.pub/dns-query' },
  { name: 'Quad9 (no filtering)', operator: 'Quad9 Foundation', location: 'Switzerland / global', addresses: ['9.9.9.10', '149.112.112.10'], doh: 'https://dns10.quad9.net/dns-query' },
  { name: 'CIRA Canadian Shield', operator: 'CIRA', location: 'Canada', addresses: ['149.112.121.10', '149.112.122.10'], doh: 'https://private.canadianshield.cira.ca/dns-query' },
  { name: 'Cloudflare (families)', operator: 'Cloudflare', location: 'Global (anycast)', addresses: ['1.1.1.3', '1.0.0.3'], doh: 'https://family.cloudflare-dns.com/dns-query' },
];

/**
 * Combines the defaults with a custom list from settings. `replace` uses only the custom list;
 * `extend` keeps the defaults and lets a custom entry with the same name override one of them.
 */
export function mergeResolvers(
  defaults: readonly ResolverDescriptor[],
  custom: readonly ResolverDescriptor[],
  mode: 'replace' | 'extend',
): ResolverDescriptor[] {
  if (mode === 'replace') return dedupeByName(custom);
  return dedupeByName([...defaults, ...custom]);
}

function dedupeByName(list: readonly ResolverDescriptor[]): ResolverDescriptor[] {
  // Later entries win so a custom entry can override a default of the same name, keeping its position.
  const byName = new Map<string, ResolverDescriptor>();
  for (const r of list) {
    const key = r.name.trim().toLowerCase();
    byName.set(key, r);
  }
  return [...byName.values()];
}

/** Parses `ip`, `ip:port` or `[ipv6]:port`; throws a clear error for anything else. */
export function parseEndpoint(text: string, defaultPort = 53): ResolverEndpoint {
  const t = text.trim();
  const bracket = /^\[([^\]]+)\](?::(\d+))?$/.exec(t);
  if (bracket) {
    if (isIP(bracket[1]) !== 6) throw new Error(`"${text}" is not an IPv6 address in brackets`);
    return { host: bracket[1], port: parsePort(bracket[2], defaultPort, text) };
  }
  if (isIP(t) !== 0) return { host: t, port: defaultPort };
  const hostPort = /^([^:]+):(\d+)$/.exec(t);
  if (hostPort && isIP(hostPort[1]) === 4) return { host: hostPort[1], port: parsePort(hostPort[2], defaultPort, text) };
  throw new Error(`"${text}" is not a resolver address: use an IP, ip:port or [ipv6]:port`);
}

function parsePort(p: string | undefined, fallback: number, text: string): number {
  if (p === undefined) return fallback;
  const n = Number(p);
  if (!Number.isInteger(n) || n < 1 || n > 65535) throw new Error(`"${text}" has an invalid port`);
  return n;
}

/** Formats an endpoint the way `parseEndpoint` reads it. */
export function formatEndpoint(e: ResolverEndpoint): string {
  return isIP(e.host) === 6 ? `[${e.host}]:${e.port}` : `${e.host}:${e.port}`;
}

/** A descriptor for an ad-hoc address given on the command line or in a test. */
export function resolverFromAddress(address: string, name?: string): ResolverDescriptor {
  parseEndpoint(address);
  return { name: name ?? address, operator: 'custom', location: 'custom', addresses: [address] };
}
