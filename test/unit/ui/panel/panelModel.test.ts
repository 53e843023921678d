import { strict as assert } from 'node:assert';
import { buildDiagram, diagramStage } from '../../../../src/core/ui/panel/diagram';
import { buildPanelModel, changedSteps, currentStepId, phaseGroups, stepRow } from '../../../../src/core/ui/panel/panelModel';
import { sampleInput } from '../../../support/sampleInput';
import { journalFor } from './fixtures';

describe('panel model', () => {
  it('groups steps by phase in plan order', () => {
    const { lines } = journalFor();
    const groups = phaseGroups(lines);
    assert.equal(groups[0].phase, 'preflight');
    assert.deepEqual(groups.find((g) => g.phase === 'backup')?.stepIds, ['backup.snapshot', 'backup.archive', 'backup.download']);
    assert.equal(groups.flatMap((g) => g.stepIds).length, lines.length);
  });

  it('offers actions that fit each state', () => {
    const person = { summary: 'Link temp A', actions: ['do it'], url: 'https://portal.example/x' };
    const { journal, lines } = journalFor(undefined, {
      preflight: { status: 'done', startedAt: '2026-11-22T01:00:00.000Z', durationMs: 1200 },
      'link.temp-a': { status: 'waiting-for-person', person },
      'offboard.request': { status: 'waiting-for-person', person: { summary: 'Ask Support', actions: [], requestText: 'Dear Support' } },
    });
    const row = (id: string) => stepRow(lines.find((l) => l.id === id)!, journal);
    assert.deepEqual(row('preflight').actions, ['verify', 'showLog']);
    assert.deepEqual(row('link.temp-a').actions, ['markDone', 'openPortal', 'verify', 'redo', 'showLog']);
    assert.deepEqual(row('package.download').actions, ['run', 'showLog']);
    // Dependencies not done yet: no Run.
    assert.deepEqual(row('package.upload').actions, ['showLog']);
    assert.ok(row('offboard.request').actions.includes('copySupportRequest'));
    // The support text is shown where the instructions say "send the request below" (issue 14 item 9).
    assert.equal(row('offboard.request').person?.hasRequestText, true);
    assert.equal(row('offboard.request').requestText, 'Dear Support');
    // A person step whose later steps already rest on it offers no Redo; an automatic step never does.
    assert.ok(!row('preflight').actions.includes('redo'));
  });

  it('offers no Run or Mark Done on an aborted run', () => {
    const { journal, lines } = journalFor(undefined, { preflight: { status: 'done' }, 'link.temp-a': { status: 'waiting-for-person', person: { summary: 's', actions: [] } } });
    journal.status = 'aborted';
    const rows = lines.map((l) => stepRow(l, journal));
    assert.ok(rows.every((r) => !r.actions.includes('run') && !r.actions.includes('markDone')));
  });

  it('points at the running step, else a failed one, else one waiting for a person, else the next ready one', () => {
    const { journal, lines } = journalFor();
    assert.equal(currentStepId(lines, journal), 'preflight');
    journal.steps.preflight.status = 'done';
    journal.steps['link.temp-a'].status = 'waiting-for-person';
    assert.equal(currentStepId(lines, journal), 'link.temp-a');
    journal.steps['backup.snapshot'].status = 'running';
    assert.equal(currentStepId(lines, journal), 'backup.snapshot');
  });

  it('reports rehearsal timings and the predicted downtime', () => {
    const { journal, lines } = journalFor();
    journal.rehearsals.push({
      startedAt: '2026-11-22T01:00:00.000Z',
      durationsMs: { 'backup.snapshot': 1000, 'backup.archive': 2000, 'backup.download': 3000, 'backup.upload': 4000, restore: 5000, 'test.start-target': 6000 },
    });
    const m = buildPanelModel('/w/j.json', lines, journal);
    assert.equal(m.timings.rehearsals[0].totalMs, 21000);
    assert.equal(m.timings.predictedDowntimeMs, 21000);
    assert.equal(m.timings.rehearsals[0].steps.find((s) => s.id === 'restore')?.title, lines.find((l) => l.id === 'restore')?.title);
    journal.cutover = { predictedDowntimeMs: 20000, measuredDowntimeMs: 19000 };
    const m2 = buildPanelModel('/w/j.json', lines, journal);
    assert.equal(m2.timings.predictedDowntimeMs, 20000);
    assert.equal(m2.timings.measuredDowntimeMs, 19000);
  });

  it('finds exactly the step rows that changed', () => {
    const { journal, lines } = journalFor();
    const a = buildPanelModel('/w/j.json', lines, journal);
    journal.steps.preflight.status = 'running';
    const b = buildPanelModel('/w/j.json', lines, journal);
    assert.deepEqual(
      changedSteps(a.steps, b.steps).map((r) => r.id),
      ['preflight'],
    );
  });
});

describe('node-link diagram', () => {
  it('follows the temporary-app swap from before to after', () => {
    const { journal } = journalFor(sampleInput('/tmp/dl'));
    const linked = () =>
      buildDiagram(journal)
        .links.filter((l) => l.state === 'linked')
        .map((l) => `${l.from}>${l.to}`)
        .sort();
    assert.equal(diagramStage(journal), 'before');
    assert.deepEqual(linked(), ['app>source']);
    journal.steps['link.temp-a'].status = 'done';
    assert.equal(diagramStage(journal), 'preparing');
    assert.deepEqual(linked(), ['app>source', 'tempA>target']);
    journal.steps['relink.unlink-source'].status = 'done';
    assert.equal(diagramStage(journal), 'swap');
    assert.deepEqual(linked(), ['tempA>target', 'tempB>source']);
    journal.steps['relink.link-target'].status = 'done';
    assert.equal(diagramStage(journal), 'after');
    assert.deepEqual(linked(), ['app>target', 'tempB>source']);
    journal.steps['offboard.request'].status = 'done';
    const d = buildDiagram(journal);
    assert.equal(d.boxes.find((b) => b.id === 'source')?.state, 'gone');
    assert.ok(!d.links.some((l) => l.to === 'source'));
    // After Support's URL change the target node is called by the old sub-domain, not its first name.
    assert.equal(d.boxes.find((b) => b.id === 'target')?.label, 'orderportal-us');
    journal.steps['url.change'].status = 'done';
    const renamed = buildDiagram(journal).boxes.find((b) => b.id === 'target');
    assert.deepEqual([renamed?.label, renamed?.sublabel], ['orderportal', 'target node (was orderportal-us)']);
  });

  it('highlights what the current step works on', () => {
    const { journal } = journalFor();
    const d = buildDiagram(journal, 'link.temp-a');
    assert.deepEqual(d.boxes.filter((b) => b.active).map((b) => b.id).sort(), ['target', 'tempA']);
    assert.deepEqual(d.links.filter((l) => l.active).map((l) => `${l.from}>${l.to}`), ['tempA>target']);
    assert.deepEqual(buildDiagram(journal, 'backup.snapshot').boxes.filter((b) => b.active).map((b) => b.id), ['source']);
  });
});
