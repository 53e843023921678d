/**
 * Runs the extension-host suite in desktop VS Code through @vscode/test-electron, for machines that
 * can download VS Code (`npm run test:electron`; set VSCODE_TEST_VERSION to pin one, default the
 * lowest the extension supports). Here, with no internet, use test/exthost/runCodeServer.ts.
 */
import { existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { runTests } from '@vscode/test-electron';
import { bundleSuite, root } from './bundle';
import type { ExthostResults } from './suite/index';

async function main(): Promise<number> {
  const suiteDir = await bundleSuite();
  const resultsFile = join(suiteDir, 'results.json');
  const scratch = mkdtempSync(join(tmpdir(), 'mcm-electron-'));
  mkdirSync(join(scratch, 'workspace'));
  try {
    const code = await runTests({
      version: process.env.VSCODE_TEST_VERSION ?? '1.100.3',
      extensionDevelopmentPath: root,
      extensionTestsPath: join(suiteDir, 'index.js'),
      extensionTestsEnv: { MCM_EXTHOST_RESULTS: resultsFile },
      launchArgs: [
        '--disable-extensions',
        '--disable-workspace-trust',
        '--user-data-dir', join(scratch, 'user-data'),
        '--extensions-dir', join(scratch, 'extensions'),
        join(scratch, 'workspace'),
      ],
    });
    if (existsSync(resultsFile)) {
      const r = JSON.parse(readFileSync(resultsFile, 'utf8')) as ExthostResults;
      console.log(`${r.passed} passing, ${r.failed} failing, ${r.skipped} pending`);
    }
    return code;
  } finally {
    rmSync(scratch, { recursive: true, force: true });
    rmSync(suiteDir, { recursive: true, force: true });
  }
}

main().then(
  (code) => process.exit(code),
  (e: unknown) => {
    const message = e instanceof Error ? e.message : String(e);
    console.error(message);
    if (/ENOTFOUND|EAI_AGAIN|ECONNREFUSED|getaddrinfo/.test(message)) {
      console.error('VS Code could not be downloaded here; `npm test` runs the same suite inside code-server.');
    }
    process.exit(1);
  },
);
