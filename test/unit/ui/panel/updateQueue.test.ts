import { strict as assert } from 'node:assert';
import type { HostMessage } from '../../../../src/core/ui/panel/protocol';
import { UpdateQueue } from '../../../../src/core/ui/panel/updateQueue';
import { FakeTimers } from './fixtures';

describe('panel update queue', () => {
  it('posts at most 10 messages a second under a flood of progress ticks, ending on the latest figures', () => {
    const timers = new FakeTimers();
    const posted: { at: number; m: HostMessage }[] = [];
    const q = new UpdateQueue((m) => posted.push({ at: timers.now(), m }), timers);
    // 2 transfers ticking every millisecond for 3 seconds.
    for (let t = 0; t < 3000; t++) {
      q.setTransfer({ stepId: 'package.download', label: 'pkg', bytes: t * 1000, total: 3_000_000, rate: 1e6, done: false });
      q.setTransfer({ stepId: 'backup.download', label: 'bak', bytes: t * 10, rate: 1e4, done: false });
      timers.advance(1);
    }
    timers.advance(200);
    for (let s = 0; s < 3; s++) {
      const inSecond = posted.filter((p) => p.at >= s * 1000 && p.at < (s + 1) * 1000).length;
      assert.ok(inSecond <= 10, `second ${s}: ${inSecond} messages`);
    }
    for (let i = 1; i < posted.length; i++) assert.ok(posted[i].at - posted[i - 1].at >= 100);
    const last = posted[posted.length - 1].m;
    assert.equal(last.type, 'update');
    if (last.type === 'update') {
      assert.equal(last.transfers?.length, 2);
      assert.equal(last.transfers?.find((t) => t.stepId === 'package.download')?.bytes, 2_999_000);
    }
  });

  it('merges step rows by id and keeps other parts of the same interval together', () => {
    const timers = new FakeTimers();
    const posted: HostMessage[] = [];
    const q = new UpdateQueue((m) => posted.push(m), timers);
    q.sendNow({ type: 'update', notice: { level: 'info', text: 'first' } });
    const row = (status: 'running' | 'done') => ({ id: 'preflight', index: 1, title: 'P', phase: 'preflight' as const, kind: 'api' as const, status, describe: '', attempts: 1, actions: [] });
    q.setSteps([row('running')]);
    q.setSteps([row('done')]);
    q.setNotice({ level: 'info', text: 'second' });
    assert.equal(posted.length, 1, 'waits for the interval');
    timers.advance(100);
    assert.equal(posted.length, 2);
    const u = posted[1];
    assert.ok(u.type === 'update' && u.steps?.length === 1 && u.steps[0].status === 'done' && u.notice?.text === 'second');
  });

  it('drops pending parts when a full init replaces them', () => {
    const timers = new FakeTimers();
    const posted: HostMessage[] = [];
    const q = new UpdateQueue((m) => posted.push(m), timers);
    q.setNotice({ level: 'info', text: 'stale' });
    q.sendNow({ type: 'update' }, true);
    timers.advance(500);
    assert.equal(posted.length, 1);
  });
});
