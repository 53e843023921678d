/**
 * Emulator download throughput and memory: a 2 GiB backup archive served over loopback to a plain
 * Node http client that discards the bytes, with the emulator in its own process so its peak RSS
 * (VmHWM) can be read from /proc. Archive generation happens before timing and is only logged.
 */
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { build } from 'esbuild';
import { readFileSync, rmSync } from 'node:fs';
import { get, request } from 'node:http';
import { dirname, join } from 'node:path';
import { DEMO } from '../emulator/seeds/demo';
import { figure, type BenchContext, type Figure } from './run';

const ARCHIVE_BYTES = 2 * 1024 * 1024 * 1024;
const RUNS = 5;

/**
 * Bundles the emulator CLI with esbuild so the child runs on plain node: the tsx loader alone adds
 * ~35 MB of RSS that is compiler, not emulator. The bundle sits under the project (node_modules resolve).
 */
async function bundleCli(root: string, scratch: string): Promise<string> {
  const outfile = join(scratch, 'emulator', 'cli.js');
  await build({ entryPoints: [join(root, 'test/emulator/cli.ts')], bundle: true, platform: 'node', format: 'cjs', target: 'node20', packages: 'external', outfile, logLevel: 'warning' });
  return outfile;
}

function startChild(root: string, cli: string): Promise<{ child: ChildProcessWithoutNullStreams; base: string }> {
  const child = spawn(process.execPath, [cli, '--port', '0', '--seed', 'demo', '--quiet', '--archive-bytes', String(ARCHIVE_BYTES)], { cwd: root });
  return new Promise((resolve, reject) => {
    let out = '';
    const timer = setTimeout(() => reject(new Error(`emulator did not start: ${out}`)), 30_000);
    child.stdout.on('data', (d: Buffer) => {
      out += d.toString();
      const m = /listening on (http:\/\/\S+)/.exec(out);
      if (m) {
        clearTimeout(timer);
        resolve({ child, base: m[1] });
      }
    });
    child.on('exit', (code) => reject(new Error(`emulator exited with ${code}: ${out}`)));
  });
}

async function api<T>(base: string, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(base + path, {
    method,
    headers: { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey, 'Content-Type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const text = await res.text();
  if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
  return JSON.parse(text) as T;
}

function statusKb(pid: number, field: 'VmHWM' | 'VmRSS'): number {
  const m = new RegExp(`^${field}:\\s+(\\d+) kB`, 'm').exec(readFileSync(`/proc/${pid}/status`, 'utf8'));
  return m ? Number(m[1]) : NaN;
}

function head(url: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'HEAD' }, (res) => {
      res.resume();
      resolve(Number(res.headers['content-length']));
    });
    req.on('error', reject);
    req.end();
  });
}

/** Reads the whole body and throws it away; returns bytes and seconds. */
function drain(url: string): Promise<{ bytes: number; seconds: number }> {
  return new Promise((resolve, reject) => {
    const t0 = performance.now();
    let bytes = 0;
    get(url, (res) => {
      if (res.statusCode !== 200) reject(new Error(`download answered ${res.statusCode}`));
      res.on('data', (d: Buffer) => (bytes += d.length));
      res.on('end', () => resolve({ bytes, seconds: (performance.now() - t0) / 1000 }));
      res.on('error', reject);
    }).on('error', reject);
  });
}

/**
 * A bare node http server in its own process that sends `size` bytes from one buffer in memory: the
 * loopback ceiling of this machine right now, logged next to the emulator's figure for context.
 */
async function referenceMbs(size: number): Promise<number> {
  const code = `const b=Buffer.alloc(1<<20,7);require('http').createServer((q,r)=>{r.writeHead(200,{'Content-Length':${size}});let left=${size};const go=()=>{while(left>0){const n=Math.min(b.length,left);left-=n;if(!r.write(n===b.length?b:b.subarray(0,n))){r.once('drain',go);return;}}r.end();};go();}).listen(0,'127.0.0.1',function(){console.log('port '+this.address().port)});`;
  const child = spawn(process.execPath, ['-e', code]);
  try {
    const port = await new Promise<string>((resolve, reject) => {
      child.stdout.on('data', (d: Buffer) => {
        const m = /port (\d+)/.exec(d.toString());
        if (m) resolve(m[1]);
      });
      child.on('exit', (c) => reject(new Error(`reference server exited ${c}`)));
    });
    const r = await drain(`http://127.0.0.1:${port}/`);
    return r.bytes / 1e6 / r.seconds;
  } finally {
    child.kill('SIGTERM');
  }
}

export async function run(ctx: BenchContext): Promise<Record<string, Figure>> {
  const cli = await bundleCli(ctx.root, ctx.scratch);
  const { child, base } = await startChild(ctx.root, cli);
  const pid = child.pid!;
  try {
    const envPath = `/api/v2/apps/${DEMO.projects.orderPortal.id}/environments/${DEMO.environments.orderPortalProduction.id}`;
    const snap = await api<{ snapshot_id: string }>(base, 'POST', `${envPath}/snapshots`, { comment: 'bench' });
    await fetch(`${base}/_emulator/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"seconds":600}' });
    const archive = await api<{ archive_id: string }>(base, 'POST', `${envPath}/snapshots/${snap.snapshot_id}/archives`);
    await fetch(`${base}/_emulator/clock/advance`, { method: 'POST', headers: { 'Content-Type': 'application/json' }, body: '{"seconds":600}' });
    const done = await api<{ url: string | null }>(base, 'GET', `${envPath}/snapshots/${snap.snapshot_id}/archives/${archive.archive_id}`);
    if (!done.url) throw new Error('archive did not complete');

    const g0 = performance.now();
    const size = await head(done.url); // the first request generates the archive on disk
    ctx.log(`generated ${(size / 1024 ** 3).toFixed(2)} GiB archive in ${((performance.now() - g0) / 1000).toFixed(1)} s (not timed); emulator peak RSS so far ${(statusKb(pid, 'VmHWM') / 1024).toFixed(1)} MB`);

    const rates: number[] = [];
    for (let i = 0; i < RUNS; i++) {
      const r = await drain(done.url);
      if (r.bytes !== size) throw new Error(`downloaded ${r.bytes} of ${size} bytes`);
      const mbs = r.bytes / 1e6 / r.seconds;
      rates.push(mbs);
      ctx.log(`run ${i + 1}: ${r.bytes} bytes in ${r.seconds.toFixed(2)} s = ${mbs.toFixed(0)} MB/s; emulator RSS ${(statusKb(pid, 'VmRSS') / 1024).toFixed(1)} MB`);
    }
    const median = [...rates].sort((a, b) => a - b)[Math.floor(rates.length / 2)];
    const reference = await referenceMbs(size);
    ctx.log(`reference: a bare node http server sending the same bytes from memory reached ${reference.toFixed(0)} MB/s just now (machine ceiling, not a goal)`);
    const peakMb = statusKb(pid, 'VmHWM') / 1024;
    ctx.log(`median ${median.toFixed(0)} MB/s over ${RUNS} runs; emulator peak RSS (VmHWM) ${peakMb.toFixed(1)} MB`);
    return {
      'emulator.archive_mb_s': figure(median, 'MB/s', '>= 1000'),
      'emulator.peak_rss_mb': figure(peakMb, 'MB', '< 100'),
    };
  } finally {
    const exited = new Promise((r) => child.once('exit', r));
    child.kill('SIGTERM');
    await exited;
    rmSync(dirname(cli), { recursive: true, force: true });
  }
}
