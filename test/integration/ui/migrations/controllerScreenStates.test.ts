/**
 * What the controller tells the screen while a run is not working: an open question of the engine
 * (the data freeze's typed confirmation) and the rollback after a failed cutover step. A whole
 * migration up to the cutover over the in-memory cloud (no sockets; here because it takes ~1 s).
 */
import { strict as assert } from 'node:assert';
import { mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MigrationController, ROLLING_BACK, WAITING_FOR_ANSWER, type ControllerChange } from '../../../../src/core/ui/migrations/migrationController';
import { buildPanelModel } from '../../../../src/core/ui/panel/panelModel';
import type { MigrationPrompt } from '../../../../src/core/migration/stepTypes';
import type { MigrationInput } from '../../../../src/core/migration/types';
import { FakeCloud } from '../../../support/fakeCloud';
import { testController } from '../../../support/testController';
import { sampleInput } from '../../../support/sampleInput';

/** Answers the data freeze's typed confirmation only when told to. */
class HeldPrompt implements MigrationPrompt {
  readonly person = 'tester';
  asked = 0;
  private release: (() => void) | undefined;
  confirmTyped(): Promise<boolean> {
    this.asked++;
    return new Promise((resolve) => (this.release = () => resolve(true)));
  }
  confirm(): Promise<boolean> {
    return Promise.resolve(true);
  }
  answer(): void {
    this.release?.();
  }
}

describe('migration controller: what the screen says while the run is not working', () => {
  let dir: string;
  let cloud: FakeCloud;
  let mc: MigrationController;
  let changes: ControllerChange[];
  let prompt: HeldPrompt;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mc-screen-'));
    mkdirSync(join(dir, 'dl'));
    // Temporary app A is linked to the target already (that portal step is detected as done).
    cloud = FakeCloud.demo();
    prompt = new HeldPrompt();
    changes = [];
    mc = testController(cloud, prompt);
    mc.onDidChange((c) => changes.push(c));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  /** The person's portal work for every waiting step, then Mark Done (through the controller). */
  async function actAsPerson(file: string, input: MigrationInput, waiting: readonly string[]): Promise<void> {
    for (const id of waiting) {
      const step = mc.peek(file)?.steps[id];
      if (id === 'backup.upload' || id === 'cutover.upload') await cloud.uploadBackup(input.target.nodeSubdomain, input.target.environment, step?.person?.file ?? '');
      const v = await mc.markDone(file, id);
      assert.ok(v.ok, `${id}: ${v.detail}`);
    }
  }

  it('says the run waits for the person’s answer while a question is open, then that it rolls back after a failed cutover step', async () => {
    const input = sampleInput(join(dir, 'dl'));
    const file = await mc.create(dir, input);
    // Up to the data freeze: every person step done as the portal would.
    let run = mc.run(file);
    for (let i = 0; i < 40 && prompt.asked === 0; i++) {
      const out = await Promise.race([run, new Promise<undefined>((r) => setTimeout(() => r(undefined), 50))]);
      if (!out) continue;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      await actAsPerson(file, input, out.waiting.map((w) => w.stepId));
      run = mc.run(file);
    }
    assert.equal(prompt.asked, 1, 'the data freeze asks for the typed confirmation');
    assert.equal(mc.busy(file), WAITING_FOR_ANSWER);
    assert.match(mc.saying(file) ?? '', /Type ".+" to confirm/);
    const j = mc.peek(file);
    assert.ok(j);
    const header = buildPanelModel(file, mc.planLines(file), j, mc.busy(file), mc.saying(file)).run;
    assert.match(header.now, /^Answer the question at the top of the window: .*Type ".+" to confirm/);
    assert.equal(header.busy, WAITING_FOR_ANSWER);

    prompt.answer();
    const upload = await run;
    assert.equal(mc.saying(file), undefined);
    assert.ok(upload.waiting.some((w) => w.stepId === 'cutover.upload'), JSON.stringify(upload));
    // The restore of the final backup fails inside the window: the runner restarts the source.
    cloud.failNext('createRestore', new Error('restore refused'));
    await actAsPerson(file, input, ['cutover.upload']);
    changes = [];
    const said: (string | undefined)[] = [];
    mc.onDidChange((c) => c.kind === 'busy' && said.push(mc.saying(file)));
    const failed = await mc.run(file);
    assert.equal(failed.status, 'failed');
    assert.equal(mc.peek(file)?.cutover.rollback?.result, 'source-restarted');
    const busy = changes.filter((c) => c.kind === 'busy').map((c) => (c.kind === 'busy' ? c.busy : ''));
    assert.deepEqual(busy, ['running', ROLLING_BACK, undefined], 'the rollback is said while it happens; the run is free once it ends');
    assert.match(said[1] ?? '', /^Rolling back: "Restore the final backup on the target" failed, so the source is started again$/);
    assert.equal(said[2], undefined);
    assert.equal(mc.busy(file), undefined);
  });
});
