/** What a rollback of the cutover writes to the journal. */
import type { Journal, RollbackRecord } from './types';

/**
 * Records a rollback. When the source runs again, a later cutover starts over from stopping it:
 * every step of the cutover is reset to a clean state (no job ids, intents or outputs of the undone
 * attempt), the step that failed keeps its error so the person sees why, and the open downtime
 * window is closed. Returns the ids of the steps undone.
 */
export function recordRollback(j: Journal, r: Omit<RollbackRecord, 'undone'>, cutoverIds: readonly string[]): string[] {
  const undone: string[] = [];
  const record = { ...r, ...(r.result === 'source-restarted' ? { undone } : {}) };
  if (r.result === 'source-restarted') {
    j.cutover.startedAt = undefined;
    for (const id of cutoverIds) {
      const st = j.steps[id];
      if (!st) continue;
      if (st.status === 'pending' && st.attempts === 0 && st.intents.length === 0 && Object.keys(st.outputs).length === 0) continue;
      undone.push(id);
      j.steps[id] =
        st.status === 'failed'
          ? { status: 'failed', attempts: st.attempts, outputs: {}, intents: [], error: st.error, finishedAt: st.finishedAt }
          : { status: 'pending', attempts: st.attempts, outputs: {}, intents: [] };
    }
    const open = j.cutover.downtimes?.find((d) => d.endedAt === undefined);
    if (open) {
      open.endedAt = r.at;
      open.endedBy = 'source-restarted';
    }
  }
  j.cutover.rollback = record;
  j.cutover.rollbacks = [...(j.cutover.rollbacks ?? []), record];
  return undone;
}
