/**
 * The journal's shape as a zod schema: used to validate a journal when it is loaded (a hand-edited or
 * truncated file becomes a clear error, not a crash mid-run) and to generate
 * `schemas/migration-journal.schema.json`, which VS Code uses to validate the file when it is opened.
 */
import * as z from '../shared/zod';
import type { Journal, JsonValue } from './types';

const text = () => z.string().check(z.minLength(1));
const isoTime = text();
const nonNegative = () => z.number().check(z.nonnegative());

const jsonValue: z.ZodMiniType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const jsonObject = z.record(z.string(), jsonValue);

const appChoice = z.object({ projectId: text(), name: z.string() });

export const migrationInputSchema = z.object({
  name: z.string().check(z.regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only'), z.describe('Journal name: .mendix-migrations/<name>.json')),
  flavour: z.enum(['node-move', 'v3-to-v4']),
  source: z.extend(appChoice, {
    appId: text(),
    environment: text(),
    nodeSubdomain: text(),
  }),
  target: z.object({
    nodeSubdomain: text(),
    environment: text(),
    tempAppA: appChoice,
    tempAppB: appChoice,
  }),
  downloadFolder: text(),
  keepBackups: z.array(z.string()),
  customDomains: z.array(z.string()),
  certificate: z.enum(['none', 'own-key', 'mendix-keystore']),
  portalUrl: z.string(),
  considerations: z.optional(
    z.object({
      targetDatabaseRamGb: z.optional(z.number().check(z.positive())),
      longestScheduledEventMinutes: z.optional(nonNegative()),
    }),
  ),
});

const personInstructions = z.object({
  summary: z.string(),
  actions: z.array(z.string()),
  url: z.optional(z.string()),
  requestText: z.optional(z.string()),
  file: z.optional(z.string()),
});

const stepState = z.object({
  status: z.enum(['pending', 'running', 'done', 'failed', 'waiting-for-person', 'skipped']),
  attempts: z.int().check(z.nonnegative()),
  startedAt: z.optional(isoTime),
  finishedAt: z.optional(isoTime),
  durationMs: z.optional(nonNegative()),
  waitingSince: z.optional(isoTime),
  confirmation: z.optional(z.object({ by: z.string(), at: isoTime, method: z.enum(['api', 'person']), override: z.optional(z.string()) })),
  outputs: jsonObject,
  intents: z.array(
    z.object({
      action: z.string(),
      at: isoTime,
      resolvedAt: z.optional(isoTime),
      outcome: z.optional(z.enum(['answered', 'refused', 'observed', 'not-done'])),
      details: z.optional(jsonObject),
    }),
  ),
  verification: z.optional(z.object({ ok: z.boolean(), detail: z.string(), at: isoTime, basis: z.optional(z.enum(['check', 'person', 'override'])), check: z.optional(z.string()) })),
  error: z.optional(
    z.object({
      message: z.string(),
      code: z.optional(z.string()),
      hint: z.optional(z.string()),
      nextAction: z.optional(z.string()),
    }),
  ),
  person: z.optional(personInstructions),
});

const rollbackRecord = z.object({
  at: isoTime,
  reason: z.string(),
  result: z.enum(['source-restarted', 'failed']),
  detail: z.optional(z.string()),
  undone: z.optional(z.array(z.string())),
});

export const journalSchema = z.object({
  $schema: z.optional(z.string()),
  schemaVersion: z.literal(1),
  name: text(),
  createdAt: isoTime,
  updatedAt: isoTime,
  status: z.enum(['active', 'completed', 'aborted']),
  abort: z.optional(z.object({ at: isoTime, reason: z.string(), sourceTouched: z.boolean() })),
  warningsAcknowledged: z.optional(z.object({ by: z.string(), at: isoTime })),
  lastRun: z.optional(z.object({ status: z.enum(['running', 'completed', 'waiting-for-person', 'failed', 'aborted', 'cancelled']), at: isoTime })),
  input: migrationInputSchema,
  steps: z.record(z.string(), stepState),
  rehearsals: z.array(
    z.object({
      startedAt: isoTime,
      finishedAt: z.optional(isoTime),
      durationsMs: z.record(z.string(), nonNegative()),
    }),
  ),
  cutover: z.object({
    predictedDowntimeMs: z.optional(nonNegative()),
    startedAt: z.optional(isoTime),
    endedAt: z.optional(isoTime),
    measuredDowntimeMs: z.optional(nonNegative()),
    rollback: z.optional(rollbackRecord),
    rollbacks: z.optional(z.array(rollbackRecord)),
    downtimes: z.optional(
      z.array(
        z.object({
          startedAt: isoTime,
          endedAt: z.optional(isoTime),
          endedBy: z.optional(z.enum(['target-started', 'target-confirmed', 'source-restarted'])),
        }),
      ),
    ),
  }),
});

/** A journal that cannot be used as it is: damaged, hand-edited wrongly, or from a newer version. */
export class JournalDamagedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'JournalDamagedError';
  }
}

/** Parses a journal read from disk; throws a `JournalDamagedError` naming the first offending field. */
export function parseJournal(data: unknown, file: string): Journal {
  const version = typeof data === 'object' && data !== null ? (data as { schemaVersion?: unknown }).schemaVersion : undefined;
  if (typeof version === 'number' && version > 1) {
    throw new JournalDamagedError(`${file} was written by a newer version of the migration engine (journal schema ${version}; this one reads 1): update the extension or the CLI`);
  }
  const r = journalSchema.safeParse(data);
  if (!r.success) {
    const issue = r.error.issues[0];
    const where = issue ? issue.path.map(String).join('.') : '';
    throw new JournalDamagedError(`${file} is not a valid migration journal${where ? ` (field "${where}")` : ''}: ${issue?.message ?? 'invalid'}`);
  }
  const { $schema: _ignored, ...journal } = r.data;
  return journal;
}

/** The JSON Schema committed as `schemas/migration-journal.schema.json`. */
export function journalJsonSchema(): Record<string, unknown> {
  const schema = z.toJSONSchema(journalSchema, { target: 'draft-7', io: 'input' }) as Record<string, unknown>;
  return {
    ...schema,
    $id: 'https://mendix-migration.local/schemas/migration-journal.schema.json',
    title: 'Mendix Cloud Migration journal',
    description:
      'State of one migration run: the answers given up front (no secrets), every step with its status, timings, confirmations and outputs. Written by the migration engine; edit only if you know what you are doing.',
  };
}
