import { strict as assert } from 'node:assert';
import { askMigrationInput } from '../../../../src/core/ui/migrations/wizard';
import { targetRefusal, tempRefusal } from '../../../../src/core/ui/migrations/wizardLists';
import { UserCancelledError } from '../../../../src/core/ui/kit/errors';
import { app, BACK, CANCEL, deps, environment, ScriptedInput, world, type SeenPick } from '../../../support/uiFakes';

/**
 * An account as the API shows it: the source, the target node (linked to temporary app A, empty),
 * a free app without a node (B), a spare one, a production app running on its own node, a free app
 * with a Free App environment and a v3 node.
 */
async function account() {
  const w = world();
  await w.accounts.save('Demo', { username: 'demo@example.com', apiKey: 'k', pat: 'p' });
  const node = (await w.root.accountNodes())[0];
  const cloud = w.services.get(node.account.id);
  assert.ok(cloud);
  const apps = [
    app('Order Portal', { licenseType: 'licensed' }),
    app('Order Portal (temp A)', { appId: 'orderportal-us', licenseType: 'licensed', region: 'prod-us-west-2' }),
    app('Order Portal (temp B)', { generation: 'none', licenseType: 'free' }),
    app('Payroll', { licenseType: 'licensed' }),
    app('Sandbox', { generation: 'unknown', licenseType: 'free' }),
    app('Legacy', { generation: 'v3', licenseType: 'licensed' }),
  ];
  const seed = (list: typeof apps) => {
    cloud.setApps(list);
    cloud.setEnvironments('orderportal', [environment('Production'), environment('Acceptance')]);
    cloud.setEnvironments('orderportal-us', [environment('Production', { environmentId: 'e-us-prod', status: 'Empty' })]);
    cloud.setEnvironments('payroll', [environment('Production', { environmentId: 'e-payroll' })]);
  };
  seed(apps);
  // The tree has listed the apps before a spare free app was created in the portal.
  await node.loadApps();
  seed([...apps, app('Spare Free', { generation: 'none', licenseType: 'free' })]);
  return { w, cloud };
}

const START = ['Order Portal', 'Production', 'Node or region move', 'orderportal-us', 'Production'];
const pickTitled = (ui: ScriptedInput, re: RegExp): SeenPick => {
  const p = ui.picks.find((x) => re.test(x.title));
  assert.ok(p, `a pick titled ${re}`);
  return p;
};
const usable = (p: SeenPick) => p.rows.filter((r) => r.disabled === undefined).map((r) => r.label);
const disabled = (p: SeenPick) => Object.fromEntries(p.rows.filter((r) => r.disabled !== undefined).map((r) => [r.label, r.disabled]));

describe('Start Migration wizard: lists, Back and Cancel', () => {
  it('offers only free apps without a node as temporary apps, lists the others disabled with the reason, focuses the likely one', async () => {
    const { w } = await account();
    const ui = new ScriptedInput([...START, 'Payroll', 'Order Portal (temp A)', 'Order Portal (temp B)', '', 'order-portal', 'Start']);
    const { input } = await askMigrationInput({ ...deps(w, ui) }, undefined, []);
    assert.equal(input.target.tempAppA.name, 'Order Portal (temp A)');
    assert.equal(input.target.tempAppB.name, 'Order Portal (temp B)');

    const a = pickTitled(ui, /\(5\/11\)/);
    assert.match(a.placeholder ?? '', /Temporary app A/);
    assert.ok(a.loading, 'the list loads while the pick shows "Loading…"');
    assert.deepEqual(usable(a), ['Order Portal (temp A)', 'Order Portal (temp B)', 'Spare Free'], 'the app linked to the target first; one made after the tree listed apps is there');
    assert.equal(a.focused, 'Order Portal (temp A)');
    assert.ok(!a.rows.some((r) => r.label === 'Order Portal'), 'the source is never a temporary app');
    assert.match(disabled(a).Payroll ?? '', /licensed node \(payroll\)/);
    assert.match(disabled(a).Sandbox ?? '', /Free App environment/);
    assert.match(disabled(a).Legacy ?? '', /licensed node \(legacy\)/);
    assert.equal(ui.refused.length, 1, 'picking the running production app was refused and asked again');
    assert.match(ui.refused[0], /licensed node \(payroll\)/);

    const b = pickTitled(ui, /\(6\/11\)/);
    assert.deepEqual(usable(b), ['Order Portal (temp B)', 'Spare Free']);
    assert.equal(b.focused, 'Order Portal (temp B)');
    assert.equal(disabled(b)['Order Portal (temp A)'], 'already temporary app A');
  });

  it('picks the target node from the nodes the account sees: a running or v3 node is shown but cannot be chosen', async () => {
    const { w, cloud } = await account();
    const ui = new ScriptedInput([...START.slice(0, 3), 'payroll', 'orderportal-us', 'Production', 'Order Portal (temp A)', 'Order Portal (temp B)', '', 'order-portal', 'Start']);
    const { input } = await askMigrationInput({ ...deps(w, ui) }, undefined, []);
    assert.equal(input.target.nodeSubdomain, 'orderportal-us');
    const t = pickTitled(ui, /\(3\/11\)/);
    assert.match(t.placeholder ?? '', /node the app moves to|target node/i);
    assert.ok(t.loading);
    assert.deepEqual(usable(t), ['orderportal-us']);
    assert.match(disabled(t).payroll ?? '', /Payroll runs there \(Production running\)/);
    assert.match(disabled(t).legacy ?? '', /v3 node/);
    assert.ok(!t.rows.some((r) => r.label === 'orderportal'), 'the source node is not a target');
    assert.match(ui.refused[0], /runs there/);
    // The target's own environments are offered for the receiving one.
    assert.deepEqual(pickTitled(ui, /\(4\/11\)/).rows.map((r) => r.label), ['Production']);
    assert.ok(cloud.count('listAccountApps') >= 2, 'apps were read fresh, not from the tree');
  });

  it('a node listed before its environments were read is checked once picked: one in use is refused and the list asked again', async () => {
    const { w, cloud } = await account();
    const many = Array.from({ length: 45 }, (_, i) => app(`Spare Node ${String(i).padStart(2, '0')}`, { licenseType: 'licensed' }));
    const busy = app('Zeta Shop', { licenseType: 'licensed' });
    cloud.setApps([app('Order Portal', { licenseType: 'licensed' }), app('Order Portal (temp A)', { appId: 'orderportal-us', licenseType: 'licensed' }), ...many, busy, app('Free B', { generation: 'none', licenseType: 'free' })]);
    cloud.setEnvironments('orderportal', [environment('Production')]);
    cloud.setEnvironments('zetashop', [environment('Production', { environmentId: 'e-zeta' })]);
    const ui = new ScriptedInput([...START.slice(0, 3), 'zetashop', 'orderportal-us', 'Production', 'Order Portal (temp A)', 'Free B', '', 'op', 'Start']);
    const { input } = await askMigrationInput({ ...deps(w, ui) }, undefined, []);
    assert.equal(input.target.nodeSubdomain, 'orderportal-us');
    const first = ui.picks.filter((p) => /\(3\/11\)/.test(p.title));
    assert.equal(first.length, 2, 'asked again after the refusal');
    assert.match(first[0].rows.find((r) => r.label === 'zetashop')?.description ?? '', /checked when picked/);
    assert.equal(first[0].focused, 'orderportal-us');
    assert.match(ui.infos.join(' '), /zetashop cannot receive the app: Zeta Shop runs there \(Production running\)/);
    assert.ok(first[1].rows.find((r) => r.label === 'zetashop')?.disabled, 'the second list knows it is in use');
  });

  it('has Back on every question after the first and keeps the answers when going back and forth', async () => {
    const { w } = await account();
    const ui = new ScriptedInput([
      ...START,
      'Order Portal (temp A)',
      BACK, // at temp B: back to temp A
      'Order Portal (temp A)',
      'Order Portal (temp B)',
      'orders.example.com',
      'Mendix keystore',
      BACK, // at the name: back to the certificate
      BACK, // back to the domains
      'orders.example.com',
      'Mendix keystore',
      'order-portal',
      BACK, // at the summary: back to the name
      'order-portal-2',
      'Start',
    ]);
    const { input } = await askMigrationInput({ ...deps(w, ui) }, undefined, []);
    assert.equal(input.name, 'order-portal-2');
    assert.equal(input.certificate, 'mendix-keystore');
    assert.deepEqual(input.customDomains, ['orders.example.com']);
    assert.equal(ui.picks[0].back, false, 'the first question has no Back');
    assert.ok(ui.picks.slice(1).every((p) => p.back), 'every later pick has Back');
    assert.ok(ui.inputs.every((i) => i.back), 'every input box has Back');
    const againA = ui.picks.filter((p) => /\(5\/11\)/.test(p.title));
    assert.equal(againA.length, 2);
    assert.equal(againA[1].focused, 'Order Portal (temp A)', 'the earlier answer is focused when going back');
    const certs = ui.picks.filter((p) => /\(8\/11\)/.test(p.title));
    assert.equal(certs[1].focused, 'Mendix keystore');
    const domains = ui.inputs.filter((i) => /\(7\/11\)/.test(i.title));
    assert.deepEqual(domains.map((d) => d.value), ['', 'orders.example.com'], 'the domains typed before are shown again');
    const names = ui.inputs.filter((i) => /\(10\/11\)/.test(i.title));
    assert.deepEqual(names.map((n) => n.value), ['order-portal-to-orderportal-us', 'order-portal-to-orderportal-us', 'order-portal'], 'the name typed before is shown again');
  });

  it('Escape cancels at any question, never taken as an answer', async () => {
    const { w } = await account();
    await assert.rejects(askMigrationInput({ ...deps(w, new ScriptedInput([...START, CANCEL])) }, undefined, []), UserCancelledError);
    await assert.rejects(askMigrationInput({ ...deps(w, new ScriptedInput([...START, 'Order Portal (temp A)', 'Order Portal (temp B)', CANCEL])) }, undefined, []), UserCancelledError);
    await assert.rejects(
      askMigrationInput({ ...deps(w, new ScriptedInput([...START, 'Order Portal (temp A)', 'Order Portal (temp B)', '', 'order-portal', 'Cancel'])) }, undefined, []),
      UserCancelledError,
    );
  });

  it('says why a node or app cannot be chosen', () => {
    const source = app('Order Portal', { licenseType: 'licensed' });
    assert.match(targetRefusal({ app: app('X'), envError: 'HTTP 403 NO_ACCESS' }) ?? '', /could not be read \(HTTP 403 NO_ACCESS\).*API Rights/);
    assert.equal(targetRefusal({ app: app('Y'), envs: [environment('Production', { status: 'Stopped' })] }), undefined);
    assert.equal(tempRefusal(app('Free', { generation: 'none', licenseType: 'free' }), { role: 'B', source, target: 'x' }), undefined);
    assert.match(tempRefusal(app('Odd', { generation: 'unknown' }), { role: 'A', source, target: 'x' }) ?? '', /unknown/);
  });
});
