/**
 * Rehearsals: the pass over guide steps 3–9 that is timed so the cutover downtime can be predicted,
 * and repeated (after fixing what the test found) until the app works on the target.
 */
import { newStepState, type JournalStore } from './journalStore';
import type { StepDefinition } from './stepTypes';
import type { Journal } from './types';

/** Phases that make up one rehearsal pass (guide steps 3–9); their timings predict the downtime. */
export const REHEARSAL_PHASES: ReadonlySet<string> = new Set([
  'carry-package',
  'prepare-target',
  'backup',
  'restore',
  'configure',
  'test',
]);

/**
 * The rehearsal pass that has just finished and is not recorded yet: when every rehearsal step is
 * done, its start (the earliest step start, else `now`) and each step's duration.
 */
export function finishedRehearsal(steps: readonly StepDefinition[], j: Readonly<Journal>, now: string): { startedAt: string; durationsMs: Record<string, number> } | undefined {
  const rehearsal = steps.filter((s) => s.phase !== 'preflight' && REHEARSAL_PHASES.has(s.phase));
  if (rehearsal.length === 0 || !rehearsal.every((s) => j.steps[s.id]?.status === 'done')) return undefined;
  const starts = rehearsal.map((s) => j.steps[s.id].startedAt).filter((x): x is string => !!x).sort();
  const startedAt = starts[0] ?? now;
  if (j.rehearsals.some((r) => r.startedAt === startedAt)) return undefined;
  const durationsMs: Record<string, number> = {};
  for (const s of rehearsal) durationsMs[s.id] = j.steps[s.id].durationMs ?? 0;
  return { startedAt, durationsMs };
}

/**
 * Starts another rehearsal pass (guide steps 3–9 run again and are timed anew): those steps go back
 * to pending, their earlier timings stay in `rehearsals`. Refused once the cutover has begun. The
 * downloaded package is kept: it is the same build. Returns the ids reset.
 */
export async function resetRehearsal(store: JournalStore, steps: readonly StepDefinition[]): Promise<string[]> {
  const j = store.peek();
  if (j.cutover.startedAt || j.steps['cutover.stop-source']?.status === 'done') throw new Error('the cutover has started: a rehearsal is no longer possible');
  const ids = steps.filter((s) => REHEARSAL_PHASES.has(s.phase) && s.id !== 'package.download').map((s) => s.id);
  await store.update((jj) => {
    for (const id of ids) {
      const st = jj.steps[id];
      if (st) jj.steps[id] = newStepState(st.attempts);
    }
  });
  await store.appendEvent({ type: 'rehearsal', detail: { restarted: ids } });
  return ids;
}
