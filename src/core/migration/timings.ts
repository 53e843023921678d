/**
 * Timing arithmetic over a plan: the downtime prediction from the latest rehearsal. (The critical
 * path, used only by tests and benchmarks, lives in test/support/criticalPath.ts.)
 */
import type { Journal } from './types';

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
