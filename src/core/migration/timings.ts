/**
 * Timing arithmetic over a plan: the critical path (the longest dependency chain, which bounds how
 * fast a run can be) and the downtime prediction from the latest rehearsal.
 */
import type { StepDefinition } from './stepTypes';
import type { Journal } from './types';

/** Longest path through the dependency graph, weighting each step with its duration. */
export function criticalPathMs(steps: readonly StepDefinition[], durations: Readonly<Record<string, number>>): { ms: number; path: string[] } {
  const memo = new Map<string, { ms: number; path: string[] }>();
  const byId = new Map(steps.map((s) => [s.id, s]));
  const visit = (id: string): { ms: number; path: string[] } => {
    const hit = memo.get(id);
    if (hit) return hit;
    const s = byId.get(id);
    let best = { ms: 0, path: [] as string[] };
    for (const d of s?.dependsOn ?? []) {
      const r = visit(d);
      if (r.ms > best.ms) best = r;
    }
    const r = { ms: best.ms + (durations[id] ?? 0), path: [...best.path, id] };
    memo.set(id, r);
    return r;
  };
  let out = { ms: 0, path: [] as string[] };
  for (const s of steps) {
    const r = visit(s.id);
    if (r.ms > out.ms) out = r;
  }
  return out;
}

/** Which rehearsal step's timing stands in for each cutover step inside the downtime window. */
export const CUTOVER_REHEARSED_BY: Readonly<Record<string, string>> = {
  'cutover.snapshot': 'backup.snapshot',
  'cutover.archive': 'backup.archive',
  'cutover.download': 'backup.download',
  'cutover.upload': 'backup.upload',
  'cutover.restore': 'restore',
  'cutover.start-target': 'test.start-target',
};

/**
 * Predicted downtime: the cutover window is a strict chain (final snapshot → archive → download →
 * upload → restore → start), so it is the sum of the rehearsed durations of those steps.
 */
export function predictDowntimeMs(journal: Readonly<Journal>): number | undefined {
  const last = journal.rehearsals[journal.rehearsals.length - 1];
  if (!last) return undefined;
  let total = 0;
  for (const rehearsed of Object.values(CUTOVER_REHEARSED_BY)) {
    const ms = last.durationsMs[rehearsed];
    if (ms === undefined) return undefined;
    total += ms;
  }
  return total;
}
