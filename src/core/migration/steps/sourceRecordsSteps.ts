/**
 * Before the source node goes away: keep its recent application and access logs (Deploy API v1 logs,
 * §14.7 — "other information you need from the node") beside the backups, and note what the clean-up
 * needs later (the source's tags) and any package the plan still needs that will expire (§14.10).
 * It runs after the cutover and before the source is unlinked: linking temporary app B to the source
 * node resets its permissions, and with them the access to its logs.
 */
import { join } from 'node:path';
import { RefusedError, type StepContext, type StepDefinition } from '../stepTypes';
import type { JsonObject } from '../types';
import { jsonObjects, str } from './common';
import { CUTOVER_START } from './cutoverSteps';

export const SOURCE_LOGS = 'offboard.source-logs';

/** How many days of logs are kept (today included). */
export const LOG_DAYS = 7;

const DAY_MS = 24 * 3600_000;

interface KeptLog {
  kind: 'logs' | 'access-logs';
  date: string;
  path: string;
  size: number;
  sha256: string;
}

function keptLogs(ctx: StepContext): KeptLog[] {
  return jsonObjects(ctx.state().outputs.files).map((x) => ({
      kind: x.kind === 'access-logs' ? 'access-logs' : 'logs',
      date: str(x.date) ?? '',
      path: str(x.path) ?? '',
      size: Number(x.size),
      sha256: str(x.sha256) ?? '',
    }));
}

/** The dates asked for: today and the days before it, newest first (UTC). */
export function logDates(now: Date, days = LOG_DAYS): string[] {
  return Array.from({ length: days }, (_, i) => new Date(now.getTime() - i * DAY_MS).toISOString().slice(0, 10));
}

async function missingOrChanged(ctx: StepContext, logs: KeptLog[]): Promise<string[]> {
  const problems: string[] = [];
  for (const l of logs) {
    const m = await ctx.services.readDownloadManifest(l.path);
    if (!m || m.sha256 !== l.sha256 || m.size !== l.size) problems.push(`${l.path} is missing or changed`);
  }
  return problems;
}

function permissionHelp(e: unknown): string | undefined {
  const status = (e as { status?: unknown }).status;
  return status === 403 ? 'grant yourself "Access to Logs" on the source environment (portal: Environments → Permissions), then run again' : undefined;
}

export function sourceRecordsSteps(): StepDefinition[] {
  return [sourceLogsStep()];
}

function sourceLogsStep(): StepDefinition {
  return {
    id: SOURCE_LOGS,
    phase: 'offboard',
    title: `Keep the source's recent logs (${LOG_DAYS} days)`,
    kind: 'api',
    dependsOn: [CUTOVER_START],
    describe: `Downloads the source environment's application and access logs of the last ${LOG_DAYS} days (Deploy API logs) into the download folder, beside the backups; they go with the node when it is offboarded. Also records the source's tags for the clean-up.`,
    isDone: async (ctx) => {
      if (ctx.state().confirmation?.method === 'person') return true;
      if (ctx.state().outputs.complete !== true) return false;
      return (await missingOrChanged(ctx, keptLogs(ctx))).length === 0;
    },
    run: async (ctx) => {
      const { source } = ctx.input;
      const s = ctx.services;
      // What the clean-up compares the target with, read while the source can still be read.
      if (!Array.isArray(ctx.state().outputs.sourceTags)) await ctx.setOutputs({ sourceTags: await s.getTags(source.nodeSubdomain, source.environment) });
      const expiring = (await s.listEnvironmentsV4(source.projectId).catch(() => [])).find((e) => e.packageExpiresOn && e.packageId);
      if (expiring) {
        const warning = `the source package ${expiring.packageId ?? ''} is unused now and expires on ${expiring.packageExpiresOn ?? ''}; the redeploy on the target needs it before then`;
        ctx.log.warn(warning);
        await ctx.setOutputs({ packageWarning: warning });
      }
      const folder = join(ctx.input.downloadFolder, `${ctx.input.name}-source-logs`);
      const kept = keptLogs(ctx);
      const none: string[] = [];
      for (const date of logDates(new Date(ctx.clock.now()))) {
        for (const kind of ['logs', 'access-logs'] as const) {
          if (kept.some((k) => k.kind === kind && k.date === date)) continue;
          let url: string | undefined;
          try {
            url = await s.getLogUrl(source.nodeSubdomain, source.environment, kind, date);
          } catch (e) {
            const help = permissionHelp(e);
            if (help) throw new RefusedError(`the source's logs cannot be read: ${e instanceof Error ? e.message : String(e)}`, help);
            throw e;
          }
          if (!url) {
            none.push(`${kind} ${date}`);
            continue;
          }
          const path = join(folder, `${source.nodeSubdomain}-${source.environment}-${kind}-${date}.txt`);
          const r = await s.download(url, path, { signal: ctx.signal, onProgress: (p) => ctx.progress(`${kind} ${date}: ${p.bytes} bytes`) });
          kept.push({ kind, date, path: r.path, size: r.size, sha256: r.sha256 });
          // Written after every file, so a resumed run does not fetch it again.
          await ctx.setOutputs({ files: kept.map((k): JsonObject => ({ ...k, label: `${k.kind} ${k.date}` })) });
        }
      }
      await ctx.setOutputs({ folder, notAvailable: none, complete: true });
    },
    verify: async (ctx) => {
      const c = ctx.state().confirmation;
      if (c?.method === 'person' && ctx.state().outputs.complete !== true) return { ok: true, detail: `logs not kept (confirmed by ${c.by})` };
      const files = keptLogs(ctx);
      const problems = await missingOrChanged(ctx, files);
      if (problems.length > 0) return { ok: false, detail: problems.join('; ') };
      const none = ctx.state().outputs.notAvailable;
      const missing = Array.isArray(none) && none.length > 0 ? `; none for ${none.length} day/kind(s)` : '';
      return { ok: true, detail: `${files.length} log file(s) kept in ${str(ctx.state().outputs.folder) ?? ctx.input.downloadFolder}, sizes and SHA-256 recorded${missing}` };
    },
  };
}
