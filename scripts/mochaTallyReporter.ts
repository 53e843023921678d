/**
 * Mocha's spec reporter, plus a tally of the run written as JSON to $MOCHA_TALLY_FILE (when set)
 * so scripts/test-all.sh can add up the tiers without parsing console output.
 * Use: mocha --require tsx/cjs --reporter scripts/mochaTallyReporter.ts
 */
import { mkdirSync, writeFileSync } from 'node:fs';
import { dirname } from 'node:path';
import Mocha from 'mocha';

export interface Tally {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
}

/** Writes a tally file; shared with runners that do not go through mocha's CLI. */
export function writeTally(file: string, tally: Tally): void {
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(tally) + '\n');
}

class TallyReporter extends Mocha.reporters.Spec {
  constructor(runner: Mocha.Runner, options?: Mocha.MochaOptions) {
    super(runner, options);
    const file = process.env.MOCHA_TALLY_FILE;
    runner.once(Mocha.Runner.constants.EVENT_RUN_END, () => {
      if (!file) return;
      const s = this.stats;
      writeTally(file, { passed: s.passes, failed: s.failures, skipped: s.pending, durationMs: s.duration ?? 0 });
    });
  }
}

export default TallyReporter;
