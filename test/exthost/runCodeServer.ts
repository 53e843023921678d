/**
 * Runs the extension-host suite inside code-server's Node extension host: the workbench is opened
 * with a `payload` naming the project as `extensionDevelopmentPath` and the bundled suite as
 * `extensionTestsPath` (both `vscode-remote://` URIs). The suite writes its results to a file that
 * this runner waits for; then it prints them, writes the tally for scripts/test-all.sh and stops
 * Chromium and code-server.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { writeTally } from '../../scripts/mochaTallyReporter';
import { openWorkbench, type Workbench } from '../e2e/browser';
import { readExtensionHostLog, startCodeServer, type CodeServer } from '../e2e/codeServer';
import { bundleSuite, hasSuiteTests, root } from './bundle';
import type { ExthostResults } from './suite/index';

const TIMEOUT_MS = Number(process.env.EXTHOST_TIMEOUT_MS ?? 180_000);

async function waitForResults(file: string, server: CodeServer, consoleErrors: string[]): Promise<ExthostResults> {
  const deadline = Date.now() + TIMEOUT_MS;
  let exitedAt: number | undefined;
  while (Date.now() < deadline) {
    if (existsSync(file)) {
      try {
        return JSON.parse(readFileSync(file, 'utf8')) as ExthostResults;
      } catch {
        // Still being written.
      }
    }
    // The workbench ends the extension host once run() settles; no results by then means the
    // suite could not load or crashed before writing them.
    if (exitedAt === undefined && /Extension host with pid \d+ exiting/.test(readExtensionHostLog(server))) exitedAt = Date.now();
    if (exitedAt !== undefined && Date.now() - exitedAt > 3000) break;
    await new Promise((r) => setTimeout(r, 250));
  }
  const log = readExtensionHostLog(server).split('\n').slice(-20).join('\n');
  throw new Error(
    `no results from the extension host (logs kept in test-results/logs/exthost)\n${log}\n` +
      (consoleErrors.length > 0 ? `workbench console errors:\n${consoleErrors.slice(-10).join('\n')}` : ''),
  );
}

async function main(): Promise<number> {
  if (!hasSuiteTests()) {
    console.log('exthost: no test files');
    return 0;
  }
  if (!existsSync(join(root, 'dist', 'extension.js'))) throw new Error('dist/extension.js is missing: run npm run build first');
  const suiteDir = await bundleSuite();
  const resultsFile = join(suiteDir, 'results.json');
  rmSync(resultsFile, { force: true });

  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  try {
    server = await startCodeServer({ installExtension: false, keepLogsAs: 'exthost' });
    wb = await openWorkbench(server, {
      payload: [
        ['extensionDevelopmentPath', server.remoteUri(root)],
        ['extensionTestsPath', server.remoteUri(join(suiteDir, 'index.js'))],
      ],
    });
    const consoleErrors: string[] = [];
    wb.page.on('console', (m) => {
      if (m.type() === 'error') consoleErrors.push(m.text());
    });
    const results = await waitForResults(resultsFile, server, consoleErrors);
    console.log('\n  extension host (code-server)');
    for (const t of results.tests) {
      const mark = t.state === 'passed' ? '✔' : t.state === 'failed' ? '✘' : '-';
      console.log(`    ${mark} ${t.title}${t.durationMs !== undefined ? ` (${t.durationMs}ms)` : ''}`);
      if (t.error) console.log(t.error.replace(/^/gm, '        '));
    }
    console.log(`\n  ${results.passed} passing, ${results.failed} failing, ${results.skipped} pending (${results.durationMs}ms)\n`);
    const tallyFile = process.env.MOCHA_TALLY_FILE;
    if (tallyFile) writeTally(tallyFile, { passed: results.passed, failed: results.failed, skipped: results.skipped, durationMs: results.durationMs });
    return results.failed > 0 ? 1 : 0;
  } finally {
    await wb?.close();
    await server?.stop();
    rmSync(suiteDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    console.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
    process.exit(1);
  },
);
