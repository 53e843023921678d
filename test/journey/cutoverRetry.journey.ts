/**
 * Journey (c): the Order Portal move (no custom domain) whose first start of the target in the
 * cutover fails (a fault injected through the emulator's control API, test setup only). The UI must
 * announce the rollback at once (header, Migrations view, status bar), say that the source runs
 * again and what to do next; once the cause is cleared the retry succeeds and the sign-off report
 * shows both downtime windows.
 */
import assert from 'node:assert/strict';
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { DEMO } from '../emulator/seeds/demo';
import { journey } from './journey';
import { allSettled, answerWizard, drive, stepOf } from './person';
import { orderPortalAnswers, orderPortalPerson } from './orderPortalScript';
import { contextMenu, signIn } from './screen';

const NAME = 'c-cutover-retry';
const TARGET_ENV = DEMO.environments.orderPortalUsProduction.id;

describe('journey (c): the cutover’s first target start fails, rolls back, and the retry succeeds', function () {
  const { ready, truth, finished } = journey(this, { name: NAME });
  const person = orderPortalPerson(() => ready().w);

  it('signs in, starts the move and rehearses it up to the cutover', async function () {
    const { w, p } = ready();
    await signIn(w);
    await contextMenu(w, 'Order Portal', 'Start Migration from Here');
    await answerWizard(w, orderPortalAnswers('order-portal-cutover', ''));
    await p.answerDialog('Start');
    await drive(w, p, { until: allSettled(['test.start-target', 'test.confirm']), person });
    await w.shot('rehearsed');
  });

  it('the target’s first start in the cutover fails: the rollback is announced at once', async function () {
    const { w, p } = ready();
    // The fault: the target's next start fails.
    await w.control('/_emulator/start-failure', { environmentId: TARGET_ENV, errorCode: 'START_FAILED' });
    const steps = await drive(w, p, {
      until: () => false,
      person,
      expectFailure: (s) => s.id === 'cutover.start-target',
    });
    const failed = stepOf(steps, 'cutover.start-target');
    assert.equal(failed.status, 'failed');
    // The step fails first; the source is then started again (the header says "Rolling back" meanwhile).
    await p.runStatus(/Rolled back/, 30_000);
    await p.show('cutover.start-target');
    await w.shot('rollback-announced');
    const header = (await (await p.frame()).textContent('#run-header')) ?? '';
    truth.expect('rollback', 'the header says the cutover was rolled back', header, /roll(ed)? ?back/i);
    truth.expect('rollback', 'the header says the source runs again', header, /source.*(runs|running|started) again|restarted the source/i);
    truth.expect('rollback', 'the header says what to do next', header, /what to do next|Next:|retry|run (it )?again/i);
    truth.expect('rollback', 'the Migrations view says so', await p.migrationsView(), /roll(ed)? ?back/i);
    truth.expect('rollback', 'the status bar says so', await p.statusBar(), /roll(ed)? ?back/i);
    const buttons = (await (await p.frame()).locator('#step-cutover_start-target .actions button').allInnerTexts()).map((t) => t.trim());
    truth.expect('rollback', 'the failed step offers Run', buttons.join(' | '), /(^| \| )Run( \| |$)/);
    for (const id of ['cutover.download', 'cutover.upload']) {
      const s = stepOf(await p.steps(), id);
      truth.expect('rollback', `${id} does not keep "100 % · finished" after the reset`, s.text, /./, /100 % · finished/);
    }
    truth.expect('rollback', 'the source runs again (portal page)', await w.portal.overview(), new RegExp(`${DEMO.nodes.orderportal.subdomain} .*Production: Running`));
  });

  it('the cause is cleared and the retry succeeds', async function () {
    const { w, p } = ready();
    await w.control('/_emulator/start-failure', { environmentId: TARGET_ENV, errorCode: null });
    // The failed step's own Run, when offered (NOTES.md R3); otherwise the run-wide button.
    const offered = (await (await p.frame()).locator('#step-cutover_start-target .actions button').allInnerTexts()).map((t) => t.trim());
    if (offered.includes('Run')) await p.click('cutover.start-target', 'Run');
    else await p.clickRun('Run Until a Person Is Needed');
    // The retry starts the cutover over: the data freeze asks for the app name again, and the header
    // says the run waits for that answer (NOTES.md R7).
    const deadline = Date.now() + 15_000;
    while (Date.now() < deadline && !(await p.inputPrompt())) await w.wb.page.waitForTimeout(200);
    const now = ((await (await p.frame()).textContent('#now')) ?? '').replace(/\s+/g, ' ');
    truth.expect('retry', 'the header says the run waits for the typed confirmation', now, /Answer the question at the top of the window: .*Type ".+" to confirm/);
    await drive(w, p, { until: allSettled(['cutover.start-target']), person, retrying: ['cutover.start-target'] });
    await p.show('cutover.start-target');
    await w.shot('retried');
  });

  it('the sign-off report records the rollback and both downtime windows', async function () {
    const { w, p } = ready();
    await p.clickRun('Export Report');
    // The report is saved beside the journal and opened in an editor.
    const dir = join(w.folder, '.mendix-migrations');
    const deadline = Date.now() + 30_000;
    let report = '';
    while (Date.now() < deadline && !report) {
      const f = readdirSync(dir).find((n) => /report/i.test(n));
      if (f) report = readFileSync(join(dir, f), 'utf8');
      else await w.wb.page.waitForTimeout(300);
    }
    await w.shot('report');
    truth.expect('report', 'the report is saved beside the journal', report ? 'saved' : '', /saved/);
    truth.expect('report', 'the report records the rollback', report, /roll(ed)? ?back/i);
    truth.expect('report', 'the report shows two downtime windows and their total', report, /downtime[\s\S]*downtime[\s\S]*total/i);
    finished('rolled back and retried');
  });

  it('said the truth at every phase (rollback announced, both downtime windows)', function () {
    truth.assertAll();
  });
});
