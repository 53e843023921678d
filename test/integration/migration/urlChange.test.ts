import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { FakeCloud } from '../../support/fakeCloud';
import { actAsPerson, FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

describe('the URL change (Support renames the target node)', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-url-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('addresses the target by its new AppId once Support renamed it, and names the hosts it compared', async () => {
    const cloud = FakeCloud.demo();
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true);
    let renamedBeforeConfirm = false;
    for (let i = 0; i < 40; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      const url = out.waiting.find((w) => w.stepId === 'url.change');
      if (url && !renamedBeforeConfirm && store.peek().steps['offboard.request']?.status === 'done') {
        // Support did the change before the person pressed Mark Done: the step's instructions and
        // check must now find the target under its new AppId (the old sub-domain).
        cloud.changeUrl(input.target.nodeSubdomain, input.source.nodeSubdomain);
        renamedBeforeConfirm = true;
        continue;
      }
      await actAsPerson(cloud, runner, { ...out, waiting: renamedBeforeConfirm ? out.waiting.filter((w) => w.stepId !== 'url.change') : out.waiting }, input);
      if (renamedBeforeConfirm && url) await runner.confirmManualStep('url.change', 'tester');
    }
    const j = store.peek();
    assert.ok(renamedBeforeConfirm, 'the run reached the URL change after offboarding');
    assert.equal(j.status, 'completed');
    const step = j.steps['url.change'];
    assert.equal(step?.status, 'done');
    const sourceUrl = j.steps.preflight?.outputs.sourceUrl;
    assert.ok(typeof sourceUrl === 'string', 'the preflight recorded the source URL');
    const oldHost = new URL(sourceUrl).hostname;
    assert.ok(oldHost.includes('.'), oldHost);
    assert.equal(step?.verification?.ok, true);
    assert.ok(step?.verification?.detail.includes(`old host ${oldHost}`), step?.verification?.detail);
    assert.equal(step?.error, undefined);
  });
});
