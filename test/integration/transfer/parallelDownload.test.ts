/**
 * Parallel ranged downloads against the emulator over its shaped link: the ranges reassemble to the
 * archive the emulator serves, and a download process killed with SIGKILL resumes every range from
 * its resume record.
 */
import { strict as assert } from 'node:assert';
import { spawn } from 'node:child_process';
import { existsSync, mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { downloadToFile } from '../../../src/core/mendix/transfer/download';
import { startEmulator, type RunningEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';

const MIB = 1024 * 1024;

interface Record2 {
  total: number;
  ranges: { start: number; end: number; pos: number }[];
}

describe('integration: parallel ranged downloads from the emulator', function () {
  this.timeout(60_000);
  let emu: RunningEmulator;
  let dir: string;

  const control = async <T>(method: string, path: string, body?: unknown): Promise<T> => {
    const res = await fetch(emu.baseUrl + path, {
      method,
      headers: { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey, 'Content-Type': 'application/json' },
      body: body === undefined ? undefined : JSON.stringify(body),
    });
    const text = await res.text();
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  };

  /** A completed archive of about `bytes`, its signed URL and what the emulator serves. */
  const archive = async (bytes: number): Promise<{ url: string; size: number; sha256: string }> => {
    const P = DEMO.projects.orderPortal.id;
    const E = DEMO.environments.orderPortalProduction.id;
    await control('POST', '/_emulator/config', { archiveBytes: bytes });
    const root = `/api/v2/apps/${P}/environments/${E}/snapshots`;
    const snap = await control<{ snapshot_id: string }>('POST', root, { comment: 'ranges' });
    await control('POST', '/_emulator/clock/advance', { seconds: 3600 });
    const a = await control<{ archive_id: string }>('POST', `${root}/${snap.snapshot_id}/archives?data_type=files_and_database`);
    await control('POST', '/_emulator/clock/advance', { seconds: 3600 });
    const done = await control<{ url: string }>('GET', `${root}/${snap.snapshot_id}/archives/${a.archive_id}`);
    const state = await control<{ archives: Record<string, { served: { size: number; sha256: string } }> }>('GET', '/_emulator/state');
    return { url: done.url, ...state.archives[a.archive_id].served };
  };

  before(async () => {
    emu = await startEmulator({ seed: 'demo', quiet: true });
    dir = mkdtempSync(join(tmpdir(), 'mx-int-ranges-'));
  });
  after(async () => {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  });

  for (const connections of [1, 8]) {
    it(`reassembles the archive's SHA-256 over ${connections} connection(s), size not a multiple of the range size, and verifies it in the same read`, async () => {
      const a = await archive(6 * MIB + 333);
      assert.notEqual(a.size % MIB, 0);
      const dest = join(dir, `c${connections}.tar.gz`);
      const r = await downloadToFile({ url: a.url, dest, connections, minRangeBytes: 512 * 1024, verifyArchive: true });
      assert.equal(r.size, a.size);
      assert.equal(r.sha256, a.sha256);
      // One stream, or a request per piece (1 MiB first, then 512 KiB pieces), each piece once.
      if (connections === 1) assert.equal(r.requests, 1);
      else assert.equal(new Set(r.transfers.map((t) => t.start)).size, r.requests);
      assert.equal(r.archive?.kind, 'full');
    });
  }

  it('a download process killed with SIGKILL resumes every range where its record says it stopped', async () => {
    // 8 connections at 16 Mbit/s each: ~16 MB/s in all, so a 24 MiB archive takes about 1.5 s.
    await control('POST', '/_emulator/link', { linkMbps: 16, latencyMs: 20 });
    try {
      const a = await archive(24 * MIB + 5);
      const dest = join(dir, 'crash.tar.gz');
      const child = spawn(process.execPath, ['--require', 'tsx/cjs', join(__dirname, 'downloadChild.ts'), JSON.stringify({ url: a.url, dest, connections: 8, minRangeBytes: MIB })], {
        stdio: 'ignore',
      });
      const exited = new Promise<NodeJS.Signals | null>((resolve) => child.once('exit', (_code, signal) => resolve(signal)));
      // Kill it once the record shows a third of the file on disk (and before it is done).
      const record = (): Record2 | undefined => {
        try {
          return JSON.parse(readFileSync(`${dest}.part.json`, 'utf8')) as Record2;
        } catch {
          return undefined;
        }
      };
      const deadline = Date.now() + 30_000;
      for (;;) {
        const r = record();
        if (r && r.ranges.reduce((n, x) => n + (x.pos - x.start), 0) > r.total / 3) break;
        if (Date.now() > deadline || child.exitCode !== null) throw new Error('the child never got a third of the file on disk');
        await new Promise((res) => setTimeout(res, 20));
      }
      child.kill('SIGKILL');
      assert.equal(await exited, 'SIGKILL');
      assert.ok(!existsSync(dest), 'the killed download did not finish');
      const left = record();
      assert.ok(left);
      const onDisk = left.ranges.reduce((n, x) => n + (x.pos - x.start), 0);
      assert.ok(onDisk > 0 && onDisk < a.size, `${onDisk} of ${a.size}`);
      assert.ok(left.ranges.some((x) => x.pos > x.start && x.pos < x.end), 'killed with ranges half done');

      const r = await downloadToFile({ url: a.url, dest, connections: 8, minRangeBytes: MIB });
      assert.equal(r.sha256, a.sha256);
      assert.equal(r.resumedFrom, onDisk);
      // Every unfinished range continued at its recorded position; nothing on disk was fetched again.
      const firstStarts = new Set(r.transfers.map((t) => t.start));
      for (const x of left.ranges.filter((x) => x.pos < x.end)) assert.ok(firstStarts.has(x.pos), `range ${x.start}-${x.end} resumed at ${x.pos}`);
      assert.ok(r.bytesFetched <= a.size - onDisk, `${r.bytesFetched} fetched, ${a.size - onDisk} missing`);
    } finally {
      await control('POST', '/_emulator/link', { linkMbps: 0, latencyMs: 0 });
    }
  });
});
