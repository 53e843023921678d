/**
 * The frame of every journey spec: inside its `describe`, starts the world before the first phase,
 * skips the phases after one that fails (each needs the one before), records the wall time and the
 * outcome after the last, and hands the phases the world, the panel and the truth record.
 */
import assert from 'node:assert/strict';
import { PanelDriver } from './panelDriver';
import { ScreenTruth } from './screen';
import { recordWallTime, startWorld, type World, type WorldOptions } from './world';

export interface Journey {
  /** The world and the panel, once `before` has run. */
  readonly ready: () => { w: World; p: PanelDriver };
  readonly truth: ScreenTruth;
  /** Says how the journey ended (recorded with its wall time); "not finished" until called. */
  readonly finished: (outcome: string) => void;
}

export function journey(suite: Mocha.Suite, opts: WorldOptions): Journey {
  suite.timeout(600_000);
  // Each phase needs the one before: after a failure the journey's later phases are skipped. (Mocha's
  // own bail would end the whole run, skipping the other journeys too.)
  let broken = false;
  beforeEach(function () {
    if (broken) this.skip();
  });
  afterEach(function () {
    if (this.currentTest?.state === 'failed') broken = true;
  });
  let world: World | undefined;
  let panel: PanelDriver | undefined;
  let started = 0;
  let outcome = 'not finished';
  const truth = new ScreenTruth(opts.name);

  before(async function () {
    this.timeout(240_000);
    started = Date.now();
    world = await startWorld(opts);
    panel = new PanelDriver(world);
  });

  after(async function () {
    this.timeout(60_000);
    recordWallTime(opts.name, Date.now() - started, outcome, world?.shots ?? []);
    await world?.close();
  });

  return {
    ready: () => {
      assert.ok(world && panel, 'the world is up');
      return { w: world, p: panel };
    },
    truth,
    finished: (o: string) => {
      outcome = o;
    },
  };
}
