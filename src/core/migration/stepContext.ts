/**
 * The `StepContext` a step runs with, backed by the journal store: every output and intent is
 * persisted (and logged as an event) the moment the step reports it.
 */
import type { Logger } from '../shared/logger';
import type { JournalStore } from './journalStore';
import type { MigrationServices } from '../mendix/services';
import { isoNow, type Clock } from '../shared/clock';
import type { MigrationPrompt, StepContext, StepDefinition } from './stepTypes';
import type { JsonObject } from './types';

export interface StepContextDeps {
  store: JournalStore;
  services: MigrationServices;
  prompt: MigrationPrompt;
  logger: Logger;
  clock: Clock;
}

export function createStepContext(deps: StepContextDeps, step: StepDefinition, signal: AbortSignal, onProgress: (message: string) => void): StepContext {
  const { store, services, prompt, logger, clock } = deps;
  const log = logger.child(step.id);
  return {
    stepId: step.id,
    input: store.peek().input,
    services,
    prompt,
    log,
    signal,
    clock,
    state: () => store.peek().steps[step.id],
    stateOf: (id) => store.peek().steps[id],
    journal: () => store.peek(),
    setOutputs: async (values: JsonObject) => {
      await store.update((j) => Object.assign(j.steps[step.id].outputs, values));
      await store.appendEvent({ type: 'output', stepId: step.id, detail: values });
    },
    recordIntent: async (action, details) => {
      await store.update((j) => {
        j.steps[step.id].intents.push({ action, at: isoNow(clock), ...(details ? { details } : {}) });
      });
      await store.appendEvent({ type: 'intent', stepId: step.id, detail: { action, ...(details ?? {}) } });
    },
    unresolvedIntent: (action) => store.peek().steps[step.id].intents.find((i) => i.action === action && !i.resolvedAt),
    resolveIntent: async (action, outputs, outcome = 'answered') => {
      const at = isoNow(clock);
      await store.update((j) => {
        const st = j.steps[step.id];
        for (const i of st.intents) {
          if (i.action === action && !i.resolvedAt) {
            i.resolvedAt = at;
            i.outcome = outcome;
          }
        }
        Object.assign(st.outputs, outputs);
      });
      await store.appendEvent({ type: 'output', stepId: step.id, detail: { action, outcome, ...outputs } });
    },
    updateJournal: (mutate) => store.update(mutate),
    progress: (message) => {
      log.debug(message);
      onProgress(message);
    },
  };
}
