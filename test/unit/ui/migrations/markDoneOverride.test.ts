import { strict as assert } from 'node:assert';
import type { PlanLine } from '../../../../src/core/migration/plan';
import type { VerifyResult } from '../../../../src/core/migration/stepTypes';
import type { Journal } from '../../../../src/core/migration/types';
import type { ControllerChange, MigrationController } from '../../../../src/core/ui/migrations/migrationController';
import { markDoneWithMessage } from '../../../../src/core/ui/migrations/migrationActions';
import type { MigrationDeps } from '../../../../src/core/ui/migrations/migrationDeps';
import { CANCEL, deps, LEAVE_OPEN, ScriptedInput, world } from '../../../support/uiFakes';

const FILE = '/ws/.mendix-migrations/m.json';
const STEP = 'domain.dns';

/** Just enough of the controller for Mark Done: one waiting step whose check fails until `prove()`. */
class OneStepController {
  status = 'waiting-for-person';
  readonly listeners = new Set<(c: ControllerChange) => void>();
  readonly line = { id: STEP, index: 27, title: 'Move the custom domain (portal + DNS)', kind: 'portal', allowsOverride: true, dependsOn: [] } as unknown as PlanLine;
  journal(): Journal {
    return { status: 'completed', steps: { [STEP]: { status: this.status, person: { summary: 'Bind the domain', actions: [] } } } } as unknown as Journal;
  }
  peek = () => this.journal();
  load = () => Promise.resolve(this.journal());
  planLines = () => [this.line];
  markDone = (): Promise<VerifyResult> => Promise.resolve({ ok: false, detail: 'DNS not there yet' } as VerifyResult);
  onDidChange(l: (c: ControllerChange) => void) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  /** Another Mark Done (or a run) proved the step. */
  prove(): void {
    this.status = 'done';
    for (const l of this.listeners) l({ kind: 'journal', file: FILE });
  }
}

function migrations(c: OneStepController): MigrationDeps {
  return {
    controller: c as unknown as MigrationController,
    workspaceFolder: () => '/ws',
    journals: () => Promise.resolve([]),
    openPanel: () => Promise.resolve(),
    panelVisible: () => true,
    rememberAccount: () => Promise.resolve(),
    refreshView: () => undefined,
  };
}

describe('Mark Done with an override question open', () => {
  it('closes the override question when the step is proved meanwhile, and reports no error', async () => {
    const c = new OneStepController();
    const ui = new ScriptedInput(['Mark Done', LEAVE_OPEN]);
    const pending = markDoneWithMessage(deps(world(), ui), migrations(c), FILE, STEP);
    await new Promise((r) => setImmediate(r));
    assert.equal(ui.inputs.length, 1, 'the override question is open');
    assert.equal(c.listeners.size, 1, 'it listens for the step being proved');
    for (const l of c.listeners) l({ kind: 'journal', file: FILE });
    assert.equal(ui.inputs[0].signal?.aborted, false, 'a change that does not prove the step leaves the question open');
    c.prove();
    assert.equal(ui.inputs[0].signal?.aborted, true);
    await pending;
    assert.equal(c.listeners.size, 0, 'the listener is gone with the question');
  });

  it('a person who closes the question while the step still waits is told it still waits', async () => {
    const c = new OneStepController();
    const ui = new ScriptedInput(['Mark Done', CANCEL]);
    await assert.rejects(markDoneWithMessage(deps(world(), ui), migrations(c), FILE, STEP), /still waiting: DNS not there yet/);
    assert.equal(c.listeners.size, 0);
  });
});
