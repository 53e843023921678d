/** The migrations of a workspace: every journal under `.mendix-migrations/` with its phase. */
import { promises as fs } from 'node:fs';
import { join, resolve } from 'node:path';
import { JOURNAL_FOLDER, readJournalFile as readJournal } from '../../migration/journalStore';
import { buildPlan, describePlan, type PlanLine } from '../../migration/plan';
import { migrationProgress, type RunState } from '../../migration/progress';
import type { Journal, RunStatus } from '../../migration/types';
import { PHASE_LABELS } from '../panel/panelModel';

export interface JournalSummary {
  file: string;
  name: string;
  status: RunStatus;
  /** Label of the phase the run is in (of its current step), or the run's end state. */
  phase: string;
  currentStep?: { id: string; title: string; status: string };
  /** Where the run stands (see migrationProgress); `running` only while a run here drives it. */
  state: RunState;
  /** What must happen now, in one line. */
  now: string;
  done: number;
  total: number;
  updatedAt: string;
  error?: string;
}

export function planLinesFor(journal: Readonly<Journal>): PlanLine[] {
  return describePlan(buildPlan(journal.input).steps);
}

export function summarize(file: string, journal: Readonly<Journal>, lines: readonly PlanLine[] = planLinesFor(journal), busy = false): JournalSummary {
  const p = migrationProgress(lines, journal, { busy });
  const cur = p.focus?.id;
  const line = lines.find((l) => l.id === cur);
  const phase =
    journal.status === 'completed' ? 'Completed' : journal.status === 'aborted' ? 'Aborted' : line ? PHASE_LABELS[line.phase] : 'Ready';
  const out: JournalSummary = { file, name: journal.name, status: journal.status, phase, state: p.state, now: p.now, done: p.done, total: p.total, updatedAt: journal.updatedAt };
  if (line) out.currentStep = { id: line.id, title: line.title, status: journal.steps[line.id]?.status ?? 'pending' };
  return out;
}

export function readJournalFile(file: string): Promise<Journal> {
  // One reader for every surface (a byte-order mark accepted, damage named).
  return readJournal(file);
}

/**
 * Whether `file` (e.g. from a webview's saved state, which the page could have changed) is one of the
 * listed journals; compared as resolved paths.
 */
export function isKnownJournal(journals: readonly Pick<JournalSummary, 'file'>[], file: string): boolean {
  const want = resolve(file);
  return journals.some((j) => resolve(j.file) === want);
}

/**
 * The runs this window drives: while one runs, its journal in memory is newer than the file (each
 * change is written after it is made, and an fsync can take a while on a busy disk).
 */
export interface LiveRuns {
  busy(file: string): string | undefined;
  peek(file: string): Readonly<Journal> | undefined;
  planLines(file: string): readonly PlanLine[];
}

/**
 * Never throws: an unreadable journal is listed with its error so the view can show it. A journal
 * that a run in `live` holds is summarised from its live state instead of the file.
 */
export async function listJournals(workspaceFolder: string, live?: LiveRuns): Promise<JournalSummary[]> {
  const dir = join(workspaceFolder, JOURNAL_FOLDER);
  let names: string[];
  try {
    names = await fs.readdir(dir);
  } catch {
    return [];
  }
  const files = names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort();
  return Promise.all(
    files.map(async (n) => {
      const file = join(dir, n);
      const held = live?.busy(file) ? live.peek(file) : undefined;
      if (held && live) return summarize(file, held, live.planLines(file), true);
      try {
        return summarize(file, await readJournalFile(file));
      } catch (e) {
        const name = n.replace(/\.json$/, '');
        return { file, name, status: 'active' as const, phase: 'Unreadable', state: 'failed' as const, now: 'The journal cannot be read', done: 0, total: 0, updatedAt: '', error: e instanceof Error ? e.message : String(e) };
      }
    }),
  );
}
