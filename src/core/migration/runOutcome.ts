/** What a run ended in, computed from the plan and the journal alone. */
import type { StepDefinition } from './stepTypes';
import type { Journal } from './types';
import type { FailedStep, RunOutcome, RunStatusResult, WaitingStep } from './runner';

/** Step states that let dependent steps go on. */
export const SETTLED: ReadonlySet<string> = new Set(['done', 'skipped']);

export function finalStatusOf(steps: readonly StepDefinition[], j: Readonly<Journal>, cancelled: boolean): RunStatusResult {
  if (j.status === 'aborted') return 'aborted';
  const states = steps.map((s) => j.steps[s.id]?.status ?? 'pending');
  if (states.every((s) => SETTLED.has(s))) return 'completed';
  if (cancelled) return 'cancelled';
  if (states.includes('failed')) return 'failed';
  if (states.includes('waiting-for-person')) return 'waiting-for-person';
  return 'failed';
}

export function outcomeOf(steps: readonly StepDefinition[], j: Readonly<Journal>, status: RunStatusResult): RunOutcome {
  const waiting: WaitingStep[] = [];
  const failed: FailedStep[] = [];
  for (const s of steps) {
    const st = j.steps[s.id];
    if (st?.status === 'waiting-for-person') {
      waiting.push({ stepId: s.id, title: s.title, kind: s.kind, instructions: st.person ?? { summary: s.title, actions: [] } });
    } else if (st?.status === 'failed') {
      failed.push({ stepId: s.id, title: s.title, error: st.error ?? { message: 'failed' } });
    }
  }
  return { status, waiting, failed };
}
