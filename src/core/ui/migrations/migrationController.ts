/**
 * Drives migrations for the editor: one entry per journal file, opened read-only for viewing and
 * wired to the engine (with credentials) only when something runs. One operation at a time per
 * journal; every change is announced so the panel and the Migrations view redraw.
 */
import { writeFile } from 'node:fs/promises';
import { JournalStore, journalPathsFor, pathsForJournalFile } from '../../migration/journalStore';
import { buildPlan, type PlanLine } from '../../migration/plan';
import { renderReport } from '../../migration/report';
import { reopenStep } from '../../migration/reopenStep';
import type { RunnerEvent, RunOutcome } from '../../migration/runner';
import type { MigrationServices } from '../../mendix/services';
import { createJournal, openMigration, type MigrationSession } from '../../migration/session';
import { abortReason, isoNow, systemClock, type Clock } from '../../shared/clock';
import type { MigrationPrompt, VerifyResult } from '../../migration/stepTypes';
import type { PlanOptions } from '../../migration/steps/common';
import type { Journal, MigrationInput, PersonInstructions } from '../../migration/types';
import type { Logger } from '../../shared/logger';
import { TransferBoard } from '../panel/transfers';
import type { TransferRow } from '../panel/protocol';
import { planLinesFor } from './journalList';
import { TransferTap } from './transferTap';

export interface ControllerDeps {
  /** Services for a journal's run (the host finds the account and builds the API client). */
  services(file: string, journal: Readonly<Journal>): Promise<MigrationServices>;
  prompt: MigrationPrompt;
  logger: Logger;
  clock?: Clock;
  planOptions?: () => Partial<PlanOptions>;
  now?: () => number;
}

export type ControllerChange =
  | { kind: 'journal'; file: string }
  | { kind: 'busy'; file: string; busy: string | undefined }
  | { kind: 'transfer'; file: string; row: TransferRow }
  | { kind: 'runner'; file: string; event: RunnerEvent };

export class MigrationBusyError extends Error {
  constructor(name: string, what: string) {
    super(`Migration "${name}" is busy (${what}); wait for it to finish or cancel it.`);
    this.name = 'MigrationBusyError';
  }
}

interface Entry {
  store: JournalStore;
  lines: PlanLine[];
  session?: MigrationSession;
  busy?: string;
  /** What the person must know now instead of the journal's reading (an open question, a rollback under way). */
  saying?: string;
  board: TransferBoard;
  /** Operations queued behind the current one (a person's Mark Done while a run goes on elsewhere). */
  idle: Set<() => void>;
}

/** What the header says while the engine restarts the source after a failed cutover step. */
export const ROLLING_BACK = 'rolling back: starting the source again';
/** What the header says while the engine waits for the person's answer to its question. */
export const WAITING_FOR_ANSWER = 'waiting for your answer';

export class MigrationController {
  private readonly entries = new Map<string, Entry>();
  private readonly listeners = new Set<(c: ControllerChange) => void>();
  private readonly clock: Clock;

  constructor(private readonly deps: ControllerDeps) {
    this.clock = deps.clock ?? systemClock;
  }

  onDidChange(listener: (c: ControllerChange) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  /** Opens a journal for viewing (no credentials needed); re-reads the file unless a run holds it. */
  async load(file: string): Promise<Readonly<Journal>> {
    const e = this.entries.get(file);
    if (e && (e.session || e.busy)) return e.store.peek();
    const store = await JournalStore.open(pathsForJournalFile(file), () => new Date(this.clock.now()));
    const lines = planLinesFor(store.peek());
    this.entries.set(file, { store, lines, board: e?.board ?? new TransferBoard(this.deps.now), idle: e?.idle ?? new Set() });
    return store.peek();
  }

  /** The file changed on disk (another tool, e.g. the CLI): re-read it unless a run here holds it. */
  async reload(file: string): Promise<void> {
    if (this.busy(file) || !this.entries.has(file)) return;
    await this.load(file);
    this.emit({ kind: 'journal', file });
  }

  peek(file: string): Readonly<Journal> | undefined {
    return this.entries.get(file)?.store.peek();
  }

  planLines(file: string): readonly PlanLine[] {
    return this.entries.get(file)?.lines ?? [];
  }

  busy(file: string): string | undefined {
    return this.entries.get(file)?.busy;
  }

  /** The "Now:" line while the run is not working on a step: an open question, or a rollback under way. */
  saying(file: string): string | undefined {
    return this.entries.get(file)?.saying;
  }

  transfers(file: string): TransferRow[] {
    return this.entries.get(file)?.board.rows() ?? [];
  }

  /** The support request text or portal page of a step waiting for a person. */
  instructions(file: string, stepId: string): PersonInstructions | undefined {
    return this.peek(file)?.steps[stepId]?.person;
  }

  /** Writes a new journal from the wizard's answers; nothing runs yet. */
  async create(workspaceFolder: string, input: MigrationInput): Promise<string> {
    const file = journalPathsFor(workspaceFolder, input.name).journal;
    await createJournal(file, input, this.clock, this.deps.planOptions?.());
    await this.load(file);
    this.emit({ kind: 'journal', file });
    return file;
  }

  /** Runs the plan (or one step) until it needs a person, fails, completes or is cancelled. */
  run(file: string, opts: { onlyStep?: string; signal?: AbortSignal; onEvent?: (e: RunnerEvent) => void; onQueued?: (busy: string) => void } = {}): Promise<RunOutcome> {
    // With onQueued, a run asked for while another operation holds the journal (the continuation of
    // a person's Mark Done) waits its turn instead of being refused.
    const queue = opts.onQueued ? { signal: opts.signal, onQueued: opts.onQueued } : undefined;
    return this.exclusive(file, opts.onlyStep ? `running ${opts.onlyStep}` : 'running', async (session) => {
      const sub = this.onDidChange((c) => {
        if (c.kind === 'runner' && c.file === file) opts.onEvent?.(c.event);
      });
      try {
        return await session.runner.run({ signal: opts.signal, onlyStep: opts.onlyStep });
      } finally {
        sub.dispose();
      }
    }, queue);
  }

  verify(file: string, stepId: string, signal?: AbortSignal): Promise<VerifyResult> {
    return this.exclusive(file, `verifying ${stepId}`, (s) => s.runner.verifyStep(stepId, signal));
  }

  /** Records the person's confirmation, then runs the step's detection and verification (see the runner). */
  markDone(file: string, stepId: string, signal?: AbortSignal, override?: string, onQueued?: (busy: string) => void): Promise<VerifyResult> {
    // A run may be busy on other branches while this step waits: the confirmation waits its turn
    // (the run pauses once nothing else can go on) instead of being refused.
    const queue = { signal, onQueued };
    return this.exclusive(file, `confirming ${stepId}`, (s) => s.runner.confirmManualStep(stepId, this.deps.prompt.person, signal, override === undefined ? {} : { override }), queue);
  }

  /** The person read the preflight's warnings: they leave the top of the panel (kept in the journal and report). */
  acknowledgeWarnings(file: string): Promise<void> {
    return this.exclusive(file, 'acknowledging warnings', (s) =>
      s.store.update((j) => {
        j.warningsAcknowledged = { by: this.deps.prompt.person, at: isoNow(this.clock) };
      }),
    );
  }

  /** "Redo step": a person step goes back to pending (refused while later steps rest on it). */
  reopen(file: string, stepId: string): Promise<void> {
    return this.exclusive(file, `reopening ${stepId}`, (s) => reopenStep(s.store, s.runner.steps, stepId, this.deps.prompt.person));
  }

  abort(file: string, reason: string): Promise<{ sourceTouched: boolean; rollback?: string }> {
    return this.exclusive(file, 'aborting', (s) => s.runner.abort(reason));
  }

  /** Writes the report beside the journal (`<name>-report.md`) and returns its path. */
  async saveReport(file: string): Promise<string> {
    const path = file.replace(/\.json$/, '') + '-report.md';
    await writeFile(path, await this.report(file), 'utf8');
    return path;
  }

  /** The Markdown sign-off report (before/after, timings, checksums). */
  async report(file: string): Promise<string> {
    const j = this.peek(file) ?? (await this.load(file));
    return renderReport(j, buildPlan(j.input, this.deps.planOptions?.()).steps);
  }

  private async exclusive<T>(
    file: string,
    what: string,
    fn: (s: MigrationSession) => Promise<T>,
    queue?: { signal?: AbortSignal; onQueued?: (busy: string) => void },
  ): Promise<T> {
    const placeholder = await this.entry(file);
    while (placeholder.busy) {
      if (!queue) throw new MigrationBusyError(placeholder.store.peek().name, placeholder.busy);
      queue.onQueued?.(placeholder.busy);
      await this.whenIdle(placeholder, queue.signal);
    }
    this.setBusy(file, placeholder, what);
    let session: MigrationSession | undefined;
    try {
      session = await this.openSession(file, placeholder);
      await session.store.acquireLock();
      try {
        return await fn(session);
      } finally {
        await session.store.releaseLock();
      }
    } finally {
      placeholder.saying = undefined;
      // The next operation opens a fresh session, so edits made by other tools (the CLI) are seen.
      placeholder.session = undefined;
      this.setBusy(file, placeholder, undefined);
      this.emit({ kind: 'journal', file });
      const waiting = [...placeholder.idle];
      placeholder.idle.clear();
      for (const resume of waiting) resume();
    }
  }

  /** Resolves when the entry's current operation has ended (rejects when `signal` aborts first). */
  private whenIdle(entry: Entry, signal?: AbortSignal): Promise<void> {
    if (signal?.aborted) return Promise.reject(abortReason(signal));
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        entry.idle.delete(resume);
        reject(abortReason(signal));
      };
      const resume = (): void => {
        signal?.removeEventListener('abort', onAbort);
        resolve();
      };
      entry.idle.add(resume);
      signal?.addEventListener('abort', onAbort, { once: true });
    });
  }

  private async entry(file: string): Promise<Entry> {
    const e = this.entries.get(file);
    if (e) return e;
    await this.load(file);
    const loaded = this.entries.get(file);
    if (!loaded) throw new Error(`could not open ${file}`);
    return loaded;
  }

  private async openSession(file: string, entry: Entry): Promise<MigrationSession> {
    const tap = new TransferTap();
    const services = tap.wrap(await this.deps.services(file, entry.store.peek()));
    const session = await openMigration(file, {
      services,
      prompt: this.promptFor(file, entry),
      logger: this.deps.logger.child('migration'),
      clock: this.clock,
      planOptions: this.deps.planOptions?.(),
      onEvent: (event) => {
        if (event.type === 'progress') {
          const tick = tap.take();
          if (tick) this.emit({ kind: 'transfer', file, row: entry.board.update(event.stepId, tick.label, tick.bytes, tick.total) });
        } else {
          if (event.type !== 'step-started' && event.type !== 'rollback-started') {
            const row = entry.board.finish(event.stepId);
            if (row) this.emit({ kind: 'transfer', file, row });
          }
          this.emit({ kind: 'journal', file });
          // The runner restarts the source before the run ends: say so instead of "running".
          if (event.type === 'rollback-started') {
            entry.saying = `Rolling back: "${event.title}" failed, so the source is started again`;
            this.setBusy(file, entry, ROLLING_BACK);
          }
        }
        this.emit({ kind: 'runner', file, event });
      },
    });
    entry.session = session;
    entry.store = session.store;
    entry.lines = planLinesFor(session.store.peek());
    return session;
  }

  /**
   * The engine's questions, told to the screen while they are open: the run is then waiting for the
   * person (an input box or dialog that is easy to miss), not working.
   */
  private promptFor(file: string, entry: Entry): MigrationPrompt {
    const prompt = this.deps.prompt;
    const ask = async <T>(where: string, question: string, answer: () => Promise<T>): Promise<T> => {
      const before = { busy: entry.busy, saying: entry.saying };
      entry.saying = `Answer the question ${where}: ${question}`;
      this.setBusy(file, entry, WAITING_FOR_ANSWER);
      try {
        return await answer();
      } finally {
        entry.saying = before.saying;
        if (entry.busy === WAITING_FOR_ANSWER) this.setBusy(file, entry, before.busy);
      }
    };
    return {
      person: prompt.person,
      confirmTyped: (question, expected) => ask('at the top of the window', `${question} Type "${expected}" to confirm.`, () => prompt.confirmTyped(question, expected)),
      confirm: (question, detail) => ask('in the dialog', question, () => prompt.confirm(question, detail)),
    };
  }

  private setBusy(file: string, entry: Entry, busy: string | undefined): void {
    entry.busy = busy;
    this.emit({ kind: 'busy', file, busy });
  }

  private emit(c: ControllerChange): void {
    for (const l of [...this.listeners]) {
      try {
        l(c);
      } catch (e) {
        this.deps.logger.warn(`migration listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }
}
