/**
 * Migration engine figures, measured against the emulator on loopback:
 * - `migration.wall_over_critical_path`: wall time of each uninterrupted run segment over the longest
 *   dependency chain of the steps it executed (their measured durations). 1.0 means independent steps
 *   overlapped perfectly and the runner added nothing.
 * - `migration.downtime_estimate_error`: |predicted − measured| / measured for the cutover, where the
 *   prediction comes from the rehearsal's step timings.
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
import { actAsPerson, demoInput, demoServices, Portal } from '../integration/migration/harness';
import { figure, type BenchContext, type Figure } from './run';

export async function run(ctx: BenchContext): Promise<Record<string, Figure>> {
  // 20×: a start takes ~2 s, a restore ~6 s — long enough that runner overhead would show, and the
  // emulator's deterministic job timings (not its archive generation) dominate the cutover.
  const emu = await startEmulator({ seed: 'demo', timeScale: 20, quiet: true, archiveBytes: 8_000_000, packageBytes: 8_000_000 });
  const dir = mkdtempSync(join(ctx.scratch, 'migration-'));
  try {
    const portal = new Portal(emu.baseUrl);
    const input = demoInput('orderPortal', join(dir, 'downloads'));
    const { client, services } = demoServices(emu.baseUrl);
    const prompt = new ScriptedPrompt('bench', { typed: { [input.source.name]: input.source.name }, yes: true });
    const session = await createMigration(dir, input, { services, prompt, logger: createLogger(() => undefined), planOptions: { pollIntervalMs: 25 } });
    let wall = 0;
    let critical = 0;
    for (let i = 0; i < 30; i++) {
      const before = new Set(Object.entries(session.store.peek().steps).filter(([, s]) => s.status === 'done').map(([id]) => id));
      const t0 = performance.now();
      const out = await session.runner.run();
      const segmentWall = performance.now() - t0;
      const j = session.store.peek();
      // Only steps this segment executed; steps finished earlier count as zero-length dependencies.
      const durations: Record<string, number> = {};
      for (const [id, st] of Object.entries(j.steps)) if (st.status === 'done' && !before.has(id)) durations[id] = st.durationMs ?? 0;
      const segmentApi = session.plan.steps.filter((s) => durations[s.id] !== undefined && s.kind === 'api');
      const cp = criticalPathMs(session.plan.steps, Object.fromEntries(segmentApi.map((s) => [s.id, durations[s.id]])));
      // Segments that only verified a portal step carry no API work worth timing.
      if (cp.ms > 500) {
        wall += segmentWall;
        critical += cp.ms;
        ctx.log(`segment ${i}: wall ${Math.round(segmentWall)} ms, critical path ${Math.round(cp.ms)} ms (${cp.path.join(' → ')})`);
      }
      if (out.status === 'completed') break;
      if (out.status !== 'waiting-for-person') throw new Error(`migration ${out.status}: ${JSON.stringify(out.failed)}`);
      await actAsPerson(portal, session.runner, out, input);
    }
    const j = session.store.peek();
    if (j.status !== 'completed') throw new Error('the benchmark migration did not complete');
    const predicted = j.cutover.predictedDowntimeMs ?? NaN;
    const measured = j.cutover.measuredDowntimeMs ?? NaN;
    const r = j.rehearsals[j.rehearsals.length - 1];
    for (const [c, rId] of Object.entries(CUTOVER_REHEARSED_BY)) ctx.log(`${c}: ${j.steps[c].durationMs ?? '?'} ms (rehearsal ${rId}: ${r?.durationsMs[rId] ?? '?'} ms)`);
    ctx.log(`downtime predicted ${Math.round(predicted)} ms, measured ${Math.round(measured)} ms`);
    client.dispose();
    return {
      'migration.wall_over_critical_path': figure(wall / critical, 'ratio', '<= 1.1'),
      'migration.downtime_estimate_error': figure(Math.abs(predicted - measured) / measured, 'ratio', '<= 0.20'),
    };
  } finally {
    await emu.close();
    rmSync(dir, { recursive: true, force: true });
  }
}
