/**
 * Entry of the extension-host suite (`extensionTestsPath`): VS Code loads this module inside its
 * extension host and calls `run()`. It runs every bundled `*.test.js` beside it with mocha and
 * writes the results as JSON to $MCM_EXTHOST_RESULTS (default: results.json beside this file),
 * because nothing reports them back to the runner by itself in code-server.
 */
import { mkdirSync, readdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import Mocha from 'mocha';

export interface ExthostTestResult {
  title: string;
  state: 'passed' | 'failed' | 'skipped';
  durationMs?: number;
  error?: string;
}

export interface ExthostResults {
  passed: number;
  failed: number;
  skipped: number;
  durationMs: number;
  tests: ExthostTestResult[];
}

export function resultsFile(): string {
  return process.env.MCM_EXTHOST_RESULTS ?? join(__dirname, 'results.json');
}

export async function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 30_000 });
  for (const f of readdirSync(__dirname).filter((n) => n.endsWith('.test.js')).sort()) {
    mocha.addFile(join(__dirname, f));
  }
  const tests: ExthostTestResult[] = [];
  const started = Date.now();
  try {
    await new Promise<void>((resolve) => {
      const runner = mocha.run(() => resolve());
      runner.on(Mocha.Runner.constants.EVENT_TEST_PASS, (t: Mocha.Test) => tests.push({ title: t.fullTitle(), state: 'passed', durationMs: t.duration }));
      runner.on(Mocha.Runner.constants.EVENT_TEST_PENDING, (t: Mocha.Test) => tests.push({ title: t.fullTitle(), state: 'skipped' }));
      runner.on(Mocha.Runner.constants.EVENT_TEST_FAIL, (t: Mocha.Runnable, err: Error) =>
        tests.push({ title: t.fullTitle(), state: 'failed', error: err.stack ?? err.message }),
      );
    });
  } catch (e) {
    // A test file that throws while loading: report it as a failure rather than no results at all.
    tests.push({ title: 'loading the suite', state: 'failed', error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
  }
  const results: ExthostResults = {
    passed: tests.filter((t) => t.state === 'passed').length,
    failed: tests.filter((t) => t.state === 'failed').length,
    skipped: tests.filter((t) => t.state === 'skipped').length,
    durationMs: Date.now() - started,
    tests,
  };
  const file = resultsFile();
  mkdirSync(dirname(file), { recursive: true });
  writeFileSync(file, JSON.stringify(results, null, 2));
  if (results.failed > 0) throw new Error(`${results.failed} extension-host test(s) failed`);
}
