/**
 * `mendix-migrate plan|run|status|verify|abort|report|rehearse --journal <file>`: the migration
 * engine headless, for pipelines and fleets. `run` stops at a portal or Support step with exit code 3
 * and one JSON line naming the step and what the person must do.
 */
import { readFile, writeFile } from 'node:fs/promises';
import { existsSync } from 'node:fs';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { buildPlan, describePlan } from '../core/migration/plan';
import { migrationProgress, RUN_STATE_LABELS } from '../core/migration/progress';
import { JournalStore, pathsForJournalFile } from '../core/migration/journalStore';
import { renderReport } from '../core/migration/report';
import type { RunnerEvent } from '../core/migration/runner';
import type { MigrationInput } from '../core/migration/types';
import { resetRehearsal } from '../core/migration/rehearsal';
import { createJournal, openMigration, validateInput, type MigrationSession } from '../core/migration/session';
import { UsageError, type CliIo, type SubCommand } from './command';
import { CliPrompt } from './migratePrompt';
import {
  CONNECTION_FLAGS,
  CONNECTION_OPTIONS,
  connect,
  EXIT_BAD_INPUT,
  EXIT_FAILED,
  EXIT_OK,
  EXIT_WAITING,
  exitCodeFor,
  humanOutcome,
  statusRows,
  table,
  waitingLine,
  type Connected,
  type ConnectionValues,
} from './migrateSupport';

type Options = NonNullable<ParseArgsConfig['options']>;

function parse<T extends Options>(args: string[], options: T) {
  try {
    return parseArgs({ args, options: { journal: { type: 'string' }, json: { type: 'boolean', default: false }, ...options }, allowPositionals: false, strict: true });
  } catch (e) {
    throw new UsageError(e instanceof Error ? e.message : String(e));
  }
}

function journalOf(values: { journal?: unknown }): string {
  if (typeof values.journal !== 'string' || values.journal === '') throw new UsageError('--journal <file> is required');
  return values.journal;
}

async function withSession<R>(journal: string, values: ConnectionValues & { yes?: boolean; json?: boolean; 'confirm-stop'?: string; by?: string }, io: CliIo, onEvent: ((e: RunnerEvent) => void) | undefined, fn: (s: MigrationSession, c: Connected) => Promise<R>): Promise<R> {
  if (!existsSync(journal)) throw new UsageError(`no journal at ${journal}; create one with "mendix-migrate plan --journal ${journal} --input answers.json"`);
  const c = connect(values, io);
  const who = values.by ?? process.env.MENDIX_USERNAME ?? 'cli';
  const interactive = process.stdin.isTTY === true && process.stderr.isTTY === true && values.json !== true;
  const prompt = new CliPrompt(who, { confirmStop: values['confirm-stop'], yes: values.yes === true }, interactive, (t) => io.err(t));
  const session = await openMigration(journal, { services: c.services, prompt, logger: c.logger.child('migration'), planOptions: { pollIntervalMs: c.pollIntervalMs }, onEvent });
  await session.store.acquireLock();
  try {
    return await fn(session, c);
  } finally {
    await session.store.settle();
    await session.store.releaseLock();
    c.client.dispose();
  }
}

/** Every question of the wizard, for pipelines that write the answers file by hand. */
const ANSWERS_TEMPLATE: MigrationInput = {
  name: 'my-app-to-oregon',
  flavour: 'node-move',
  source: { projectId: '<ProjectId of the app>', name: '<app name>', appId: '<source node sub-domain>', environment: 'Production', nodeSubdomain: '<source node sub-domain>' },
  target: {
    nodeSubdomain: '<target node sub-domain>',
    environment: 'Production',
    tempAppA: { projectId: '<ProjectId of temporary app A>', name: '<temporary app A>' },
    tempAppB: { projectId: '<ProjectId of temporary app B>', name: '<temporary app B>' },
  },
  downloadFolder: '/absolute/path/for/package-and-backups',
  keepBackups: [],
  customDomains: [],
  certificate: 'none',
  portalUrl: 'https://sprintr.home.mendix.com',
  considerations: { targetDatabaseRamGb: 4 },
};

const planCommand: SubCommand = {
  name: 'plan',
  summary: 'Create a migration journal from answers (--input) or show the plan of one',
  usage: `Usage: mendix-migrate plan --journal <file> [--input <answers.json>] [--json]
       mendix-migrate plan --template > answers.json

Without --input, prints the plan of an existing journal. With --input, validates the answers
(source app and environment, target node, temporary apps A and B, flavour, download folder)
and writes a new journal; it never overwrites an existing one. Needs no credentials.

Exit codes: 0 ok, 2 bad input.`,
  async run(args, io) {
    const { values } = parse(args, { input: { type: 'string' }, template: { type: 'boolean', default: false } });
    if (values.template) {
      io.out(JSON.stringify(ANSWERS_TEMPLATE, null, 2));
      return EXIT_OK;
    }
    const journal = journalOf(values);
    let store: JournalStore;
    if (typeof values.input === 'string') {
      let data: unknown;
      try {
        data = JSON.parse(await readFile(values.input, 'utf8'));
      } catch (e) {
        throw new UsageError(`cannot read ${values.input}: ${e instanceof Error ? e.message : String(e)}`);
      }
      let input;
      try {
        input = validateInput(data);
      } catch (e) {
        throw new UsageError(e instanceof Error ? e.message : String(e));
      }
      store = await createJournal(journal, input);
    } else {
      if (!existsSync(journal)) throw new UsageError(`no journal at ${journal}; pass --input <answers.json> to create one`);
      store = await JournalStore.open(pathsForJournalFile(journal));
    }
    const lines = describePlan(buildPlan(store.peek().input).steps);
    if (values.json) {
      io.out(JSON.stringify({ journal, name: store.peek().name, flavour: store.peek().input.flavour, steps: lines }));
    } else {
      io.out(`Plan "${store.peek().name}" (${store.peek().input.flavour}): ${store.peek().input.source.name} → node ${store.peek().input.target.nodeSubdomain}\n`);
      for (const l of lines) io.out(`${String(l.index).padStart(2)}. [${l.kind}] ${l.title} (${l.id})${l.dependsOn.length ? ` ← ${l.dependsOn.join(', ')}` : ''}\n    ${l.describe}`);
    }
    return EXIT_OK;
  },
};

const runCommand: SubCommand = {
  name: 'run',
  summary: 'Run (or resume) a migration until it completes or needs a person',
  usage: `Usage: mendix-migrate run --journal <file> [options]

Runs every step that can run, independent ones at the same time, and resumes after a crash
without repeating any non-idempotent call. Stops at portal and Support steps.

Options:
  --step <id>              Run only this step (with its "already done?" check)
  --yes                    Apply configuration differences without asking
  --confirm-stop <name>    Typed confirmation to stop the source for the cutover (the app name)
  --by <name>              Name recorded with confirmations (default MENDIX_USERNAME)
  --json                   JSON lines (events and the outcome) instead of text
${CONNECTION_OPTIONS}

Exit codes: 0 completed, 1 failed (see the next action), 2 bad input,
3 waiting for a person (the last line is JSON naming the step and what to do), 130 interrupted.`,
  async run(args, io) {
    const { values } = parse(args, { ...CONNECTION_FLAGS, step: { type: 'string' }, yes: { type: 'boolean', default: false }, 'confirm-stop': { type: 'string' }, by: { type: 'string' } });
    const journal = journalOf(values);
    const json = values.json === true;
    const onEvent = (e: RunnerEvent): void => {
      if (e.type === 'progress') return;
      if (json) io.out(JSON.stringify({ event: e.type, step: e.stepId, title: e.title, ...(e.message ? { message: e.message } : {}) }));
      else if (e.type === 'step-started') io.out(`▶ ${e.title} (${e.stepId})`);
      else if (e.type === 'step-done') io.out(`✔ ${e.title}${e.message ? ` — ${e.message}` : ''}`);
      else if (e.type === 'rollback-started') io.out(`⟲ ${e.title} failed inside the cutover: rolling back, the source is started again`);
    };
    return withSession(journal, values, io, onEvent, async (s) => {
      if (typeof values.step === 'string') return runOneStep(s, values.step, journal, json, io);
      const out = await s.runner.run({ signal: io.signal });
      const rb = s.store.peek().cutover.rollback;
      if (rb?.result === 'failed' && s.runner.inCutoverWindow()) {
        // Production may be down: said first and loudly, on stderr too.
        io.err(`⚠ the source could not be restarted after a failure in the cutover (${rb.detail ?? rb.reason}); start ${s.store.peek().input.source.name} in the portal, or run "mendix-migrate abort" to retry the restart`);
      }
      if (json) {
        if (out.status !== 'waiting-for-person') io.out(JSON.stringify({ status: out.status, failed: out.failed, journal }));
      } else {
        for (const l of humanOutcome(out, journal)) io.out(l);
      }
      if (out.status === 'waiting-for-person' && out.waiting.length > 0) io.out(waitingLine(out.waiting[0], journal, out.waiting));
      return exitCodeFor(out);
    });
  },
};

/**
 * `run --step <id>`: exit 0 when the step is done (now or already), 1 when it failed, 2 for an
 * unknown step or one whose dependencies are not done, 3 when it waits for a person; always with a line
 * saying which.
 */
async function runOneStep(s: MigrationSession, stepId: string, journal: string, json: boolean, io: CliIo): Promise<number> {
  const step = s.plan.steps.find((x) => x.id === stepId);
  if (!step) throw new UsageError(`unknown step "${stepId}"; the steps are listed by "mendix-migrate plan --journal ${journal}"`);
  const say = (status: string, message: string, extra: Record<string, unknown> = {}): void =>
    io.out(json ? JSON.stringify({ step: stepId, status, message, ...extra }) : message);
  const before = s.store.peek().steps[stepId]?.status ?? 'pending';
  if (before === 'done' || before === 'skipped') {
    say(before, `✔ ${step.title} (${stepId}) is already ${before}`);
    return EXIT_OK;
  }
  const unmet = step.dependsOn.filter((d) => !['done', 'skipped'].includes(s.store.peek().steps[d]?.status ?? 'pending'));
  if (unmet.length > 0) {
    const list = unmet.map((d) => `${d} (${s.store.peek().steps[d]?.status ?? 'pending'})`).join(', ');
    say('blocked', `✘ ${step.title} (${stepId}) cannot run yet: it needs ${list} done first`, { needs: unmet });
    return EXIT_BAD_INPUT;
  }
  const out = await s.runner.run({ signal: io.signal, onlyStep: stepId });
  const st = s.store.peek().steps[stepId];
  if (st?.status === 'done' || st?.status === 'skipped') {
    say(st.status, `✔ ${step.title} (${stepId}) done${st.verification ? ` — ${st.verification.detail}` : ''}`);
    return EXIT_OK;
  }
  if (st?.status === 'waiting-for-person') {
    const w = out.waiting.find((x) => x.stepId === stepId);
    if (!json) for (const l of humanOutcome({ ...out, failed: [] }, journal)) io.out(l);
    if (w) io.out(waitingLine(w, journal, out.waiting));
    return EXIT_WAITING;
  }
  if (out.status === 'cancelled') {
    say('cancelled', `${step.title} (${stepId}) was interrupted; run it again to resume`);
    return exitCodeFor(out);
  }
  const err = st?.error;
  say('failed', `✘ ${step.title} (${stepId}) failed: ${err?.message ?? 'see the journal'}${err?.nextAction ? `\n  Next: ${err.nextAction}` : ''}`, err ? { error: err } : {});
  return EXIT_FAILED;
}

const statusCommand: SubCommand = {
  name: 'status',
  summary: 'Show every step of a migration with its state and timing',
  usage: `Usage: mendix-migrate status --journal <file> [--json]

Reads the journal only (no credentials, no API calls).`,
  async run(args, io) {
    const { values } = parse(args, {});
    const journal = journalOf(values);
    if (!existsSync(journal)) throw new UsageError(`no journal at ${journal}`);
    const j = (await JournalStore.open(pathsForJournalFile(journal))).peek();
    const steps = buildPlan(j.input).steps;
    // The same reading of the journal as the editor's panel, view and status bar.
    const p = migrationProgress(describePlan(steps), j);
    if (values.json) {
      io.out(JSON.stringify({ name: j.name, status: j.status, state: p.state, now: p.now, done: p.done, total: p.total, cutover: j.cutover, steps: steps.map((s) => ({ id: s.id, kind: s.kind, title: s.title, ...j.steps[s.id] })) }));
      return EXIT_OK;
    }
    io.out(`Migration "${j.name}": ${j.status} · ${RUN_STATE_LABELS[p.state]} · ${p.done}/${p.total} steps done${j.abort ? ` (aborted: ${j.abort.reason})` : ''}\nNow: ${p.now}\n`);
    io.out(table(['#', 'step', 'kind', 'status', 'duration', 'title'], statusRows(j, steps)));
    const waiting = steps.filter((s) => j.steps[s.id]?.status === 'waiting-for-person');
    for (const w of waiting) io.out(`\n⏸ ${w.id}: ${j.steps[w.id].person?.summary ?? w.title}`);
    const failed = steps.filter((s) => j.steps[s.id]?.status === 'failed');
    for (const f of failed) io.out(`\n✘ ${f.id}: ${j.steps[f.id].error?.message ?? ''}${j.steps[f.id].error?.nextAction ? `\n  Next: ${j.steps[f.id].error?.nextAction}` : ''}`);
    return EXIT_OK;
  },
};

const verifyCommand: SubCommand = {
  name: 'verify',
  summary: 'Verify a step through the API; with --confirm, mark a manual step done',
  usage: `Usage: mendix-migrate verify --journal <file> --step <id> [--confirm] [--by <name>] [--json]

Runs the step's verification and records it. With --confirm a person confirms a portal or
Support step (the panel's "Mark Done"); it is marked done only if the verification passes.
${CONNECTION_OPTIONS}

Exit codes: 0 verified, 1 not verified, 2 bad input.`,
  async run(args, io) {
    const { values } = parse(args, { ...CONNECTION_FLAGS, step: { type: 'string' }, confirm: { type: 'boolean', default: false }, by: { type: 'string' } });
    const journal = journalOf(values);
    if (typeof values.step !== 'string') throw new UsageError('--step <id> is required');
    const stepId = values.step;
    return withSession(journal, values, io, undefined, async (s) => {
      if (!s.plan.steps.some((x) => x.id === stepId)) throw new UsageError(`unknown step "${stepId}"; see "mendix-migrate plan --journal ${journal}"`);
      const by = typeof values.by === 'string' ? values.by : (process.env.MENDIX_USERNAME ?? 'cli');
      const v = values.confirm ? await s.runner.confirmManualStep(stepId, by, io.signal) : await s.runner.verifyStep(stepId, io.signal);
      io.out(values.json ? JSON.stringify({ step: stepId, ...v }) : `${v.ok ? '✔' : '✘'} ${stepId}: ${v.detail}`);
      return v.ok ? EXIT_OK : EXIT_FAILED;
    });
  },
};

const abortCommand: SubCommand = {
  name: 'abort',
  summary: 'Abort a migration (restarting the source if the cutover had stopped it)',
  usage: `Usage: mendix-migrate abort --journal <file> --reason <text> [--json]
${CONNECTION_OPTIONS}`,
  async run(args, io) {
    const { values } = parse(args, { ...CONNECTION_FLAGS, reason: { type: 'string' } });
    const journal = journalOf(values);
    if (typeof values.reason !== 'string' || values.reason.trim() === '') throw new UsageError('--reason <text> is required');
    const reason = values.reason;
    return withSession(journal, values, io, undefined, async (s) => {
      const r = await s.runner.abort(reason);
      io.out(values.json ? JSON.stringify({ aborted: true, ...r }) : `Aborted. ${r.sourceTouched ? `The source was restarted: ${r.rollback ?? ''}` : 'The source was never touched.'}`);
      return EXIT_OK;
    });
  },
};

const reportCommand: SubCommand = {
  name: 'report',
  summary: 'Export the sign-off report (Markdown) of a migration',
  usage: `Usage: mendix-migrate report --journal <file> [--out <file.md>]

Before/after, preflight, every step with timing and confirmation, downtime, checksums.`,
  async run(args, io) {
    const { values } = parse(args, { out: { type: 'string' } });
    const journal = journalOf(values);
    if (!existsSync(journal)) throw new UsageError(`no journal at ${journal}`);
    const j = (await JournalStore.open(pathsForJournalFile(journal))).peek();
    const md = renderReport(j, buildPlan(j.input).steps);
    if (typeof values.out === 'string') {
      await writeFile(values.out, md);
      io.out(values.json ? JSON.stringify({ written: values.out }) : `Report written to ${values.out}`);
    } else io.out(md);
    return EXIT_OK;
  },
};

const rehearseCommand: SubCommand = {
  name: 'rehearse',
  summary: 'Start another rehearsal: package, backup, restore, configuration and test run again',
  usage: `Usage: mendix-migrate rehearse --journal <file>

Resets the rehearsal steps (guide steps 3–9) to pending; their earlier timings stay in the journal.
Refused once the cutover has started. Then run "mendix-migrate run".`,
  async run(args, io) {
    const { values } = parse(args, {});
    const journal = journalOf(values);
    if (!existsSync(journal)) throw new UsageError(`no journal at ${journal}`);
    const store = await JournalStore.open(pathsForJournalFile(journal));
    await store.acquireLock();
    try {
      let ids: string[];
      try {
        ids = await resetRehearsal(store, buildPlan(store.peek().input).steps);
      } catch (e) {
        io.err(e instanceof Error ? e.message : String(e));
        return EXIT_BAD_INPUT;
      }
      io.out(values.json ? JSON.stringify({ restarted: ids }) : `Rehearsal reset: ${ids.join(', ')}`);
      return EXIT_OK;
    } finally {
      await store.releaseLock();
    }
  },
};

export const MIGRATE_COMMANDS: readonly SubCommand[] = [planCommand, runCommand, statusCommand, verifyCommand, abortCommand, reportCommand, rehearseCommand];
