import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildPlan } from '../../../src/core/migration/plan';
import { renderReport } from '../../../src/core/migration/report';
import { logDates } from '../../../src/core/migration/steps/sourceRecordsSteps';
import { FakeCloud } from '../../support/fakeCloud';
import { actAsPerson, FakeClock, openRunner } from '../../support/driveMigration';
import { sampleInput } from '../../support/sampleInput';

describe('source logs and the optional clean-up', function () {
  this.timeout(20_000);
  let dir: string;
  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mm-clean-'));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  async function migrate(yes: boolean) {
    const cloud = FakeCloud.demo();
    // The target environment object stays the same while its node is relinked and renamed (URL change).
    const target = cloud.nodes.get('orderportal-us')?.envs.find((e) => e.mode === 'Production');
    assert.ok(target);
    target.tags.push('smoke-test');
    const input = sampleInput(dir);
    const { runner, store } = await openRunner(dir, input, cloud, new FakeClock(), true, { typed: { [input.source.name]: input.source.name }, yes });
    for (let i = 0; i < 30; i++) {
      const out = await runner.run();
      if (out.status === 'completed') break;
      assert.equal(out.status, 'waiting-for-person', JSON.stringify(out.failed));
      await actAsPerson(cloud, runner, out, input);
    }
    return { j: store.peek(), cloud, tags: target.tags };
  }

  it('the plan keeps the logs after the cutover and before unlinking, and ends with the clean-up', () => {
    const steps = buildPlan(sampleInput(dir)).steps;
    const ids = steps.map((s) => s.id);
    assert.deepEqual(steps.find((s) => s.id === 'offboard.source-logs')?.dependsOn, ['cutover.start-target']);
    assert.ok(steps.find((s) => s.id === 'relink.unlink-source')?.dependsOn.includes('offboard.source-logs'));
    assert.ok(steps.find((s) => s.id === 'offboard.request')?.dependsOn.includes('offboard.source-logs'));
    assert.equal(ids[ids.length - 1], 'finish.cleanup');
    assert.deepEqual(logDates(new Date('2026-03-02T10:00:00Z'), 3), ['2026-03-02', '2026-03-01', '2026-02-28']);
  });

  it('"no" keeps the target-only tag, and the journal records who said no', async () => {
    const { j, tags } = await migrate(false);
    assert.equal(j.status, 'completed');
    assert.ok(tags.includes('smoke-test'));
    const decisions = j.steps['finish.cleanup'].outputs.decisions as { kind: string; id: string; decision: string; by: string }[];
    assert.deepEqual(
      decisions.filter((d) => d.kind === 'tag').map((d) => [d.id, d.decision, d.by]),
      [['smoke-test', 'kept', 'tester']],
    );
    assert.ok(decisions.every((d) => d.decision === 'kept'), 'nothing removed without a yes');
    assert.match(j.steps['finish.cleanup'].verification?.detail ?? '', /0 removed/);
  });

  it('"yes" removes it (checked afterwards through the API); the logs of 7 days are kept and in the report', async () => {
    const { j, cloud, tags } = await migrate(true);
    assert.equal(j.status, 'completed');
    assert.ok(!tags.includes('smoke-test'));
    assert.equal(cloud.count('removeTag'), 1);
    const files = j.steps['offboard.source-logs'].outputs.files as { path: string }[];
    assert.equal(files.length, 14);
    const report = renderReport(j, buildPlan(j.input).steps);
    assert.match(report, /\| tag \| smoke-test \| removed \| tester \|/);
    assert.match(report, /offboard\.source-logs \(access-logs /);
  });
});
