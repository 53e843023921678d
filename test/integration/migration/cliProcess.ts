/**
 * Runs the real `mendix-migrate` CLI in a child process (bundled once with esbuild, so each start is
 * fast) and can SIGKILL it when the journal's event log or the download folder shows a chosen point.
 */
import { spawn } from 'node:child_process';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import { DEMO } from '../../emulator/seeds/demo';

export async function bundleCli(root: string, outDir: string): Promise<string> {
  const outfile = join(outDir, 'cli.js');
  await build({ entryPoints: [join(root, 'src/cli/main.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', outfile, logLevel: 'silent', external: ['vscode'] });
  return outfile;
}

export interface CliRun {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
  killedAt?: string;
}

export function cliEnv(baseUrl: string): NodeJS.ProcessEnv {
  return {
    PATH: process.env.PATH,
    MENDIX_USERNAME: DEMO.username,
    MENDIX_API_KEY: DEMO.apiKey,
    MENDIX_PAT: DEMO.pat,
    MENDIX_DEPLOY_URL: baseUrl,
    MENDIX_CLOUD_URL: baseUrl,
    MENDIX_HOME_URL: baseUrl,
    MENDIX_MIGRATE_HTTP_CHECK: 'api',
  };
}

/** A point at which the child is killed; checked every few milliseconds. */
export type KillWhen = (view: { finishedSteps: number; events: string[]; partFiles: { file: string; bytes: number }[] }) => string | undefined;

function view(eventsFile: string, downloadFolder: string): Parameters<KillWhen>[0] {
  const events = existsSync(eventsFile) ? readFileSync(eventsFile, 'utf8').split('\n').filter((l) => l.trim() !== '') : [];
  const finishedSteps = events.filter((l) => l.includes('"type":"step-finished"')).length;
  const partFiles: { file: string; bytes: number }[] = [];
  if (existsSync(downloadFolder)) {
    for (const f of readdirSync(downloadFolder)) {
      if (!f.endsWith('.part')) continue;
      try {
        partFiles.push({ file: f, bytes: statSync(join(downloadFolder, f)).size });
      } catch {
        /* renamed meanwhile */
      }
    }
  }
  return { finishedSteps, events, partFiles };
}

export function runCli(cli: string, args: string[], env: NodeJS.ProcessEnv, watch?: { eventsFile: string; downloadFolder: string; killWhen: KillWhen }): Promise<CliRun> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [cli, ...args], { env, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    let killedAt: string | undefined;
    child.stdout.on('data', (d: Buffer) => (stdout += d.toString()));
    child.stderr.on('data', (d: Buffer) => (stderr += d.toString()));
    const timer = watch
      ? setInterval(() => {
          if (killedAt) return;
          const why = watch.killWhen(view(watch.eventsFile, watch.downloadFolder));
          if (why) {
            killedAt = why;
            child.kill('SIGKILL');
          }
        }, 3)
      : undefined;
    child.on('error', reject);
    child.on('close', (code, signal) => {
      if (timer) clearInterval(timer);
      resolve({ code, signal, stdout, stderr, killedAt });
    });
  });
}

/** The JSON line `run` prints last when it stops for a person. */
export function waitingOf(stdout: string): { step: string; file?: string } | undefined {
  const last = stdout.trim().split('\n').filter((l) => l.startsWith('{')).pop();
  if (!last) return undefined;
  const v = JSON.parse(last) as { status?: string; step?: string; file?: string; alsoWaiting?: string[] };
  return v.status === 'waiting-for-person' && v.step ? { step: v.step, file: v.file } : undefined;
}
