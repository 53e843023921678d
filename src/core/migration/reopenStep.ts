/**
 * "Redo step": a person step (portal or Support) goes back to pending so it can be done and
 * confirmed again, without editing the journal. Refused while a later step that depends on it is
 * done or running, since that step's result rests on this one.
 */
import type { JournalStore } from './journalStore';
import type { StepDefinition } from './stepTypes';

export class ReopenRefusedError extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'ReopenRefusedError';
  }
}

/** Steps that (directly or through others) depend on `stepId`. */
export function dependentsOf(steps: readonly StepDefinition[], stepId: string): StepDefinition[] {
  const out = new Set<string>();
  let grew = true;
  while (grew) {
    grew = false;
    for (const s of steps) {
      if (out.has(s.id)) continue;
      if (s.dependsOn.some((d) => d === stepId || out.has(d))) {
        out.add(s.id);
        grew = true;
      }
    }
  }
  return steps.filter((s) => out.has(s.id));
}

export async function reopenStep(store: JournalStore, steps: readonly StepDefinition[], stepId: string, by: string): Promise<void> {
  const step = steps.find((s) => s.id === stepId);
  if (!step) throw new ReopenRefusedError(`unknown step ${stepId}`);
  const j = store.peek();
  // An automatic step is re-run, not redone; one a person answered (e.g. "keep the target's configuration") can be redone.
  if (step.kind === 'api' && j.steps[stepId]?.confirmation?.method !== 'person' && j.steps[stepId]?.status !== 'waiting-for-person') {
    throw new ReopenRefusedError(`"${step.title}" is done by the extension; run it again instead`);
  }
  if (j.status !== 'active') throw new ReopenRefusedError(`the migration is ${j.status}`);
  const st = j.steps[stepId];
  if (!st || st.status === 'pending') throw new ReopenRefusedError(`"${step.title}" has not been reached yet; there is nothing to redo`);
  const blocking = dependentsOf(steps, stepId).filter((s) => ['done', 'running'].includes(j.steps[s.id]?.status ?? 'pending'));
  if (blocking.length > 0) {
    throw new ReopenRefusedError(`"${step.title}" cannot be redone: ${blocking.map((s) => `"${s.title}"`).join(', ')} already rest on it`);
  }
  await store.update((jj) => {
    jj.steps[stepId] = { status: 'pending', attempts: st.attempts, outputs: {}, intents: [] };
  });
  await store.appendEvent({ type: 'step-reopened', stepId, detail: { by, was: st.status } });
}
