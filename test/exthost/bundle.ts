/**
 * Bundles the extension-host suite (test/exthost/suite) into .cache/exthost/<run>/ as plain CommonJS
 * that VS Code's extension host can `require`: `vscode` comes from the host, mocha from the
 * project's node_modules (the bundle sits inside the project, so Node finds it).
 */
import { readdirSync, rmSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { build } from 'esbuild';

export const root = resolve(__dirname, '..', '..');
export const suiteSrc = join(root, 'test', 'exthost', 'suite');

/**
 * Builds the suite into a folder of its own (runs may overlap); returns the folder whose index.js
 * is the `extensionTestsPath`. The caller removes it when done.
 */
export async function bundleSuite(): Promise<string> {
  const suiteOut = join(root, '.cache', 'exthost', `run-${process.pid}-${Date.now()}`);
  rmSync(suiteOut, { recursive: true, force: true });
  const entries = readdirSync(suiteSrc)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(suiteSrc, f));
  await build({
    entryPoints: entries,
    outdir: suiteOut,
    outbase: suiteSrc,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    sourcemap: 'inline',
    external: ['vscode', 'mocha'],
    logLevel: 'warning',
  });
  return suiteOut;
}

/** Whether the suite has any test file. */
export function hasSuiteTests(): boolean {
  return readdirSync(suiteSrc).some((f) => f.endsWith('.test.ts'));
}
