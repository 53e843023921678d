/**
 * What the migration subcommands share: common flags, credentials from the environment, the
 * services over the API client, and the text/JSON rendering of plans and outcomes.
 */
import type { MendixClient } from '../core/mendix/api/mendixClient';
import { appUrlCheck } from '../core/mendix/appUrlCheck';
import { connectMendixCloud } from '../core/mendix/clientFactory';
import type { MigrationServices } from '../core/mendix/services';
import { POLL_INTERVAL_BOUNDS } from '../core/migration/steps/common';
import { checkBaseUrl } from './baseUrls';
import { dnsDomainCheck } from '../core/migration/domainCheck';
import type { RunOutcome, WaitingStep } from '../core/migration/runner';
import { formatDurationMs } from '../core/shared/format';
import type { StepDefinition } from '../core/migration/stepTypes';
import type { Journal } from '../core/migration/types';
import { MAX_CONNECTIONS, parseConnections } from '../core/mendix/transfer/download';
import { Redactor } from '../core/shared/redact';
import { createLogger, type Logger } from '../core/shared/logger';
import { UsageError, type CliIo } from './command';

export const EXIT_OK = 0;
export const EXIT_FAILED = 1;
export const EXIT_BAD_INPUT = 2;
export const EXIT_WAITING = 3;
export const EXIT_CANCELLED = 130;

export const CONNECTION_OPTIONS = `Connection (flags win over environment variables):
  --deploy-url <url>       Deploy/Build/Backups API base (MENDIX_DEPLOY_URL, default https://deploy.mendix.com)
  --cloud-url <url>        Deploy API v4 base (MENDIX_CLOUD_URL, default https://cloud.home.mendix.com)
  --home-url <url>         Certificate API base (MENDIX_HOME_URL, default https://api.home.mendix.com)
  Credentials: MENDIX_USERNAME + MENDIX_API_KEY (Deploy/Backups APIs) and MENDIX_PAT (v4).
  --allow-insecure-http    Allow plain http base URLs to other machines (MENDIX_MIGRATE_ALLOW_INSECURE_HTTP=1);
                           without it only https, or http to this machine, is used (credentials travel along)
  --http-check <mode>      How the app URL is checked: url (GET it, default), api (environment status), off
  --http-gateway <url>     Send url checks there with the app's host in the Host header (MENDIX_MIGRATE_HTTP_GATEWAY;
                           a proxy, or the emulator, which answers for its environments' app hosts)
  --poll-interval <ms>     Pause between polls of asynchronous jobs (default 5000)
  --dns-check              Check custom domains in DNS (TTL in the preflight; before the domain step is
                           done: the CNAME, where the chain ends, and the certificate — Certificate API
                           with a Mendix Admin's PAT, else TLS of the target) (MENDIX_MIGRATE_DNS_CHECK=1)
  --connections <n>        Connections per backup or package download when the host accepts byte
                           ranges, 1–32 (MENDIX_MIGRATE_CONNECTIONS, default 8; 1 = one stream)`;

export const CONNECTION_FLAGS = {
  'deploy-url': { type: 'string' },
  'cloud-url': { type: 'string' },
  'home-url': { type: 'string' },
  'allow-insecure-http': { type: 'boolean' },
  'http-check': { type: 'string' },
  'http-gateway': { type: 'string' },
  'poll-interval': { type: 'string' },
  'dns-check': { type: 'boolean' },
  connections: { type: 'string' },
} as const;

export interface ConnectionValues {
  'deploy-url'?: string;
  'cloud-url'?: string;
  'home-url'?: string;
  'allow-insecure-http'?: boolean;
  'http-check'?: string;
  'http-gateway'?: string;
  'poll-interval'?: string;
  'dns-check'?: boolean;
  connections?: string;
}

export interface Connected {
  client: MendixClient;
  services: MigrationServices;
  logger: Logger;
  pollIntervalMs: number;
}

/**
 * The API client for credentials from the environment and base URLs from flags (or the
 * environment); the key and token are masked in everything logged. A plain-http base URL to another
 * machine is refused unless explicitly allowed (the key and token would travel in cleartext).
 */
export function clientFromEnv(
  credentials: { username?: string; apiKey?: string; pat?: string },
  values: Pick<ConnectionValues, 'deploy-url' | 'cloud-url' | 'home-url' | 'allow-insecure-http'>,
  io: CliIo,
  env: NodeJS.ProcessEnv,
  checks?: Parameters<typeof connectMendixCloud>[1]['checks'],
): { client: MendixClient; services: MigrationServices; logger: Logger; redactor: Redactor } {
  const allowInsecure = values['allow-insecure-http'] === true || env.MENDIX_MIGRATE_ALLOW_INSECURE_HTTP === '1';
  const config = {
    deployBaseUrl: values['deploy-url'] ?? env.MENDIX_DEPLOY_URL,
    cloudPortalBaseUrl: values['cloud-url'] ?? env.MENDIX_CLOUD_URL,
    homeBaseUrl: values['home-url'] ?? env.MENDIX_HOME_URL,
  };
  checkBaseUrl('--deploy-url (MENDIX_DEPLOY_URL)', config.deployBaseUrl, allowInsecure);
  checkBaseUrl('--cloud-url (MENDIX_CLOUD_URL)', config.cloudPortalBaseUrl, allowInsecure);
  checkBaseUrl('--home-url (MENDIX_HOME_URL)', config.homeBaseUrl, allowInsecure);
  // The client adds the key and token to the redactor as it is built, before anything is logged.
  const redactor = new Redactor();
  const verbose = env.MENDIX_MIGRATE_DEBUG === '1';
  const logger = createLogger((level, message) => {
    if (verbose || level === 'warn' || level === 'error') io.err(`[${level}] ${message}`);
  }, (t) => redactor.redact(t));
  const { cloud, client } = connectMendixCloud(credentials, { config: () => config, log: logger, redactor, component: 'transfer', checks });
  return { client, services: cloud, logger, redactor };
}

/** Builds the client from flags and environment; secrets are masked in everything logged. */
export function connect(values: ConnectionValues, io: CliIo, env: NodeJS.ProcessEnv = process.env): Connected {
  const username = env.MENDIX_USERNAME;
  const apiKey = env.MENDIX_API_KEY;
  const pat = env.MENDIX_PAT;
  if (!username || !apiKey) throw new UsageError('set MENDIX_USERNAME and MENDIX_API_KEY (and MENDIX_PAT for the v4 API)');
  const mode = values['http-check'] ?? env.MENDIX_MIGRATE_HTTP_CHECK ?? 'url';
  if (!['url', 'api', 'off'].includes(mode)) throw new UsageError(`--http-check must be url, api or off, got "${mode}"`);
  const gateway = values['http-gateway'] ?? env.MENDIX_MIGRATE_HTTP_GATEWAY;
  const rawConnections = values.connections ?? env.MENDIX_MIGRATE_CONNECTIONS;
  const connections = rawConnections === undefined ? undefined : parseConnections(rawConnections);
  if (rawConnections !== undefined && connections === undefined) throw new UsageError(`--connections needs a whole number from 1 to ${MAX_CONNECTIONS}, got "${rawConnections}"`);
  const poll = values['poll-interval'] === undefined ? 5000 : Number(values['poll-interval']);
  const { min, max } = POLL_INTERVAL_BOUNDS;
  if (!Number.isInteger(poll) || poll < min || poll > max) {
    throw new UsageError(`--poll-interval needs a whole number of ms from ${min} to ${max} (10 minutes), got "${values['poll-interval']}"`);
  }
  const dns = values['dns-check'] === true || env.MENDIX_MIGRATE_DNS_CHECK === '1';
  const { client, services, logger } = clientFromEnv({ username, apiKey, pat }, values, io, env, (c) => ({
    httpCheck: appUrlCheck(mode === 'url' ? 'https' : (mode as 'api' | 'off'), { client: c, gateway: gateway === '' ? undefined : gateway }),
    checkCustomDomain: dns ? dnsDomainCheck({ certificates: pat ? c.certificates : undefined }) : undefined,
    connections,
  }));
  return { client, services, logger, pollIntervalMs: poll };
}

export function waitingLine(w: WaitingStep, journalFile: string, all: WaitingStep[]): string {
  return JSON.stringify({
    status: 'waiting-for-person',
    step: w.stepId,
    kind: w.kind,
    title: w.title,
    summary: w.instructions.summary,
    actions: w.instructions.actions,
    ...(w.instructions.url ? { url: w.instructions.url } : {}),
    ...(w.instructions.file ? { file: w.instructions.file } : {}),
    ...(w.instructions.requestText ? { requestText: w.instructions.requestText } : {}),
    journal: journalFile,
    ...(all.length > 1 ? { alsoWaiting: all.filter((x) => x !== w).map((x) => x.stepId) } : {}),
  });
}

export function humanOutcome(out: RunOutcome, journalFile: string): string[] {
  const lines: string[] = [];
  if (out.status === 'completed') lines.push('Migration completed.');
  for (const f of out.failed) {
    lines.push(`✘ ${f.title} (${f.stepId}) failed: ${f.error.message}`);
    if (f.error.nextAction) lines.push(`  Next: ${f.error.nextAction}`);
  }
  for (const w of out.waiting) {
    lines.push(`⏸ ${w.title} (${w.stepId}) — ${w.kind === 'support' ? 'Mendix Support request' : 'a person must act'}:`);
    lines.push(`  ${w.instructions.summary}`);
    w.instructions.actions.forEach((a, n) => lines.push(`  ${n + 1}. ${a}`));
    if (w.instructions.url) lines.push(`  Open: ${w.instructions.url}`);
    if (w.instructions.file) lines.push(`  File: ${w.instructions.file}`);
    if (w.instructions.requestText) lines.push('  Request text:', ...w.instructions.requestText.split('\n').map((l) => `    ${l}`));
    lines.push(`  Then: mendix-migrate run --journal ${journalFile}   (or: mendix-migrate verify --journal ${journalFile} --step ${w.stepId} --confirm)`);
  }
  return lines;
}

export function exitCodeFor(out: RunOutcome): number {
  switch (out.status) {
    case 'completed':
      return EXIT_OK;
    case 'waiting-for-person':
      return EXIT_WAITING;
    case 'cancelled':
      return EXIT_CANCELLED;
    default:
      return EXIT_FAILED;
  }
}

export function statusRows(j: Readonly<Journal>, steps: readonly StepDefinition[]): string[][] {
  return steps.map((s, n) => {
    const st = j.steps[s.id];
    return [String(n + 1), s.id, s.kind, st?.status ?? 'pending', formatDurationMs(st?.durationMs), s.title];
  });
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
