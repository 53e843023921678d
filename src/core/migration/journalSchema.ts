/**
 * The journal's shape as a zod schema: used to validate a journal when it is loaded (a hand-edited or
 * truncated file becomes a clear error, not a crash mid-run) and to generate
 * `schemas/migration-journal.schema.json`, which VS Code uses to validate the file when it is opened.
 */
import { z } from 'zod';
import type { Journal, JsonValue } from './types';

const isoTime = z.string().min(1);

const jsonValue: z.ZodType<JsonValue> = z.lazy(() =>
  z.union([z.string(), z.number(), z.boolean(), z.null(), z.array(jsonValue), z.record(z.string(), jsonValue)]),
);
const jsonObject = z.record(z.string(), jsonValue);

const appChoice = z.object({ projectId: z.string().min(1), name: z.string() });

export const migrationInputSchema = z.object({
  name: z
    .string()
    .regex(/^[A-Za-z0-9][A-Za-z0-9._-]*$/, 'letters, digits, dot, dash and underscore only')
    .describe('Journal name: .mendix-migrations/<name>.json'),
  flavour: z.enum(['node-move', 'v3-to-v4']),
  source: appChoice.extend({
    appId: z.string().min(1),
    environment: z.string().min(1),
    nodeSubdomain: z.string().min(1),
  }),
  target: z.object({
    nodeSubdomain: z.string().min(1),
    environment: z.string().min(1),
    tempAppA: appChoice,
    tempAppB: appChoice,
  }),
  downloadFolder: z.string().min(1),
  keepBackups: z.array(z.string()),
  customDomains: z.array(z.string()),
  certificate: z.enum(['none', 'own-key', 'mendix-keystore']),
  portalUrl: z.string(),
  considerations: z
    .object({
      targetDatabaseRamGb: z.number().positive().optional(),
      longestScheduledEventMinutes: z.number().nonnegative().optional(),
    })
    .optional(),
});

const personInstructions = z.object({
  summary: z.string(),
  actions: z.array(z.string()),
  url: z.string().optional(),
  requestText: z.string().optional(),
  file: z.string().optional(),
});

const stepState = z.object({
  status: z.enum(['pending', 'running', 'done', 'failed', 'waiting-for-person', 'skipped']),
  attempts: z.number().int().nonnegative(),
  startedAt: isoTime.optional(),
  finishedAt: isoTime.optional(),
  durationMs: z.number().nonnegative().optional(),
  waitingSince: isoTime.optional(),
  confirmation: z.object({ by: z.string(), at: isoTime, method: z.enum(['api', 'person']), override: z.string().optional() }).optional(),
  outputs: jsonObject,
  intents: z.array(
    z.object({
      action: z.string(),
      at: isoTime,
      resolvedAt: isoTime.optional(),
      outcome: z.enum(['answered', 'refused', 'observed', 'not-done']).optional(),
      details: jsonObject.optional(),
    }),
  ),
  verification: z.object({ ok: z.boolean(), detail: z.string(), at: isoTime, basis: z.enum(['check', 'person', 'override']).optional(), check: z.string().optional() }).optional(),
  error: z
    .object({
      message: z.string(),
      code: z.string().optional(),
      hint: z.string().optional(),
      nextAction: z.string().optional(),
    })
    .optional(),
  person: personInstructions.optional(),
});

const rollbackRecord = z.object({
  at: isoTime,
  reason: z.string(),
  result: z.enum(['source-restarted', 'failed']),
  detail: z.string().optional(),
  undone: z.array(z.string()).optional(),
});

export const journalSchema = z.object({
  $schema: z.string().optional(),
  schemaVersion: z.literal(1),
  name: z.string().min(1),
  createdAt: isoTime,
  updatedAt: isoTime,
  status: z.enum(['active', 'completed', 'aborted']),
  abort: z.object({ at: isoTime, reason: z.string(), sourceTouched: z.boolean() }).optional(),
  warningsAcknowledged: z.object({ by: z.string(), at: isoTime }).optional(),
  lastRun: z.object({ status: z.enum(['running', 'completed', 'waiting-for-person', 'failed', 'aborted', 'cancelled']), at: isoTime }).optional(),
  input: migrationInputSchema,
  steps: z.record(z.string(), stepState),
  rehearsals: z.array(
    z.object({
      startedAt: isoTime,
      finishedAt: isoTime.optional(),
      durationsMs: z.record(z.string(), z.number().nonnegative()),
    }),
  ),
  cutover: z.object({
    predictedDowntimeMs: z.number().nonnegative().optional(),
    startedAt: isoTime.optional(),
    endedAt: isoTime.optional(),
    measuredDowntimeMs: z.number().nonnegative().optional(),
    rollback: rollbackRecord.optional(),
    rollbacks: z.array(rollbackRecord).optional(),
    downtimes: z
      .array(
        z.object({
          startedAt: isoTime,
          endedAt: isoTime.optional(),
          endedBy: z.enum(['target-started', 'source-restarted']).optional(),
        }),
      )
      .optional(),
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
