/**
 * Journey (d): the run's states as a person meets them on the Order Portal move (no custom domain):
 * Cancel in the middle of a transfer → "paused" (not a red "Failed") → Resume; a window reload in the
 * middle of a step → "interrupted" with a Resume offer → Resume; Mark Done on the backup-upload step
 * → the restore runs. Slow calls are made slow with the emulator's fault injection (test setup only).
 */
import assert from 'node:assert/strict';
import { journey } from './journey';
import type { World } from './world';
import { allSettled, answerWizard, drive, settled, stepOf } from './person';
import { orderPortalAnswers, orderPortalPerson } from './orderPortalScript';
import { contextMenu, signIn } from './screen';
import { startCommand } from '../e2e/quickInput';

const NAME = 'd-run-states';

describe('journey (d): cancel → paused → resume, reload → interrupted → resume, Mark Done on an upload', function () {
  const { ready, truth, finished } = journey(this, { name: NAME, packageBytes: 4_000_000 });
  // Uploads are confirmed with Mark Done here (the case that broke the restore).
  const person = orderPortalPerson(() => ready().w, 'Mark Done');

  /** "Mendix: Resume Migration" from the palette (the only migration of the workspace). */
  async function resumeFromPalette(w: World): Promise<void> {
    await startCommand(w.wb, 'Mendix: Resume Migration');
    await w.wb.page.locator('.quick-input-widget').waitFor({ state: 'hidden', timeout: 15_000 }).catch(() => undefined);
  }

  it('signs in and starts the move from the tree', async function () {
    const { w, p } = ready();
    await signIn(w);
    await contextMenu(w, 'Order Portal', 'Start Migration from Here');
    await answerWizard(w, orderPortalAnswers('order-portal-states', ''));
    // The package download hangs for a while: long enough to cancel it in the middle.
    await w.control('/_emulator/faults', { kind: 'delay', method: 'GET', path: '/_downloads/**', ms: 30_000, count: 1 });
    await p.answerDialog('Start');
    await p.frame();
    await w.shot('started');
  });

  it('Cancel in the middle of the package download pauses the run; Resume finishes the download', async function () {
    const { w, p } = ready();
    await drive(w, p, { until: (steps) => stepOf(steps, 'package.download').status === 'running', person, timeoutMs: 120_000 });
    const toast = w.wb.page.locator('.notifications-toasts .notification-toast', { hasText: /Migration/ }).filter({ has: w.wb.page.getByRole('button', { name: 'Cancel' }) }).first();
    await toast.waitFor({ state: 'visible', timeout: 15_000 });
    await toast.getByRole('button', { name: 'Cancel' }).click();
    await p.waitForStatus('package.download', (s) => s !== 'running', 60_000);
    await p.show('package.download');
    await w.shot('cancelled');
    const row = stepOf(await p.steps(), 'package.download');
    truth.expect('cancel', 'the cancelled step does not read Failed', row.text, /Paused|Pending/i, /Failed/);
    truth.expect('cancel', 'the run reads paused', (await (await p.frame()).textContent('#run-header')) ?? '', /paused/i);
    await w.clearFaults();
    await resumeFromPalette(w);
    await p.waitForStatus('package.download', 'done', 120_000);
    await w.shot('resumed-after-cancel');
  });

  it('a window reload in the middle of a step leaves it interrupted with a Resume offer; Resume goes on', async function () {
    const { w, p } = ready();
    // The next backup's snapshot call hangs (the rehearsal's or the cutover's, whichever comes
    // first): that step is running when the window reloads.
    await w.control('/_emulator/faults', { kind: 'delay', method: 'POST', path: '/api/v2/apps/*/environments/*/snapshots', ms: 25_000, count: 1 });
    let hung = '';
    await drive(w, p, {
      until: (steps) => {
        hung = steps.find((s) => s.id.endsWith('.snapshot') && s.status === 'running')?.id ?? '';
        return hung !== '';
      },
      person,
      timeoutMs: 240_000,
    });
    await w.wb.page.reload({ waitUntil: 'domcontentloaded' });
    await w.wb.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    // The panel comes back by itself, or the person opens it from the palette.
    const back = await p.frame(30_000).catch(() => undefined);
    if (!back) {
      truth.expect('reload', 'the panel reopens after the reload', '', /reopened/);
      await startCommand(w.wb, 'Mendix: Open Migration Panel');
    }
    await p.frame();
    await w.wb.page.waitForTimeout(3000);
    await p.show(hung);
    await w.shot('after-reload');
    const row = stepOf(await p.steps(), hung);
    truth.expect('reload', 'the step reads interrupted, not Running', row.text, /interrupted/i, /\bRunning\b/);
    truth.expect('reload', 'Resume is offered', `${await p.text()} ${(await p.toasts()).join(' ')}`, /Resume/);
    await resumeFromPalette(w);
    await drive(w, p, { until: allSettled([hung]), person, timeoutMs: 240_000 });
    await w.shot('resumed-after-reload');
  });

  it('Mark Done on the backup-upload step: the restore runs', async function () {
    const { w, p } = ready();
    await drive(w, p, { until: allSettled(['backup.upload', 'restore']), person, timeoutMs: 240_000 });
    const steps = await p.steps();
    assert.ok(settled(stepOf(steps, 'restore')), 'the restore ran after Mark Done');
    await p.show('restore');
    await w.shot('restored-after-mark-done');
    finished('completed its states');
  });

  it('said the truth at every phase (paused, interrupted, Resume offered)', function () {
    truth.assertAll();
  });
});
