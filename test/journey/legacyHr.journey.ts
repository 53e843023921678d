/**
 * Journey (b): "Legacy HR" moves from the Mendix Cloud v3 node (legacyhr) to the v4 node
 * (legacyhr-v4), to offboarding and the URL change, through the UI alone. The v3 → v4 run must show
 * the v4 considerations and the flavour it inferred from what the API shows.
 */
import assert from 'node:assert/strict';
import { DEMO } from '../emulator/seeds/demo';
import { journey } from './journey';
import { allSettled, answerWizard, drive, stepOf, type PersonAction } from './person';
import { appRow, contextMenu, signIn } from './screen';

const NAME = 'b-legacy-hr';
const SOURCE = DEMO.nodes.legacyhr.subdomain;
const TARGET = DEMO.nodes.legacyhrV4.subdomain;

describe('journey (b): Legacy HR from Mendix Cloud v3 to v4, to offboarding', function () {
  const { ready, truth, finished } = journey(this, { name: NAME });

  const uploadBackup: PersonAction = async (step) => {
    const file = /File: (\S+\.tar\.gz)/.exec(step.text)?.[1];
    assert.ok(file, `the step names the backup file to upload: ${step.text}`);
    await ready().w.portal.uploadBackup(`${DEMO.projects.legacyHrTempA.name} – Production (${TARGET})`, file);
    return 'Run Until a Person Is Needed';
  };
  let urlOffered = false;
  const markDone: PersonAction = () => Promise.resolve('Mark Done');
  const person: Record<string, PersonAction> = {
    'link.temp-a': async () => {
      await ready().w.portal.link(DEMO.projects.legacyHrTempA.name, TARGET);
      return 'Mark Done';
    },
    'backup.upload': uploadBackup,
    'cutover.upload': uploadBackup,
    'config.portal-checklist': markDone,
    'test.confirm': markDone,
    'relink.unlink-source': async () => {
      await ready().w.portal.link(DEMO.projects.legacyHrTempB.name, SOURCE);
      return 'Mark Done';
    },
    'relink.link-target': async () => {
      await ready().w.portal.link(DEMO.projects.legacyHr.name, TARGET);
      return 'Mark Done';
    },
    'offboard.request': async () => {
      await ready().w.portal.offboard(SOURCE);
      return 'Mark Done';
    },
    // Support gives the target the old sub-domain once the v3 node is gone.
    'url.change': async () => {
      const overview = await ready().w.portal.overview();
      if (!urlOffered) {
        urlOffered = true;
        truth.expect('url', 'the URL change is offered only once the old node is gone', overview, /\S/, new RegExp(`\\b${SOURCE} Frankfurt \\(v3\\)`));
      }
      if (overview.includes(`${SOURCE} `)) return 'later';
      await ready().w.portal.changeUrl(TARGET, SOURCE);
      return 'Mark Done';
    },
  };

  it('signs in; the tree does not call the v3 node "Mendix Cloud v4"', async function () {
    const { w } = ready();
    await signIn(w);
    const row = appRow(w, 'Legacy HR');
    await row.waitFor({ timeout: 30_000 });
    const text = ((await row.innerText()) || '').replace(/\s+/g, ' ');
    truth.expect('tree', 'the v3 app is not labelled v4', text, /Legacy HR/, /Cloud v4/);
    await w.shot('signed-in');
  });

  it('starts the v3 → v4 migration from the tree; the panel opens', async function () {
    const { w, p } = ready();
    await contextMenu(w, 'Legacy HR', 'Start Migration from Here');
    const confirm = await answerWizard(w, [
      { ask: /Which environment of Legacy HR moves/, answer: 'Production' },
      { ask: /kind of migration/i, answer: 'Mendix Cloud v3 → v4' },
      { ask: /node the app moves to|target node/i, answer: TARGET },
      { ask: /Environment on .* that receives/, answer: 'Production' },
      { ask: /Temporary app A/, answer: DEMO.projects.legacyHrTempA.name },
      { ask: /Temporary app B/, answer: DEMO.projects.legacyHrTempB.name },
      { ask: /Custom domains/, answer: '' },
      { ask: /older backup/, answer: 'None' },
      { ask: /Name of this migration/, answer: 'legacy-hr' },
    ]);
    await w.shot('wizard-confirm');
    assert.match(confirm, new RegExp(`Legacy HR Production \\(${SOURCE}\\) → ${TARGET} Production`));
    truth.expect('wizard', 'the LDAP-on-a-private-network warning (no VPN on v4)', confirm, /LDAP/i);
    truth.expect('wizard', 'v3 → v4 is shown as the inferred flavour', confirm, /v3 → v4.*inferred|inferred.*v3 → v4/i, /not the inferred/i);
    await p.answerDialog('Start');
    const f = await p.frame();
    assert.match((await f.textContent('#run-header h1')) ?? '', /legacy-hr/);
    truth.expect('start', 'the header names the flavour', (await f.textContent('#run-header')) ?? '', /v3 → v4/);
    await w.shot('panel-opened');
  });

  it('rehearses on v4: the checklist carries the v4 considerations', async function () {
    const { w, p } = ready();
    await drive(w, p, { until: allSettled(['test.start-target', 'test.confirm']), person });
    const all = await p.text();
    for (const [what, re] of [
      ['TLS 1.2+', /TLS 1\.2/],
      ['database connections per GB', /connection/i],
      ['no VPN on v4', /VPN/],
      ['the debugger', /debugger/i],
      ['scheduled events on Mendix 7', /scheduled event/i],
    ] as const) {
      truth.expect('rehearsal', `the v4 consideration: ${what}`, all, re);
    }
    truth.expect('rehearsal', 'the target URL check is Verified', stepOf(await p.steps(), 'test.start-target').text, /Verified/);
    await p.show('test.confirm');
    await w.shot('rehearsed');
  });

  it('cuts over, relinks, offboards the v3 node and takes over its URL; the run completes', async function () {
    const { w, p } = ready();
    await drive(w, p, { until: (steps) => steps.every((s) => s.status === 'done' || s.status === 'skipped'), person });
    const status = await p.runStatus(/complete/i);
    await w.shot('all-steps-done');
    assert.match(status, /complete/i, 'every step is done: the run reads completed');
    const overview = await w.portal.overview();
    assert.match(overview, new RegExp(`\\b${SOURCE} .*Legacy HR .*Production: Running`), 'the v4 node now carries the old sub-domain and runs the app');
    const steps = await p.steps();
    truth.expect('url', 'the URL change is checked on the whole old host', stepOf(steps, 'url.change').text, /Verified.*legacyhr\.mendixcloud\.com|legacyhr\.apps\./);
    await p.show('url.change');
    await w.shot('completed');
    finished('completed');
  });

  it('said the truth at every phase (flavour inferred, v4 considerations, Verified vs Confirmed)', function () {
    truth.assertAll();
  });
});
