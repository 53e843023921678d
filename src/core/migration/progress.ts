/**
 * Where a migration stands, computed once from (plan, journal) and used by every surface: the panel
 * header, the Migrations view, the status bar, the progress notification and the CLI. Pure: the
 * only outside fact it takes is whether this process is driving the run right now.
 */
import type { PlanLine } from './plan';
import type { Journal, RunState, StepStatus } from './types';

export type { RunState } from './types';

export const RUN_STATE_LABELS: Readonly<Record<RunState, string>> = {
  running: 'Running',
  paused: 'Paused',
  interrupted: 'Interrupted',
  'rolled-back': 'Rolled back',
  waiting: 'Waiting for you',
  failed: 'Failed',
  ready: 'Ready',
  completed: 'Completed',
  aborted: 'Aborted',
};

export interface StepRef {
  id: string;
  index: number;
  title: string;
  status: StepStatus;
}

export interface MigrationProgress {
  state: RunState;
  done: number;
  total: number;
  /** The step the state is about: running, failed, waiting or next (in that order). */
  focus?: StepRef;
  running: StepRef[];
  waiting: StepRef[];
  failed: StepRef[];
  /** The first step whose dependencies are settled and that is not. */
  next?: StepRef;
  /** One line: what must happen now ("Now: …"). */
  now: string;
}

const SETTLED: ReadonlySet<string> = new Set(['done', 'skipped']);

export function migrationProgress(lines: readonly PlanLine[], journal: Readonly<Journal>, opts: { busy?: boolean } = {}): MigrationProgress {
  const status = (id: string): StepStatus => journal.steps[id]?.status ?? 'pending';
  const ref = (l: PlanLine): StepRef => ({ id: l.id, index: l.index, title: l.title, status: status(l.id) });
  const running = lines.filter((l) => status(l.id) === 'running').map(ref);
  const waiting = lines.filter((l) => status(l.id) === 'waiting-for-person').map(ref);
  const failed = lines.filter((l) => status(l.id) === 'failed').map(ref);
  const nextLine = lines.find((l) => !SETTLED.has(status(l.id)) && status(l.id) !== 'waiting-for-person' && status(l.id) !== 'running' && l.dependsOn.every((d) => SETTLED.has(status(d))));
  const next = nextLine ? ref(nextLine) : undefined;
  const done = lines.filter((l) => SETTLED.has(status(l.id))).length;
  const base = { done, total: lines.length, running, waiting, failed, next };
  const c = journal.cutover;
  const rolledBack = c.rollback?.result === 'source-restarted' && !c.startedAt && !c.endedAt;

  if (journal.status === 'aborted') return { ...base, state: 'aborted', now: `Aborted: ${journal.abort?.reason ?? 'stopped for good'}` };
  if (journal.status === 'completed') return { ...base, state: 'completed', now: 'Completed: every step is done' };
  if (opts.busy && running.length > 0) return { ...base, state: 'running', focus: running[0], now: `Running: ${running[0].title}` };
  if (running.length > 0 || (journal.lastRun?.status === 'running' && !opts.busy)) {
    const focus = running[0] ?? next;
    return { ...base, state: 'interrupted', focus, now: `Resume the run: it was interrupted${focus ? ` during "${focus.title}"` : ''}` };
  }
  // Busy with no step running (a Mark Done being checked, say): the focus stays on the step it is about.
  if (opts.busy) return { ...base, state: 'running', focus: next ?? waiting[0] ?? failed[0], now: next ? `Running: ${next.title}` : 'Running' };
  if (rolledBack) {
    const at = failed[0] ?? next;
    return { ...base, state: 'rolled-back', focus: at, now: `Cutover rolled back: the source runs again. Fix the cause${at ? `, then Run "${at.title}"` : ''}` };
  }
  if (failed.length > 0) return { ...base, state: 'failed', focus: failed[0], now: `Fix and run again: ${failed[0].title}` };
  if (waiting.length > 0) return { ...base, state: 'waiting', focus: waiting[0], now: `Do this, then Mark Done: ${waiting[0].title}` };
  if (journal.lastRun?.status === 'cancelled') return { ...base, state: 'paused', focus: next, now: `Paused: Resume to go on${next ? ` with "${next.title}"` : ''}` };
  return { ...base, state: 'ready', focus: next, now: next ? `Run: ${next.title}` : 'Nothing to run' };
}
