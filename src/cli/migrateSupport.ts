/**
 * What the migration subcommands share: common flags, credentials from the environment, the
 * services over the API client, and the text/JSON rendering of plans and outcomes.
 */
import { MendixClient } from '../core/api/mendixClient';
import { apiStatusHttpCheck, ClientMigrationServices } from '../core/migration/clientAdapter';
import { dnsDomainCheck } from '../core/migration/domainCheck';
import type { RunOutcome, WaitingStep } from '../core/migration/runner';
import { formatDuration } from '../core/migration/report';
import type { StepDefinition } from '../core/migration/stepTypes';
import type { Journal } from '../core/migration/types';
import { MAX_CONNECTIONS, parseConnections } from '../core/transfer/download';
import { Redactor } from '../core/util/redact';
import { createLogger, type Logger } from '../core/util/logger';
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
  --http-check <mode>      How the app URL is checked: url (GET it, default), api (environment status), off
  --poll-interval <ms>     Pause between polls of asynchronous jobs (default 5000)
  --dns-check              Check custom domains in DNS (TTL in the preflight, CNAME before the domain
                           step is done) through the public resolvers (MENDIX_MIGRATE_DNS_CHECK=1)
  --connections <n>        Connections per backup or package download when the host accepts byte
                           ranges, 1–32 (MENDIX_MIGRATE_CONNECTIONS, default 8; 1 = one stream)`;

export const CONNECTION_FLAGS = {
  'deploy-url': { type: 'string' },
  'cloud-url': { type: 'string' },
  'home-url': { type: 'string' },
  'http-check': { type: 'string' },
  'poll-interval': { type: 'string' },
  'dns-check': { type: 'boolean' },
  connections: { type: 'string' },
} as const;

export interface ConnectionValues {
  'deploy-url'?: string;
  'cloud-url'?: string;
  'home-url'?: string;
  'http-check'?: string;
  'poll-interval'?: string;
  'dns-check'?: boolean;
  connections?: string;
}

export interface Connected {
  client: MendixClient;
  services: ClientMigrationServices;
  logger: Logger;
  pollIntervalMs: number;
}

/** Builds the client from flags and environment; secrets are masked in everything logged. */
export function connect(values: ConnectionValues, io: CliIo, env: NodeJS.ProcessEnv = process.env): Connected {
  const username = env.MENDIX_USERNAME;
  const apiKey = env.MENDIX_API_KEY;
  const pat = env.MENDIX_PAT;
  if (!username || !apiKey) throw new UsageError('set MENDIX_USERNAME and MENDIX_API_KEY (and MENDIX_PAT for the v4 API)');
  const redactor = new Redactor();
  redactor.add(apiKey);
  redactor.add(pat);
  const verbose = env.MENDIX_MIGRATE_DEBUG === '1';
  const logger = createLogger((level, message) => {
    if (verbose || level === 'warn' || level === 'error') io.err(`[${level}] ${message}`);
  }, (t) => redactor.redact(t));
  const client = new MendixClient({
    credentials: { username, apiKey, pat },
    config: {
      deployBaseUrl: values['deploy-url'] ?? env.MENDIX_DEPLOY_URL,
      cloudPortalBaseUrl: values['cloud-url'] ?? env.MENDIX_CLOUD_URL,
      homeBaseUrl: values['home-url'] ?? env.MENDIX_HOME_URL,
    },
    logger: logger.child('api'),
    redactor,
  });
  const mode = values['http-check'] ?? env.MENDIX_MIGRATE_HTTP_CHECK ?? 'url';
  if (!['url', 'api', 'off'].includes(mode)) throw new UsageError(`--http-check must be url, api or off, got "${mode}"`);
  const httpCheck =
    mode === 'api'
      ? apiStatusHttpCheck(client)
      : mode === 'off'
        ? () => Promise.resolve({ ok: true, status: 0, detail: 'HTTP check switched off' })
        : undefined;
  const dns = values['dns-check'] === true || env.MENDIX_MIGRATE_DNS_CHECK === '1';
  const rawConnections = values.connections ?? env.MENDIX_MIGRATE_CONNECTIONS;
  const connections = rawConnections === undefined ? undefined : parseConnections(rawConnections);
  if (rawConnections !== undefined && connections === undefined) throw new UsageError(`--connections needs a whole number from 1 to ${MAX_CONNECTIONS}, got "${rawConnections}"`);
  const services = new ClientMigrationServices({ client, username, logger: logger.child('transfer'), httpCheck, checkCustomDomain: dns ? dnsDomainCheck() : undefined, connections });
  const poll = values['poll-interval'] === undefined ? 5000 : Number(values['poll-interval']);
  if (!Number.isInteger(poll) || poll <= 0) throw new UsageError(`--poll-interval needs a positive whole number of ms, got "${values['poll-interval']}"`);
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
    return [String(n + 1), s.id, s.kind, st?.status ?? 'pending', formatDuration(st?.durationMs), s.title];
  });
}

export function table(head: string[], rows: string[][]): string {
  const widths = head.map((h, i) => Math.max(h.length, ...rows.map((r) => (r[i] ?? '').length)));
  const line = (r: string[]) => r.map((c, i) => (i === r.length - 1 ? c : c.padEnd(widths[i]))).join('  ');
  return [line(head), widths.map((w) => '-'.repeat(w)).join('  '), ...rows.map(line)].join('\n');
}
