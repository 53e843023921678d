/**
 * Drives a whole migration over the in-memory cloud the way a person would: run, and whenever the
 * run stops at a portal or support step, do what the instructions say (through the fake's portal
 * actions) or confirm it, then run again.
 */
import { createLogger } from '../../src/core/shared/logger';
import { JournalStore, journalPathsFor } from '../../src/core/migration/journalStore';
import { buildPlan } from '../../src/core/migration/plan';
import { MigrationRunner, type RunOutcome } from '../../src/core/migration/runner';
import type { Clock } from '../../src/core/shared/clock';
import { ScriptedPrompt } from './scriptedPrompt';
import type { MigrationServices } from '../../src/core/mendix/services';
import type { MigrationInput } from '../../src/core/migration/types';
import type { FakeCloud } from './fakeCloud';

/** Virtual time: sleeping advances the clock instantly. */
export class FakeClock implements Clock {
  private t = Date.parse('2026-01-01T00:00:00Z');
  now(): number {
    return this.t;
  }
  sleep(ms: number): Promise<void> {
    this.t += ms;
    return new Promise((r) => setImmediate(r));
  }
  advance(ms: number): void {
    this.t += ms;
  }
}

export async function openRunner(
  dir: string,
  input: MigrationInput,
  services: MigrationServices,
  clock: Clock,
  create: boolean,
  answers: { yes?: boolean; typed?: Record<string, string> } = { typed: { [input.source.name]: input.source.name }, yes: true },
): Promise<{ runner: MigrationRunner; store: JournalStore }> {
  const plan = buildPlan(input, { pollIntervalMs: 1000, pollTimeoutMs: 3600_000 });
  const paths = journalPathsFor(dir, input.name);
  const now = () => new Date(clock.now());
  const store = create ? await JournalStore.create(paths, input, plan.steps.map((s) => s.id), now) : await JournalStore.open(paths, now);
  const runner = new MigrationRunner({
    steps: plan.steps,
    store,
    services,
    prompt: new ScriptedPrompt('tester', answers),
    logger: createLogger(() => undefined),
    clock,
    rollback: plan.rollback,
  });
  return { runner, store };
}

/** Does the person's part for every waiting step; returns the ids handled. */
export async function actAsPerson(cloud: FakeCloud, runner: MigrationRunner, out: RunOutcome, input: MigrationInput): Promise<string[]> {
  const handled: string[] = [];
  // Support renames the target only after the old node (holding that sub-domain) is offboarded.
  const waiting = [...out.waiting].sort((a, b) => Number(b.stepId === 'offboard.request') - Number(a.stepId === 'offboard.request'));
  for (const w of waiting) {
    switch (w.stepId) {
      case 'backup.upload':
      case 'cutover.upload':
        await cloud.uploadBackup(input.target.nodeSubdomain, input.target.environment, w.instructions.file ?? '');
        break;
      case 'relink.unlink-source':
        cloud.link(input.target.tempAppB.projectId, input.source.nodeSubdomain);
        break;
      case 'relink.link-target':
        cloud.link(input.source.projectId, input.target.nodeSubdomain);
        break;
      case 'offboard.request':
        cloud.offboard(input.source.nodeSubdomain);
        await runner.confirmManualStep(w.stepId, 'tester');
        break;
      case 'url.change':
        cloud.changeUrl(input.target.nodeSubdomain, input.source.nodeSubdomain);
        await runner.confirmManualStep(w.stepId, 'tester');
        break;
      default:
        await runner.confirmManualStep(w.stepId, 'tester');
    }
    handled.push(w.stepId);
  }
  return handled;
}
