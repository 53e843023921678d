/**
 * One entry point for every surface (VS Code commands, CLI, tests): create a migration from the
 * wizard's answers, or open an existing journal, and get a runner wired to the plan, the journal
 * and the services. Take the lock before running; release it when done.
 */
import { buildPlan, type Plan } from './plan';
import { JournalStore, journalPathsFor, pathsForJournalFile } from './journalStore';
import { MigrationRunner, type RunnerEvent } from './runner';
import type { MigrationServices } from '../mendix/services';
import { systemClock, type Clock } from '../shared/clock';
import type { MigrationPrompt } from './stepTypes';
import type { PlanOptions } from './steps/common';
import type { MigrationInput } from './types';
import { isAbsolute } from 'node:path';
import { migrationInputSchema } from './journalSchema';
import { validateCustomDomain } from '../dns/domain';
import type { Logger } from '../shared/logger';

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

/** Longest migration name (it names files). */
export const MAX_NAME_LENGTH = 64;

/** Checks the wizard's answers (also those read from a file by the CLI); throws naming the field. */
export function validateInput(data: unknown): MigrationInput {
  const parsed = migrationInputSchema.safeParse(data);
  if (!parsed.success) {
    const i = parsed.error.issues[0];
    throw new Error(`invalid migration answers${i ? ` (${i.path.map(String).join('.')}: ${i.message})` : ''}`);
  }
  const input = parsed.data;
  const bad = (field: string, message: string): Error => new Error(`invalid migration answers (${field}: ${message})`);
  if (input.name.length > MAX_NAME_LENGTH) throw bad('name', `at most ${MAX_NAME_LENGTH} characters, got ${input.name.length}`);
  if (!isAbsolute(input.downloadFolder)) {
    throw bad('downloadFolder', `must be an absolute path, got "${input.downloadFolder}" (a relative folder would depend on where the command runs)`);
  }
  let portal: URL | undefined;
  try {
    portal = new URL(input.portalUrl);
  } catch {
    portal = undefined;
  }
  if (!portal || (portal.protocol !== 'https:' && portal.protocol !== 'http:')) {
    throw bad('portalUrl', `must be an http(s) address such as https://sprintr.home.mendix.com, got "${input.portalUrl.slice(0, 80)}"`);
  }
  input.customDomains.forEach((d, n) => {
    const v = validateCustomDomain(d);
    if (!v.ok) throw bad(`customDomains.${n}`, v.message);
  });
  return input;
}

/** Writes a new journal (refusing to overwrite one) without needing credentials. */
export async function createJournal(journalFile: string, input: MigrationInput, clock: Clock = systemClock, planOptions?: Partial<PlanOptions>): Promise<JournalStore> {
  const valid = validateInput(input);
  const stepIds = buildPlan(valid, planOptions).steps.map((s) => s.id);
  return JournalStore.create(pathsForJournalFile(journalFile), valid, stepIds, () => new Date(clock.now()));
}

/** Validates the answers and writes a new journal under `<workspace>/.mendix-migrations/`. */
export async function createMigration(workspaceFolder: string, input: MigrationInput, deps: SessionDeps): Promise<MigrationSession> {
  const store = await createJournal(journalPathsFor(workspaceFolder, input.name).journal, input, deps.clock, deps.planOptions);
  return wire(store, deps);
}

export async function openMigration(journalFile: string, deps: SessionDeps): Promise<MigrationSession> {
  const clock = deps.clock ?? systemClock;
  const store = await JournalStore.open(pathsForJournalFile(journalFile), () => new Date(clock.now()));
  return wire(store, deps);
}
