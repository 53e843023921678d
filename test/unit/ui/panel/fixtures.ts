/** A journal and plan for panel tests, built through the engine's own plan (no hand-written step lists). */
import { buildPlan, describePlan, type PlanLine } from '../../../../src/core/migration/plan';
import type { Journal, MigrationInput, StepState } from '../../../../src/core/migration/types';
import { sampleInput } from '../../../support/sampleInput';

export function planFor(input: MigrationInput): PlanLine[] {
  return describePlan(buildPlan(input).steps);
}

export function journalFor(input: MigrationInput = sampleInput('/tmp/dl'), steps: Record<string, Partial<StepState>> = {}): { journal: Journal; lines: PlanLine[] } {
  const lines = planFor(input);
  const journal: Journal = {
    schemaVersion: 1,
    name: input.name,
    createdAt: '2026-11-22T01:00:00.000Z',
    updatedAt: '2026-11-22T01:00:00.000Z',
    status: 'active',
    input,
    steps: Object.fromEntries(lines.map((l) => [l.id, { status: 'pending', attempts: 0, outputs: {}, intents: [], ...steps[l.id] }])),
    rehearsals: [],
    cutover: {},
  };
  return { journal, lines };
}

/** Manual timers: `advance` runs what is due, in order. */
export class FakeTimers {
  time = 0;
  private seq = 0;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  now(): number {
    return this.time;
  }
  setTimeout(fn: () => void, ms: number): unknown {
    const id = ++this.seq;
    this.pending.set(id, { at: this.time + ms, fn });
    return id;
  }
  clearTimeout(h: unknown): void {
    this.pending.delete(h as number);
  }
  advance(ms: number): void {
    const end = this.time + ms;
    for (;;) {
      const due = [...this.pending.entries()].filter(([, t]) => t.at <= end).sort((a, b) => a[1].at - b[1].at)[0];
      if (!due) break;
      this.pending.delete(due[0]);
      this.time = Math.max(this.time, due[1].at);
      due[1].fn();
    }
    this.time = end;
  }
}
