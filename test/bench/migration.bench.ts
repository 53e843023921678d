/**
 * Migration engine figures, measured against the emulator on loopback:
 * - `migration.wall_over_critical_path`: wall time of each uninterrupted run segment over the longest
 *   dependency chain of the steps it executed (their measured durations). 1.0 means independent steps
 *   overlapped perfectly and the runner added nothing.
 * - `migration.downtime_estimate_error`: |predicted − measured| / measured for the cutover, where the
 *   prediction comes from the rehearsal's step timings.
 * - `migration.downtime_shaped_s` / `migration.downtime_shaped_1conn_s`: the cutover's measured
 *   downtime with a 1 GiB final backup over the shaped link, over 8 connections and over 1. The
 *   emulator runs in its own process there, as cloud storage is not in the user's process: in this
 *   one, serving 200 MB/s and receiving it shared one event loop, which capped the 8-connection run.
 * - `migration.download_shaped_speedup`: the final backup's download alone, 1 connection over 8.
 * Portal steps are done by the bench as soon as the run stops for them.
 */
import { mkdtempSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { startEmulator } from '../emulator/server';
import { createLogger } from '../../src/core/shared/logger';
import { createMigration } from '../../src/core/migration/session';
import { ScriptedPrompt } from '../support/scriptedPrompt';
import { CUTOVER_REHEARSED_BY } from '../../src/core/migration/timings';
import { criticalPathMs } from '../support/criticalPath';
import { apiStatusHttpCheck, ClientMigrationServices } from '../../src/core/mendix/clientAdapter';
import { DEMO } from '../emulator/seeds/demo';
import { actAsPerson, demoInput, demoServices, Portal } from '../integration/migration/harness';
import { figure, type BenchContext, type Figure } from './run';
import { bundle, startEmulator as startEmulatorProcess } from './transferTools';

interface MigrateOptions {
  /** Connections per download (the engine's default when absent). */
  connections?: number;
  /** Runs once the rehearsal's download is done, before the cutover's archive is requested. */
  beforeCutover?: () => Promise<void>;
  /** Collects the runner-overhead figures of each segment. */
  onSegment?: (segmentWall: number, criticalMs: number, path: string[], i: number) => void;
}

/** One whole migration of the demo's Order Portal against `baseUrl`; returns the finished journal. */
async function migrate(ctx: BenchContext, baseUrl: string, dir: string, o: MigrateOptions = {}) {
  const portal = new Portal(baseUrl);
  const input = demoInput('orderPortal', join(dir, 'downloads'));
  const { client, services: demo } = demoServices(baseUrl);
  const services = o.connections === undefined ? demo : new ClientMigrationServices({ client, username: DEMO.username, httpCheck: apiStatusHttpCheck(client), connections: o.connections });
  const prompt = new ScriptedPrompt('bench', { typed: { [input.source.name]: input.source.name }, yes: true });
  const session = await createMigration(dir, input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 25 } });
  let cutoverPrepared = false;
  try {
    for (let i = 0; i < 30; i++) {
      const before = new Set(Object.entries(session.store.peek().steps).filter(([, s]) => s.status === 'done').map(([id]) => id));
      if (o.beforeCutover && !cutoverPrepared && before.has('backup.download')) {
        cutoverPrepared = true;
        await o.beforeCutover();
      }
      const t0 = performance.now();
      const out = await session.runner.run();
      const segmentWall = performance.now() - t0;
      const j = session.store.peek();
      // Only steps this segment executed; steps finished earlier count as zero-length dependencies.
      const durations: Record<string, number> = {};
      for (const [id, st] of Object.entries(j.steps)) if (st.status === 'done' && !before.has(id)) durations[id] = st.durationMs ?? 0;
      const segmentApi = session.plan.steps.filter((s) => durations[s.id] !== undefined && s.kind === 'api');
      const cp = criticalPathMs(session.plan.steps, Object.fromEntries(segmentApi.map((s) => [s.id, durations[s.id]])));
      o.onSegment?.(segmentWall, cp.ms, cp.path, i);
      if (out.status === 'completed') break;
      if (out.status !== 'waiting-for-person') throw new Error(`migration ${out.status}: ${JSON.stringify(out.failed)}`);
      await actAsPerson(portal, session.runner, out, input);
    }
    const j = session.store.peek();
    if (j.status !== 'completed') throw new Error('the benchmark migration did not complete');
    const cutover = Object.entries(j.steps).filter(([id]) => id.startsWith('cutover.'));
    ctx.log(`measured downtime ${Math.round(j.cutover.measuredDowntimeMs ?? NaN)} ms; ${cutover.map(([id, st]) => `${id.slice(8)} ${st.durationMs ?? '?'}`).join(', ')} ms`);
    return j;
  } finally {
    client.dispose();
  }
}

/**
 * The cutover's downtime with a 1 GiB final backup fetched over the shaped link (200 Mbit/s per
 * connection, 50 ms to the first byte), with `connections` connections. The rehearsal runs with a
 * small archive on plain loopback; the link and the size change right before the cutover. The
 * emulator's clock runs at 100× here.
 */
async function shapedDowntimeSeconds(ctx: BenchContext, connections: number): Promise<{ downtime: number; download: number; upload: number }> {
  const dir = mkdtempSync(join(ctx.scratch, 'migration-shaped-'));
  const { emulator } = await bundle(ctx.root, dir);
  // 100×: the jobs' virtual minutes shrink to about a second each, so the transfer is what differs.
  const emu = await startEmulatorProcess(ctx.root, emulator, ['--time-scale', '100', '--archive-bytes', '8000000', '--package-bytes', '8000000']);
  try {
    const control = async (path: string, body: unknown) => {
      const res = await fetch(emu.base + path, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      if (!res.ok) throw new Error(`${path} → ${res.status}`);
    };
    const j = await migrate(ctx, emu.base, dir, {
      connections,
      beforeCutover: async () => {
        await control('/_emulator/config', { archiveBytes: SHAPED_ARCHIVE_BYTES });
        await control('/_emulator/link', { linkMbps: 200, latencyMs: 50 });
      },
    });
    const size = j.steps['cutover.download']?.outputs.size;
    if (typeof size !== 'number' || size < SHAPED_ARCHIVE_BYTES * 0.9) throw new Error(`the final backup was ${JSON.stringify(size)} bytes, not the shaped size`);
    const seconds = (id: string) => (j.steps[id]?.durationMs ?? NaN) / 1000;
    return { downtime: (j.cutover.measuredDowntimeMs ?? NaN) / 1000, download: seconds('cutover.download'), upload: seconds('cutover.upload') };
  } finally {
    await emu.stop();
    rmSync(dir, { recursive: true, force: true });
  }
}

const SHAPED_ARCHIVE_BYTES = Math.round(1024 * 1024 * 1024 * (Number(process.env.BENCH_TRANSFER_SCALE ?? '1') || 1));

export async function run(ctx: BenchContext): Promise<Record<string, Figure>> {
  // 20×: a start takes ~2 s, a restore ~6 s — long enough that runner overhead would show, and the
  // emulator's deterministic job timings (not its archive generation) dominate the cutover.
  const emu = await startEmulator({ seed: 'demo', timeScale: 20, quiet: true, archiveBytes: 8_000_000, packageBytes: 8_000_000 });
  const dir = mkdtempSync(join(ctx.scratch, 'migration-'));
  let wall = 0;
  let critical = 0;
  let j;
  try {
    j = await migrate(ctx, emu.baseUrl, dir, {
      onSegment: (segmentWall, cpMs, path, i) => {
        // Segments that only verified a portal step carry no API work worth timing.
        if (cpMs <= 500) return;
        wall += segmentWall;
        critical += cpMs;
        ctx.log(`segment ${i}: wall ${Math.round(segmentWall)} ms, critical path ${Math.round(cpMs)} ms (${path.join(' → ')})`);
      },
    });
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
  const predicted = j.cutover.predictedDowntimeMs ?? NaN;
  const measured = j.cutover.measuredDowntimeMs ?? NaN;
  const r = j.rehearsals[j.rehearsals.length - 1];
  for (const [c, rId] of Object.entries(CUTOVER_REHEARSED_BY)) ctx.log(`${c}: ${j.steps[c].durationMs ?? '?'} ms (rehearsal ${rId}: ${r?.durationsMs[rId] ?? '?'} ms)`);
  ctx.log(`downtime predicted ${Math.round(predicted)} ms, measured ${Math.round(measured)} ms`);

  const parallel = await shapedDowntimeSeconds(ctx, 8);
  const single = await shapedDowntimeSeconds(ctx, 1);
  ctx.log(
    `shaped cutover downtime: ${parallel.downtime.toFixed(1)} s over 8 connections, ${single.downtime.toFixed(1)} s over 1; ` +
      `of which the download ${parallel.download.toFixed(1)} s / ${single.download.toFixed(1)} s and the person's upload in the portal ${parallel.upload.toFixed(1)} s / ${single.upload.toFixed(1)} s`,
  );
  return {
    'migration.wall_over_critical_path': figure(wall / critical, 'ratio', '<= 1.1'),
    'migration.downtime_estimate_error': figure(Math.abs(predicted - measured) / measured, 'ratio', '<= 0.20'),
    'migration.downtime_shaped_s': figure(parallel.downtime, 's', '>= 0'),
    'migration.downtime_shaped_1conn_s': figure(single.downtime, 's', '>= 0'),
    'migration.downtime_shaped_speedup': figure(single.downtime / parallel.downtime, 'ratio', '>= 4'),
    // What the connections change: the final backup's download (the downtime also holds the person's
    // upload of the same file in the portal, which no connection count shortens).
    'migration.download_shaped_speedup': figure(single.download / parallel.download, 'ratio', '>= 4'),
  };
}
