/** Runs the steps of a plan that are ready, independent ones concurrently. */
import type { StepDefinition } from './stepTypes';

export interface ScheduleOptions {
  /** The steps whose dependencies are settled now (asked again whenever one finishes). */
  ready: () => StepDefinition[];
  concurrency: number;
  /** Once aborted, no step is started; the ones running are awaited. */
  signal: AbortSignal;
  /** Runs one step; false when it failed. */
  execute: (step: StepDefinition) => Promise<boolean>;
  /** A step whose `execute` threw (a bug, not a step failure). */
  onCrash: (step: StepDefinition, e: unknown) => void;
}

/**
 * Starts every ready step (each once, at most `concurrency` at a time) until none is ready and none
 * runs. After a failure no new step is started; those running finish.
 */
export async function runReadySteps(o: ScheduleOptions): Promise<void> {
  const inFlight = new Map<string, Promise<void>>();
  const attempted = new Set<string>();
  let failedNow = false;
  for (;;) {
    if (o.signal.aborted) break;
    if (!failedNow) {
      for (const s of o.ready()) {
        if (inFlight.size >= o.concurrency) break;
        if (inFlight.has(s.id) || attempted.has(s.id)) continue;
        attempted.add(s.id);
        const p = o.execute(s).then(
          (ok) => {
            if (!ok) failedNow = true;
          },
          (e: unknown) => {
            failedNow = true;
            o.onCrash(s, e);
          },
        );
        inFlight.set(
          s.id,
          p.finally(() => inFlight.delete(s.id)),
        );
      }
    }
    if (inFlight.size === 0) break;
    await Promise.race(inFlight.values());
  }
  await Promise.allSettled(inFlight.values());
}
