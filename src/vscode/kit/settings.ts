/** Typed reads of the extension's settings. Secrets never live here. */
import * as vscode from 'vscode';
import { baseUrlProblem, type MendixApiConfig } from '../../core/mendix/api/config';
import { UserFacingError } from '../../core/ui/kit/errors';
import type { AppUrlCheckMode } from '../../core/mendix/appUrlCheck';
import type { DnsWatchConfig } from '../../core/ui/panel/dnsWatch';

const SECTION = 'mendixMigration';

function get<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration(SECTION).get<T>(key) ?? fallback;
}

/**
 * The API base URLs; one that would send the API key and PAT in cleartext to another machine is
 * refused (with the setting that allows it on a trusted network).
 */
export function apiConfig(): Partial<MendixApiConfig> {
  const config = {
    deployBaseUrl: get('api.deployBaseUrl', ''),
    cloudPortalBaseUrl: get('api.cloudPortalBaseUrl', ''),
    homeBaseUrl: get('api.homeBaseUrl', ''),
  };
  const allowInsecure = get<boolean>('api.allowInsecureHttp', false) === true;
  for (const [key, url] of Object.entries(config)) {
    const problem = url.trim() === '' ? undefined : baseUrlProblem(url.trim(), allowInsecure);
    if (problem !== undefined) {
      throw new UserFacingError(
        `The setting mendixMigration.api.${key} ${problem}.`,
        problem.includes('plain http') ? 'Use https, or turn on mendixMigration.api.allowInsecureHttp if that network is trusted.' : 'Correct the setting.',
      );
    }
  }
  return config;
}

export function downloadFolder(): string | undefined {
  const v = get('downloadFolder', '').trim();
  return v === '' ? undefined : v;
}

/** Connections per download when the server honours ranges (1–32, default 8). */
export function downloadConnections(): number {
  const n = get('transfer.connections', 8);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 32) : 8;
}

export function treePageSize(): number {
  const n = get('tree.pageSize', 100);
  return Number.isInteger(n) && n >= 10 ? Math.min(n, 1000) : 100;
}

export function affectsApi(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.api`);
}

export function affectsTree(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.tree`);
}

/** How app URLs are checked after a start, and through which gateway (see appUrlCheck.ts). */
export function appUrlCheckSettings(): { mode: AppUrlCheckMode; gateway: string | undefined } {
  const mode = get<string>('migration.appUrlCheck', 'https');
  const gateway = get('migration.appUrlGateway', '').trim();
  return { mode: mode === 'api' || mode === 'off' ? mode : 'https', gateway: gateway === '' ? undefined : gateway };
}

/** The portal base URL "Open Portal" uses (the emulator's portal page in the demo). */
export function portalBaseUrl(): string {
  const v = get('portal.baseUrl', '').trim();
  return v === '' ? 'https://cloud.home.mendix.com' : v;
}

/**
 * The DNS watch's settings: resolver and authoritative lists (`ip[:port]`, or `name=ip[:port]`)
 * replace or extend the defaults when given.
 */
export function dnsWatchConfig(): DnsWatchConfig {
  // The resolver list is loaded with the first DNS check, not at activation.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const r = require('../../core/dns/resolvers') as typeof import('../../core/dns/resolvers');
  const resolvers = get<string[]>('dns.resolvers', []).filter((x) => typeof x === 'string' && x.trim() !== '');
  const authoritative = get<string[]>('dns.authoritative', []).filter((x) => typeof x === 'string' && x.trim() !== '');
  const custom = resolvers.map((x) => {
    const [name, addr] = x.includes('=') ? x.split('=', 2) : [undefined, x];
    return r.resolverFromAddress(addr.trim(), name?.trim());
  });
  const mode = get<string>('dns.resolversMode', 'replace') === 'extend' ? 'extend' : 'replace';
  return {
    resolvers: custom.length ? r.mergeResolvers(r.DEFAULT_PUBLIC_RESOLVERS, custom, mode) : [...r.DEFAULT_PUBLIC_RESOLVERS],
    authoritative: authoritative.length ? authoritative : 'discover',
    // The panel checks the CNAME itself (✓ against <domain>.cname.mendix.net), not where it leads.
    recordType: 'CNAME',
    timeoutMs: get<number>('dns.timeoutMs', 2000),
    minIntervalMs: get<number>('dns.minIntervalMs', 2000),
  };
}

/**
 * How often the engine polls Mendix Cloud jobs: settings.json can hold anything, so outside
 * 10 ms…10 min the engine's default (0) is used, and `warn` says why.
 */
export function pollIntervalMs(warn: (message: string) => void): number {
  const raw = get<number>('migration.pollIntervalMs', 0);
  const poll = Number.isInteger(raw) && raw >= 10 && raw <= 600_000 ? raw : 0;
  if (raw !== 0 && poll === 0) warn(`mendixMigration.migration.pollIntervalMs = ${String(raw)} is outside 10…600000 ms; using the default`);
  return poll;
}
