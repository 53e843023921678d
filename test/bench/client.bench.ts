/**
 * API client transfer benchmarks against the emulator on loopback, side by side with curl:
 * download throughput and memory (2 GiB, 1 GiB vs 4 GiB archives), bytes re-fetched after a reset
 * at 50 %, and a 900 MB package upload.
 *
 * Every party runs in its own process so CPU and RSS are separate: the emulator (bundled CLI), curl,
 * and our transfers (a small esbuild bundle of src/core, as shipped, run on plain node). Our timings
 * are taken inside the child around the transfer call and curl's come from `-w %{time_total}`, so
 * neither includes process start-up. Both sides get the same conditions: `sync` before every timed
 * transfer (so neither pays for the other's dirty pages being written back), curl first in odd
 * pairs and ours first in even ones, every uploaded package deleted again right away (so the
 * emulator's disk use does not grow run by run). The medians of five pairs are compared.
 */
import { execFile, spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { randomBytes } from 'node:crypto';
import { closeSync, mkdirSync, openSync, readFileSync, rmSync, writeSync } from 'node:fs';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { build } from 'esbuild';
import { DEMO } from '../emulator/seeds/demo';
import { figure, type BenchContext, type Figure } from './run';

const execFileP = promisify(execFile);
const GIB = 1024 * 1024 * 1024;
const UPLOAD_BYTES = 900_000_000;
const PAIRS = 5;

/** The code our child process runs: one download or one upload, timed around the call. */
const CHILD_SOURCE = `
const { downloadToFile } = require('./src/core/mendix/transfer/download');
const { MendixClient } = require('./src/core/mendix/api/mendixClient');
(async () => {
  const job = JSON.parse(process.argv[2]);
  const t0 = performance.now();
  let out;
  if (job.kind === 'download') {
    const r = await downloadToFile({ url: job.url, dest: job.dest });
    out = { size: r.size, sha256: r.sha256, bytesFetched: r.bytesFetched, transfers: r.transfers };
  } else {
    const c = new MendixClient({ credentials: job.credentials, config: { deployBaseUrl: job.baseUrl } });
    out = await c.v2.uploadPackage(job.appId, job.file);
    c.dispose();
  }
  const seconds = (performance.now() - t0) / 1000;
  process.stdout.write(JSON.stringify({ ...out, seconds, maxRssMb: process.resourceUsage().maxRSS / 1024 }) + '\\n');
})().catch((e) => { console.error(e && e.message); process.exit(1); });
`;

interface ChildResult {
  seconds: number;
  maxRssMb: number;
  size?: number;
  sha256?: string;
  bytesFetched?: number;
  transfers?: { status: number; start: number; bytes: number }[];
  PackageId?: string;
}

async function bundle(root: string, scratch: string): Promise<{ emulator: string; child: string }> {
  const emulator = join(scratch, 'client-bench', 'emulator.js');
  const child = join(scratch, 'client-bench', 'child.js');
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

function startEmulator(root: string, cli: string): Promise<{ proc: ChildProcessWithoutNullStreams; base: string }> {
  const proc = spawn(process.execPath, [cli, '--port', '0', '--seed', 'demo', '--quiet'], { cwd: root });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 30_000);
    proc.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ proc, base: m[1] });
      }
    });
    proc.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

async function call<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text.slice(0, 200)}`);
  return (text ? JSON.parse(text) : undefined) as T;
}

/** A fresh completed archive of `bytes` (the emulator's clock is advanced instead of waited for). */
async function makeArchive(base: string, bytes: number): Promise<{ url: string; size: number; sha256: string }> {
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
async function settleDisk(): Promise<void> {
  await execFileP('sync');
}

/** Runs both sides of pair `i`, curl first in odd pairs and ours first in even ones. */
async function pair<A, B>(i: number, curl: () => Promise<A>, ours: () => Promise<B>): Promise<[A, B]> {
  if (i % 2 === 0) {
    const a = await curl();
    return [a, await ours()];
  }
  const b = await ours();
  return [await curl(), b];
}

async function runChild(child: string, root: string, job: Record<string, unknown>): Promise<ChildResult> {
  await settleDisk();
  const { stdout } = await execFileP(process.execPath, [child, JSON.stringify(job)], { cwd: root, maxBuffer: 1024 * 1024 });
  return JSON.parse(stdout.trim().split('\n').pop() ?? '{}') as ChildResult;
}

async function curlSeconds(args: string[]): Promise<number> {
  await settleDisk();
  const { stdout } = await execFileP('curl', ['-s', '-S', '--fail', '-w', '%{time_total}', ...args], { maxBuffer: 1024 * 1024 });
  return Number(stdout.trim().split(/\s+/).pop());
}

function median(xs: number[]): number {
  const s = [...xs].sort((a, b) => a - b);
  const m = Math.floor(s.length / 2);
  return s.length % 2 ? s[m] : (s[m - 1] + s[m]) / 2;
}

function writeRandomFile(path: string, bytes: number): void {
  const fd = openSync(path, 'w');
  const block = randomBytes(8 * 1024 * 1024);
  for (let left = bytes; left > 0; left -= block.length) writeSync(fd, block, 0, Math.min(block.length, left));
  closeSync(fd);
}

export async function run(ctx: BenchContext): Promise<Record<string, Figure>> {
  const dir = join(ctx.scratch, 'client-bench');
  mkdirSync(dir, { recursive: true });
  const { emulator, child } = await bundle(ctx.root, ctx.scratch);
  const { proc, base } = await startEmulator(ctx.root, emulator);
  const mb = (bytes: number, s: number) => bytes / s / 1e6;
  const dest = join(dir, 'download.tar.gz');
  const cleanDownload = () => {
    for (const f of [dest, `${dest}.manifest.json`, `${dest}.part`, `${dest}.part.json`, join(dir, 'curl.out')]) rmSync(f, { force: true });
  };
  try {
    // Download throughput: the same 2 GiB archive, curl and ours alternating.
    const a2 = await makeArchive(base, 2 * GIB);
    ctx.log(`2 GiB archive ready: ${a2.size} bytes`);
    const curlRates: number[] = [];
    const ourRates: number[] = [];
    let peakRss = 0;
    for (let i = 0; i < PAIRS; i++) {
      const [cs, r] = await pair(
        i,
        async () => {
          const s = await curlSeconds(['-o', join(dir, 'curl.out'), a2.url]);
          cleanDownload();
          return s;
        },
        async () => {
          const res = await runChild(child, ctx.root, { kind: 'download', url: a2.url, dest });
          cleanDownload();
          return res;
        },
      );
      if (r.sha256 !== a2.sha256) throw new Error('downloaded archive does not match the served SHA-256');
      curlRates.push(mb(a2.size, cs));
      ourRates.push(mb(a2.size, r.seconds));
      peakRss = Math.max(peakRss, r.maxRssMb);
      ctx.log(`pair ${i + 1}: curl ${curlRates[i].toFixed(0)} MB/s, ours ${ourRates[i].toFixed(0)} MB/s (peak RSS ${r.maxRssMb.toFixed(0)} MB)`);
    }

    // Bytes fetched again after a reset half-way through the 2 GiB archive.
    await call(base, 'POST', '/_emulator/faults', { method: 'GET', path: '/_downloads/archives/**', kind: 'reset', afterBytes: Math.floor(a2.size / 2), count: 1 });
    const resumed = await runChild(child, ctx.root, { kind: 'download', url: a2.url, dest });
    if (resumed.sha256 !== a2.sha256) throw new Error('resumed archive does not match the served SHA-256');
    const after = (resumed.transfers ?? []).slice(1).reduce((n, t) => n + t.bytes, 0);
    ctx.log(`reset at 50 %: ${resumed.transfers?.length ?? 0} responses, ${after} bytes after the reset`);
    cleanDownload();
    // Free the emulator's copy before the next sizes.
    await call(base, 'DELETE', '/_emulator/faults');

    // Memory growth with size: 1 GiB vs 4 GiB. Peak RSS moves a few MB with GC timing, so each size
    // is downloaded twice and the two peaks averaged.
    const peaks = async (bytes: number): Promise<number[]> => {
      const a = await makeArchive(base, bytes);
      const out: number[] = [];
      for (let i = 0; i < 2; i++) {
        const r = await runChild(child, ctx.root, { kind: 'download', url: a.url, dest });
        if (r.sha256 !== a.sha256) throw new Error(`${bytes}-byte archive does not match the served SHA-256`);
        out.push(r.maxRssMb);
        cleanDownload();
      }
      return out;
    };
    const p1 = await peaks(GIB);
    const p4 = await peaks(4 * GIB);
    const mean = (xs: number[]) => xs.reduce((a, b) => a + b, 0) / xs.length;
    ctx.log(`peak RSS: 1 GiB ${p1.map((x) => x.toFixed(0)).join('/')} MB, 4 GiB ${p4.map((x) => x.toFixed(0)).join('/')} MB`);
    peakRss = Math.max(peakRss, ...p1, ...p4);

    // Upload: the same 900 MB file with curl -F and with our client.
    const file = join(dir, 'bench-package.mda');
    writeRandomFile(file, UPLOAD_BYTES);
    const appId = DEMO.nodes.orderportalUs.subdomain;
    const uploadUrl = `${base}/api/v2/apps/${appId}/packages/upload?name=bench.mda`;
    const curlUp: number[] = [];
    const ourUp: number[] = [];
    const curlAnswer = join(dir, 'curl-upload.json');
    const removePackage = (id: string | undefined) => call(base, 'DELETE', `/api/1/apps/${appId}/packages/${id ?? 'missing'}`);
    for (let i = 0; i < PAIRS; i++) {
      const [cs, r] = await pair(
        i,
        async () => {
          const s = await curlSeconds(['-o', curlAnswer, '-H', `Mendix-Username: ${DEMO.username}`, '-H', `Mendix-ApiKey: ${DEMO.apiKey}`, '-F', `file=@${file}`, uploadUrl]);
          await removePackage((JSON.parse(readFileSync(curlAnswer, 'utf8')) as { PackageId?: string }).PackageId);
          return s;
        },
        async () => {
          const res = await runChild(child, ctx.root, { kind: 'upload', baseUrl: base, appId, file, credentials: { username: DEMO.username, apiKey: DEMO.apiKey } });
          await removePackage(res.PackageId);
          return res;
        },
      );
      curlUp.push(mb(UPLOAD_BYTES, cs));
      ourUp.push(mb(UPLOAD_BYTES, r.seconds));
      ctx.log(`upload pair ${i + 1}: curl ${curlUp[i].toFixed(0)} MB/s, ours ${ourUp[i].toFixed(0)} MB/s`);
    }
    rmSync(file, { force: true });

    return {
      'download.ratio_vs_curl': figure(median(ourRates) / median(curlRates), 'ratio', '>= 0.95'),
      'download.peak_rss_mb': figure(peakRss, 'MB', '<= 150'),
      'download.rss_growth_1g_to_4g': figure(mean(p4) / mean(p1), 'ratio', '<= 1.10'),
      'download.resume_bytes_fraction': figure(after / a2.size, 'fraction', '<= 0.52'),
      'upload.ratio_vs_curl': figure(median(ourUp) / median(curlUp), 'ratio', '>= 0.90'),
    };
  } finally {
    if (proc.exitCode === null) {
      const exited = new Promise((r) => proc.once('exit', r));
      proc.kill('SIGTERM');
      await exited;
    }
    rmSync(dir, { recursive: true, force: true });
  }
}
