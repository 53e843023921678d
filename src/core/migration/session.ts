/**
 * One entry point for every surface (VS Code commands, CLI, tests): create a migration from the
 * wizard's answers, or open an existing journal, and get a runner wired to the plan, the journal
 * and the services. Take the lock before running; release it when done.
 */
import { buildPlan, type Plan } from './plan';
import { JournalStore, journalPathsFor, pathsForJournalFile } from './journalStore';
import { MigrationRunner, type RunnerEvent } from './runner';
import type { MigrationServices } from './services';
import { systemClock, type Clock, type MigrationPrompt } from './stepTypes';
import type { PlanOptions } from './steps/common';
import type { MigrationInput } from './types';
import { migrationInputSchema } from './journalSchema';
import type { Logger } from '../util/logger';

export interface SessionDeps {
  services: MigrationServices;
  prompt: MigrationPrompt;
  logger: Logger;
  clock?: Clock;
  planOptions?: Partial<PlanOptions>;
  concurrency?: number;
  onEvent?: (e: RunnerEvent) => void;
}

export interface MigrationSession {
  store: JournalStore;
  plan: Plan;
  runner: MigrationRunner;
}

function wire(store: JournalStore, deps: SessionDeps): MigrationSession {
  const plan = buildPlan(store.peek().input, deps.planOptions);
  const runner = new MigrationRunner({
    steps: plan.steps,
    store,
    services: deps.services,
    prompt: deps.prompt,
    logger: deps.logger,
    clock: deps.clock ?? systemClock,
    concurrency: deps.concurrency,
    rollback: plan.rollback,
    onEvent: deps.onEvent,
  });
  return { store, plan, runner };
}

/** Validates the answers and writes a new journal under `<workspace>/.mendix-migrations/`. */
export async function createMigration(workspaceFolder: string, input: MigrationInput, deps: SessionDeps): Promise<MigrationSession> {
  const parsed = migrationInputSchema.safeParse(input);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`invalid migration answers${i ? ` (${i.path.map(String).join('.')}: ${i.message})` : ''}`);
  }
  const stepIds = buildPlan(input, deps.planOptions).steps.map((s) => s.id);
  const clock = deps.clock ?? systemClock;
  const store = await JournalStore.create(journalPathsFor(workspaceFolder, input.name), input, stepIds, () => clock.now());
  return wire(store, deps);
}

export async function openMigration(journalFile: string, deps: SessionDeps): Promise<MigrationSession> {
  const clock = deps.clock ?? systemClock;
  const store = await JournalStore.open(pathsForJournalFile(journalFile), () => clock.now());
  return wire(store, deps);
}
