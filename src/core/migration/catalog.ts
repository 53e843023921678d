/**
 * The migrations of a workspace, for the Migrations view and `status` overviews: every journal under
 * `.mendix-migrations/` with its status and the phase it is in. Reads journals only; a damaged one is
 * listed with its error rather than hiding the others.
 */
import { readdir } from 'node:fs/promises';
import { join } from 'node:path';
import { buildPlan } from './plan';
import { JOURNAL_FOLDER, JournalStore, pathsForJournalFile } from './journalStore';
import type { Phase, RunStatus, StepStatus } from './types';

export interface MigrationSummary {
  file: string;
  name: string;
  status?: RunStatus;
  /** Phase of the first step that is not finished (or of the last step when all are). */
  phase?: Phase;
  /** Step a person must act on, when the run waits for one. */
  waitingFor?: { stepId: string; summary: string }[];
  done: number;
  total: number;
  error?: string;
}

const FINISHED: ReadonlySet<StepStatus> = new Set(['done', 'skipped']);

export async function listMigrations(workspaceFolder: string): Promise<MigrationSummary[]> {
  const folder = join(workspaceFolder, JOURNAL_FOLDER);
  let names: string[];
  try {
    names = (await readdir(folder)).filter((f) => f.endsWith('.json')).sort();
  } catch {
    return [];
  }
  const out: MigrationSummary[] = [];
  for (const n of names) {
    const file = join(folder, n);
    try {
      const j = (await JournalStore.open(pathsForJournalFile(file))).peek();
      const steps = buildPlan(j.input).steps;
      const open = steps.find((s) => !FINISHED.has(j.steps[s.id]?.status ?? 'pending'));
      const waiting = steps.filter((s) => j.steps[s.id]?.status === 'waiting-for-person');
      out.push({
        file,
        name: j.name,
        status: j.status,
        phase: (open ?? steps[steps.length - 1])?.phase,
        waitingFor: waiting.map((s) => ({ stepId: s.id, summary: j.steps[s.id].person?.summary ?? s.title })),
        done: steps.filter((s) => FINISHED.has(j.steps[s.id]?.status ?? 'pending')).length,
        total: steps.length,
      });
    } catch (e) {
      out.push({ file, name: n.replace(/\.json$/, ''), done: 0, total: 0, error: e instanceof Error ? e.message : String(e) });
    }
  }
  return out;
}
