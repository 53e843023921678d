/** Where the Mendix Cloud APIs live and which credentials an account carries. */

export interface MendixApiConfig {
  /** Deploy API v1/v2, Build API and Backups API v2 (`/api/1`, `/api/v2` are appended). */
  deployBaseUrl: string;
  /** Deploy API v4 (`/api/v4` is appended). */
  cloudPortalBaseUrl: string;
  /** Certificate API (`/v1/certificates` is appended). */
  homeBaseUrl: string;
}

export const DEFAULT_MENDIX_API_CONFIG: Readonly<MendixApiConfig> = Object.freeze({
  deployBaseUrl: 'https://deploy.mendix.com',
  cloudPortalBaseUrl: 'https://cloud.home.mendix.com',
  homeBaseUrl: 'https://api.home.mendix.com',
});

/** One account: an API key (with its user name), a Personal Access Token, or both. */
export interface MendixCredentials {
  username?: string;
  apiKey?: string;
  pat?: string;
}

/**
 * Credential families: `apiKey` covers Deploy v1, Build, Deploy v2 and Backups v2;
 * `v4` is Deploy API v4 and `certificates` the Certificate API, both with a PAT.
 */
export type ApiFamily = 'apiKey' | 'v4' | 'certificates';

export const API_FAMILY_LABEL: Readonly<Record<ApiFamily, string>> = Object.freeze({
  apiKey: 'Deploy API v1/v2, Build API and Backups API (username + API key)',
  v4: 'Deploy API v4 (Personal Access Token)',
  certificates: 'Certificate API (Personal Access Token)',
});

/** Fills the production defaults for any base URL not given, and drops trailing slashes. */
export function resolveConfig(partial?: Partial<MendixApiConfig>): MendixApiConfig {
  const pick = (v: string | undefined, d: string) => (v && v.trim() !== '' ? v.trim() : d).replace(/\/+$/, '');
  return {
    deployBaseUrl: pick(partial?.deployBaseUrl, DEFAULT_MENDIX_API_CONFIG.deployBaseUrl),
    cloudPortalBaseUrl: pick(partial?.cloudPortalBaseUrl, DEFAULT_MENDIX_API_CONFIG.cloudPortalBaseUrl),
    homeBaseUrl: pick(partial?.homeBaseUrl, DEFAULT_MENDIX_API_CONFIG.homeBaseUrl),
  };
}

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (/^\d+\.\d+\.\d+\.\d+$/.test(h)) return h.startsWith('127.');
  return h === '::1' || h === '0:0:0:0:0:0:0:1';
}

/**
 * Why `url` must not carry the API key and the PAT, or undefined when it may: not a URL, not
 * http(s), or plain http to another machine (credentials in cleartext) unless explicitly allowed.
 */
export function baseUrlProblem(url: string, allowInsecureHttp: boolean): string | undefined {
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    return `"${url}" is not a URL; give e.g. https://deploy.mendix.com`;
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') return `must be an https:// URL, got ${u.protocol}`;
  if (u.protocol === 'http:' && !isLoopback(u.hostname) && !allowInsecureHttp) {
    return `${u.origin} is plain http to another machine: the API key and the PAT would cross the network in cleartext`;
  }
  return undefined;
}
