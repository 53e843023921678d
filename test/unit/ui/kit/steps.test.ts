import { strict as assert } from 'node:assert';
import { runSteps, type Step } from '../../../../src/core/ui/kit/steps';
import { activeIndex, arrangeRows, GoBackError, refusalText, type PickItem } from '../../../../src/core/ui/kit/userInput';

describe('multi-step prompts', () => {
  it('Back returns to the last step that asked, passing over steps that asked nothing, with the answers kept', async () => {
    const log: string[] = [];
    const script = ['a1', 'c1', 'BACK', 'BACK', 'a2', 'c2', 'd1'];
    const step = (id: string, silent = false): Step<Record<string, string>> => ({
      id,
      ask(s, { back }) {
        if (silent) return Promise.resolve(false);
        const answer = script.shift();
        log.push(`${id}${back ? '+back' : ''} (had ${s[id] ?? '-'})`);
        if (answer === 'BACK') return Promise.reject(new GoBackError(id));
        s[id] = answer ?? '';
        return Promise.resolve();
      },
    });
    const state = await runSteps([step('a'), step('b', true), step('c'), step('d')], {});
    assert.deepEqual(state, { a: 'a2', c: 'c2', d: 'd1' });
    assert.deepEqual(log, ['a (had -)', 'c+back (had -)', 'd+back (had -)', 'c+back (had c1)', 'a (had a1)', 'c+back (had c1)', 'd+back (had -)']);
  });

  it('anything but Back ends the run; Back on the first question too', async () => {
    await assert.rejects(runSteps([{ id: 'x', ask: () => Promise.reject(new GoBackError('x')) }], {}), GoBackError);
    await assert.rejects(runSteps([{ id: 'x', ask: () => Promise.reject(new Error('boom')) }], {}), /boom/);
  });

  it('lists usable rows first, disabled ones after a separator, and focuses a usable row', () => {
    const rows: PickItem<number>[] = [
      { label: 'off', value: 1, disabled: 'runs in production.' },
      { label: 'one', value: 2 },
      { label: 'two', value: 3 },
    ];
    const { rows: arranged, separatorAt } = arrangeRows(rows);
    assert.deepEqual(arranged.map((r) => r.label), ['one', 'two', 'off']);
    assert.equal(separatorAt, 2);
    assert.equal(arrangeRows(rows.slice(1)).separatorAt, undefined);
    assert.equal(activeIndex(arranged, (v) => v === 3), 1);
    assert.equal(activeIndex(arranged, (v) => v === 1), 0, 'a disabled row is never focused');
    assert.equal(refusalText(rows[0]), 'off cannot be chosen: runs in production. Pick another.');
  });
});
