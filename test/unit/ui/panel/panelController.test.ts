import { strict as assert } from 'node:assert';
import { COMMANDS } from '../../../../src/core/ui/kit/commandIds';
import { PanelController } from '../../../../src/core/ui/panel/panelController';
import type { HostMessage } from '../../../../src/core/ui/panel/protocol';
import { createLogger } from '../../../../src/core/shared/logger';
import { MemoryLogSink } from '../../../support/memoryLogSink';
import { FakeTimers, journalFor } from './fixtures';

function setup() {
  const { journal, lines } = journalFor();
  const posted: HostMessage[] = [];
  const calls: string[] = [];
  const logs = new MemoryLogSink();
  const timers = new FakeTimers();
  const pc = new PanelController({
    source: { journalFile: '/w/.mendix-migrations/order-portal.json', journal: () => journal, plan: () => lines, busy: () => undefined },
    actions: {
      command: (id: string, arg: { journalFile: string; stepId?: string }) => {
        calls.push(`${id} ${arg.stepId ?? '-'} ${arg.journalFile}`);
        // Not registered: the host's executeCommand rejects (the command wrapper never does).
        if (id === COMMANDS.exportReport) return Promise.reject(new Error("command 'mendixMigration.exportReport' not found"));
        return Promise.resolve();
      },
      dns: (watch: boolean) => calls.push(watch ? 'watch dns' : 'stop dns'),
    },
    post: (m) => posted.push(m),
    log: createLogger(logs.sink),
    timers,
  });
  return { pc, journal, posted, calls, logs, timers };
}

describe('panel controller', () => {
  it('answers ready with the whole model', async () => {
    const { pc, posted } = setup();
    assert.equal(await pc.receive({ type: 'ready' }), true);
    assert.equal(posted.length, 1);
    const m = posted[0];
    assert.equal(m.type, 'init');
    if (m.type === 'init') {
      assert.equal(m.model.run.name, 'order-portal');
      assert.equal(m.model.steps[0].id, 'preflight');
      assert.equal(m.model.journalFile, '/w/.mendix-migrations/order-portal.json');
    }
  });

  it('rejects a message with a wrong shape: logged, nothing posted, no action, state unchanged', async () => {
    const { pc, posted, calls, logs, journal } = setup();
    await pc.receive({ type: 'ready' });
    const before = JSON.stringify(journal);
    for (const bad of [{ type: 'stepAction', action: 'run' }, { type: 'stepAction', action: 'format', stepId: 'preflight' }, 'run', null, { type: 'runAction', action: 'runAll', x: 1 }]) {
      assert.equal(await pc.receive(bad), false);
    }
    pc.flush();
    assert.equal(posted.length, 1, 'only the init message');
    assert.deepEqual(calls, []);
    assert.equal(pc.rejectedCount, 5);
    assert.equal(logs.lines.filter((l) => l.level === 'warn' && l.message.includes('refused a malformed message')).length, 5);
    assert.equal(JSON.stringify(journal), before);
  });

  it('refuses an action for a step that is not in the plan', async () => {
    const { pc, calls, logs } = setup();
    assert.equal(await pc.receive({ type: 'stepAction', action: 'run', stepId: 'not.a-step' }), false);
    assert.deepEqual(calls, []);
    assert.ok(logs.lines.some((l) => l.message.includes('unknown step')));
  });

  it('runs the command each button stands for, with its journal and step (as the palette and trees do)', async () => {
    const { pc, calls } = setup();
    const file = '/w/.mendix-migrations/order-portal.json';
    await pc.receive({ type: 'stepAction', action: 'run', stepId: 'preflight' });
    await pc.receive({ type: 'stepAction', action: 'markDone', stepId: 'link.temp-a' });
    await pc.receive({ type: 'stepAction', action: 'redo', stepId: 'link.temp-a' });
    await pc.receive({ type: 'stepAction', action: 'openApp', stepId: 'preflight' });
    await pc.receive({ type: 'stepAction', action: 'showLog', stepId: 'preflight' });
    await pc.receive({ type: 'runAction', action: 'runAll' });
    await pc.receive({ type: 'runAction', action: 'ackWarnings' });
    await pc.receive({ type: 'runAction', action: 'watchDns' });
    await pc.receive({ type: 'runAction', action: 'stopDns' });
    assert.deepEqual(calls, [
      `mendixMigration.runStep preflight ${file}`,
      `mendixMigration.markStepDone link.temp-a ${file}`,
      `mendixMigration.redoStep link.temp-a ${file}`,
      `mendixMigration.openStepApp preflight ${file}`,
      `mendixMigration.showLog preflight ${file}`,
      `mendixMigration.resumeMigration - ${file}`,
      `mendixMigration.acknowledgeWarnings - ${file}`,
      'watch dns',
      'stop dns',
    ]);
  });

  it('has no error surface of its own: a command that cannot start is logged, and the panel redraws', async () => {
    const { pc, posted, logs, timers, journal } = setup();
    await pc.receive({ type: 'ready' });
    journal.steps.preflight.status = 'done';
    await pc.receive({ type: 'runAction', action: 'exportReport' });
    timers.advance(200);
    assert.ok(logs.lines.some((l) => l.level === 'error' && l.message.includes('mendixMigration.exportReport could not run') && l.message.includes('not found')));
    assert.ok(!posted.some((m) => m.type === 'update' && m.notice), 'errors are shown by the command wrapper, not the panel');
    assert.ok(posted.some((m) => m.type === 'update' && m.run?.doneCount === 1), 'the panel redrew after the command');
  });

  it('sends only what changed: the changed step rows, the run info and the diagram', async () => {
    const { pc, posted, journal, timers } = setup();
    await pc.receive({ type: 'ready' });
    journal.steps.preflight.status = 'done';
    journal.steps['link.temp-a'].status = 'waiting-for-person';
    journal.steps['link.temp-a'].person = { summary: 'Link A', actions: [] };
    pc.refresh();
    timers.advance(150);
    assert.equal(posted.length, 2);
    const u = posted[1];
    assert.equal(u.type, 'update');
    if (u.type === 'update') {
      assert.deepEqual(
        u.steps?.map((s) => s.id),
        // package.download and backup.snapshot gain a Run button now that preflight is done.
        ['preflight', 'link.temp-a', 'package.download', 'backup.snapshot'],
      );
      assert.equal(u.run?.doneCount, 1);
      assert.equal(u.timings, undefined, 'timings did not change');
      assert.deepEqual(u.diagram?.links.filter((l) => l.active).map((l) => `${l.from}>${l.to}`), ['tempA>target'], 'the highlight moved to the current step');
    }
    pc.refresh();
    timers.advance(150);
    assert.equal(posted.length, 2, 'nothing changed, nothing sent');
  });

  it('sends nothing before the page said ready', () => {
    const { pc, posted, timers } = setup();
    pc.refresh();
    pc.transfer({ stepId: 'package.download', label: 'x', bytes: 1, rate: 0, done: false });
    timers.advance(500);
    assert.equal(posted.length, 0);
  });
});
