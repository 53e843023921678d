import { strict as assert } from 'node:assert';
import { migrationProgress } from '../../../src/core/migration/progress';
import { buildPanelModel } from '../../../src/core/ui/panel/panelModel';
import { summarize } from '../../../src/core/ui/migrations/journalList';
import { journalFor } from '../ui/panel/fixtures';

describe('migration progress: one reading of (plan, journal) for every surface', () => {
  it('a step left running by a process that went away is interrupted, not running', () => {
    const { journal, lines } = journalFor(undefined, { preflight: { status: 'done' }, 'package.download': { status: 'running' } });
    journal.lastRun = { status: 'running', at: '2026-11-22T01:00:00.000Z' };
    const p = migrationProgress(lines, journal);
    assert.equal(p.state, 'interrupted');
    assert.equal(p.focus?.id, 'package.download');
    assert.match(p.now, /Resume.*interrupted.*Download/i);
    // The same journal while this window drives the run.
    assert.equal(migrationProgress(lines, journal, { busy: true }).state, 'running');
  });

  it('a cancelled run is paused (not failed), and says what Resume does', () => {
    const { journal, lines } = journalFor(undefined, { preflight: { status: 'done' } });
    journal.lastRun = { status: 'cancelled', at: '2026-11-22T01:00:00.000Z' };
    const p = migrationProgress(lines, journal);
    assert.equal(p.state, 'paused');
    assert.match(p.now, /^Paused: Resume/);
    assert.equal(p.failed.length, 0);
  });

  it('waiting for a person names the step; a failure wins over waiting; a rollback is said first', () => {
    const { journal, lines } = journalFor(undefined, { preflight: { status: 'done' }, 'link.temp-a': { status: 'waiting-for-person' } });
    assert.deepEqual([migrationProgress(lines, journal).state, migrationProgress(lines, journal).focus?.id], ['waiting', 'link.temp-a']);
    journal.steps['package.download'].status = 'failed';
    assert.equal(migrationProgress(lines, journal).state, 'failed');
    journal.cutover.rollback = { at: '2026-11-22T02:00:00.000Z', reason: 'start failed', result: 'source-restarted' };
    const p = migrationProgress(lines, journal);
    assert.equal(p.state, 'rolled-back');
    assert.match(p.now, /rolled back: the source runs again/);
  });

  it('panel header, Migrations view and status bar read the same counts and state', () => {
    const { journal, lines } = journalFor(undefined, { preflight: { status: 'done' }, 'link.temp-a': { status: 'waiting-for-person' } });
    const model = buildPanelModel('/w/j.json', lines, journal);
    const summary = summarize('/w/j.json', journal, lines);
    const p = migrationProgress(lines, journal);
    assert.deepEqual([model.run.doneCount, model.run.totalCount, model.run.state, model.run.now], [p.done, p.total, p.state, p.now]);
    assert.deepEqual([summary.done, summary.total, summary.state, summary.now], [p.done, p.total, p.state, p.now]);
    assert.equal(model.run.nowStepId, 'link.temp-a');
  });

  it('busy with no step running and none runnable (a Mark Done being checked): the focus stays on the waiting step', () => {
    const { journal, lines } = journalFor();
    const last = lines[lines.length - 1];
    for (const l of lines) journal.steps[l.id].status = l.id === last.id ? 'waiting-for-person' : 'done';
    const p = migrationProgress(lines, journal, { busy: true });
    assert.equal(p.state, 'running');
    assert.equal(p.next, undefined);
    assert.equal(p.focus?.id, last.id);
    // So the status bar and the Migrations view name its phase instead of "Ready".
    assert.notEqual(summarize('/w/j.json', journal, lines, true).phase, 'Ready');
  });

  it('completed and aborted runs say so', () => {
    const { journal, lines } = journalFor();
    journal.status = 'completed';
    assert.equal(migrationProgress(lines, journal).state, 'completed');
    journal.status = 'aborted';
    journal.abort = { at: '2026-11-22T02:00:00.000Z', reason: 'wrong app', sourceTouched: false };
    assert.match(migrationProgress(lines, journal).now, /wrong app/);
  });
});
