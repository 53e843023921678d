/**
 * What the transfer benchmarks share: the emulator and our transfer code as separate processes (so
 * CPU and RSS are separate), archives of a given size, and the reference tools (curl, sha256sum,
 * aria2c) run the same way every time.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DEMO } from '../emulator/seeds/demo';

export const execFileP = promisify(execFile);
export const GIB = 1024 * 1024 * 1024;
export const MIB = 1024 * 1024;

/**
 * The code our child process runs: one download or one upload, timed around the call. CPU is the
 * process's user + system time over the same span (start-up excluded, as for curl's own figure).
 */
const CHILD_SOURCE = `
const { downloadToFile } = require('./src/core/mendix/transfer/download');
const { MendixClient } = require('./src/core/mendix/api/mendixClient');
const { uploadPackageFile } = require('./src/core/mendix/transfer/packageUpload');
(async () => {
  const job = JSON.parse(process.argv[2]);
  const t0 = performance.now();
  const c0 = process.cpuUsage();
  let out;
  if (job.kind === 'download') {
    const r = await downloadToFile({ url: job.url, dest: job.dest, connections: job.connections, verifyArchive: job.verifyArchive });
    out = { size: r.size, sha256: r.sha256, bytesFetched: r.bytesFetched, transfers: r.transfers, verified: r.archive !== undefined };
  } else {
    const c = new MendixClient({ credentials: job.credentials, config: { deployBaseUrl: job.baseUrl } });
    out = await uploadPackageFile(c.v2, job.appId, job.file);
    c.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  const cpu = process.cpuUsage(c0);
  process.stdout.write(JSON.stringify({ ...out, seconds, cpuSeconds: (cpu.user + cpu.system) / 1e6, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
})().catch((e) => { console.error(e && e.message); process.exit(1); });
`;

export interface ChildResult {
  seconds: number;
  cpuSeconds: number;
  maxRssMb: number;
  size?: number;
  sha256?: string;
  bytesFetched?: number;
  verified?: boolean;
  transfers?: { status: number; start: number; bytes: number; resumed: boolean }[];
  PackageId?: string;
}

/** The emulator's CLI and our child, bundled the way they ship (src/core as one file, on plain node). */
export async function bundle(root: string, dir: string): Promise<{ emulator: string; child: string }> {
  const emulator = join(dir, 'emulator.js');
  const child = join(dir, 'child.js');
  await build({ entryPoints: [join(root, 'test/emulator/cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile: emulator, logLevel: 'warning' });
  await build({
    stdin: { contents: CHILD_SOURCE, resolveDir: root, loader: 'js' },
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    packages: 'external',
    outfile: child,
    logLevel: 'warning',
  });
  return { emulator, child };
}

export interface Emulator {
  proc: ChildProcessWithoutNullStreams;
  base: string;
  stop(): Promise<void>;
}

export function startEmulator(root: string, cli: string, extraArgs: string[] = []): Promise<Emulator> {
  const proc = spawn(process.execPath, [cli, '--port', '0', '--seed', 'demo', '--quiet', ...extraArgs], { cwd: root });
  const stop = async () => {
    if (proc.exitCode !== null) return;
    const exited = new Promise((r) => proc.once('exit', r));
    proc.kill('SIGTERM');
    await exited;
  };
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 30_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1], stop });
      }
    });
    proc.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

export async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** Sets the emulator's link: Mbit/s per connection and first-byte latency (zeros: loopback speed). */
export async function setLink(base: string, linkMbps: number, latencyMs: number): Promise<void> {
  await call(base, 'POST', '/_emulator/link', { linkMbps, latencyMs });
}

/** A fresh completed archive of `bytes` (the emulator's clock is advanced instead of waited for). */
export async function makeArchive(base: string, bytes: number): Promise<{ url: string; size: number; sha256: string }> {
  const P = DEMO.projects.orderPortal.id;
  const E = DEMO.environments.orderPortalProduction.id;
  await call(base, 'POST', '/_emulator/config', { archiveBytes: bytes });
  const root = `/api/v2/apps/${P}/environments/${E}/snapshots`;
  const snap = await call<{ snapshot_id: string }>(base, 'POST', root, { comment: 'bench' });
  await call(base, 'POST', '/_emulator/clock/advance', { seconds: 3600 });
  const arch = await call<{ archive_id: string }>(base, 'POST', `${root}/${snap.snapshot_id}/archives?data_type=files_and_database`);
  await call(base, 'POST', '/_emulator/clock/advance', { seconds: 3600 });
  const done = await call<{ url: string | null; state: string }>(base, 'GET', `${root}/${snap.snapshot_id}/archives/${arch.archive_id}`);
  if (!done.url) throw new Error(`archive not ready: ${done.state}`);
  // Reading the state makes the emulator generate the archive now, outside any timing.
  const state = await call<{ archives: Record<string, { served: { size: number; sha256: string } | null }> }>(base, 'GET', '/_emulator/state');
  const served = state.archives[arch.archive_id]?.served;
  if (!served) throw new Error('archive has no served content');
  return { url: done.url, ...served };
}

/** Flushes dirty pages so the next timed transfer starts from the same state as the last one. */
export async function settleDisk(): Promise<void> {
  await execFileP('sync');
}

export async function runChild(child: string, root: string, job: Record<string, unknown>): Promise<ChildResult> {
  await settleDisk();
  const { stdout } = await execFileP(process.execPath, [child, JSON.stringify(job)], { cwd: root, maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

/** curl's own transfer time (`-w %{time_total}`). */
export async function curlSeconds(args: string[]): Promise<number> {
  await settleDisk();
  const { stdout } = await execFileP('curl', ['-s', '-S', '--fail', '-w', '%{time_total}', ...args], { maxBuffer: 1024 * 1024 });
  return Number(stdout.trim().split(/\s+/).pop());
}

/** `curl -o file` then `sha256sum file`: wall seconds and the CPU seconds (user + sys) of both. */
export async function curlThenSha256sum(url: string, out: string): Promise<{ seconds: number; cpuSeconds: number; sha256: string }> {
  await settleDisk();
  const script = 'curl -s -S --fail -o "$2" "$1" && sha256sum "$2"; times';
  const t0 = performance.now();
  const { stdout } = await execFileP('bash', ['-c', script, 'bench', url, out], { maxBuffer: 1024 * 1024 });
  const seconds = (performance.now() - t0) / 1000;
  const lines = stdout.trim().split('\n');
  // `times` prints the shell's own user/sys, then its children's.
  const m = /(\d+)m([\d.]+)s\s+(\d+)m([\d.]+)s/.exec(lines.at(-1) ?? '');
  if (!m) throw new Error(`unexpected times output: ${stdout}`);
  const cpuSeconds = Number(m[1]) * 60 + Number(m[2]) + Number(m[3]) * 60 + Number(m[4]);
  return { seconds, cpuSeconds, sha256: (lines[0] ?? '').split(/\s+/)[0] };
}

/** aria2c with 8 connections of 8 MiB pieces (the reference), timed around the process. */
export async function aria2cSeconds(url: string, dir: string, name: string): Promise<number> {
  await settleDisk();
  const t0 = performance.now();
  await execFileP(
    'aria2c',
    ['-x8', '-s8', '-k8M', '-d', dir, '-o', name, '--allow-overwrite=true', '--auto-file-renaming=false', '--file-allocation=none', '--console-log-level=warn', '--summary-interval=0', '--quiet=true', url],
    { maxBuffer: 1024 * 1024 },
  );
  return (performance.now() - t0) / 1000;
}

export function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

/** Runs both sides of pair `i`, theirs first in odd pairs and ours first in even ones. */
export async function pair<A, B>(i: number, theirs: () => Promise<A>, ours: () => Promise<B>): Promise<[A, B]> {
  if (i % 2 === 0) {
    const a = await theirs();
    return [a, await ours()];
  }
  const b = await ours();
  return [await theirs(), b];
}
