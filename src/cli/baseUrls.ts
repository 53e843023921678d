/**
 * The API base URLs the CLI is pointed at carry the API key and the PAT in every request: plain
 * http is refused unless it goes to this machine (loopback) or the person explicitly allows it.
 */
import { isIP } from 'node:net';
import { UsageError } from './command';

function isLoopback(hostname: string): boolean {
  const h = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (h === 'localhost' || h.endsWith('.localhost')) return true;
  if (isIP(h) === 4) return h.startsWith('127.');
  if (isIP(h) === 6) return h === '::1' || h === '0:0:0:0:0:0:0:1';
  return false;
}

/** Throws a `UsageError` saying why when `url` (named by `flag`) must not be used. */
export function checkBaseUrl(flag: string, url: string | undefined, allowInsecureHttp: boolean): void {
  if (url === undefined) return;
  let u: URL;
  try {
    u = new URL(url);
  } catch {
    throw new UsageError(`${flag} "${url}" is not a URL; give e.g. https://deploy.mendix.com`);
  }
  if (u.protocol !== 'https:' && u.protocol !== 'http:') throw new UsageError(`${flag} must be an https:// URL, got ${u.protocol}`);
  if (u.protocol === 'http:' && !isLoopback(u.hostname) && !allowInsecureHttp) {
    throw new UsageError(
      `${flag} ${u.origin} is plain http to another machine: the API key and the PAT would cross the network in cleartext. ` +
        'Use https, or pass --allow-insecure-http (MENDIX_MIGRATE_ALLOW_INSECURE_HTTP=1) if that network is trusted.',
    );
  }
}
