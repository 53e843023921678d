import { strict as assert } from 'node:assert';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { AccountStore, SECRET_KEYS } from '../../../../src/core/ui/accounts/accounts';
import { COMMANDS } from '../../../../src/core/ui/kit/commandIds';
import { copyEnvironmentId } from '../../../../src/core/ui/explorer/commands/copyEnvironmentId';
import { createBackup } from '../../../../src/core/ui/explorer/commands/createBackup';
import { downloadBackup } from '../../../../src/core/ui/explorer/commands/downloadBackup';
import { downloadPackage } from '../../../../src/core/ui/explorer/commands/downloadPackage';
import { openUrl } from '../../../../src/core/ui/explorer/commands/openUrl';
import { showSettings } from '../../../../src/core/ui/explorer/commands/showSettings';
import { signIn } from '../../../../src/core/ui/explorer/commands/signIn';
import { signOut } from '../../../../src/core/ui/explorer/commands/signOut';
import { startEnvironment } from '../../../../src/core/ui/explorer/commands/startEnvironment';
import { stopEnvironment } from '../../../../src/core/ui/explorer/commands/stopEnvironment';
import { UserCancelledError } from '../../../../src/core/ui/kit/errors';
import { AppNode } from '../../../../src/core/ui/explorer/nodes/appNode';
import { EnvironmentNode } from '../../../../src/core/ui/explorer/nodes/environmentNode';
import { app, CANCEL, deps, environment, ScriptedInput, world, type World } from '../../../support/uiFakes';

async function demoWorld(): Promise<{ w: World; envs: EnvironmentNode[] }> {
  const w = world();
  await w.accounts.save('Demo', { username: 'demo@example.com', apiKey: 'demo-api-key' });
  await w.root.accountNodes();
  const svc = w.services.get('demo');
  assert.ok(svc);
  svc.setApps([app('Order Portal', { url: 'https://orderportal.example' })]);
  svc.setEnvironments('orderportal', [environment('Production'), environment('Acceptance', { url: 'https://orderportal-accp.example' })]);
  const [op] = await w.root.getChildren();
  const envs = (await op.getChildren()).filter((n): n is EnvironmentNode => n instanceof EnvironmentNode);
  return { w, envs };
}

describe('explorer commands', () => {
  describe('Sign In', () => {
    it('checks the credentials before saving and stores them only in the secret store', async () => {
      const w = world();
      const ui = new ScriptedInput(['Username and API key', 'demo@example.com', 'demo-api-key', 'Demo']);
      let checked: unknown;
      const d = deps(w, ui, (c) => {
        checked = { ...c };
        return { ok: true, problems: [] };
      });
      await signIn(d);
      assert.deepEqual(checked, { username: 'demo@example.com', apiKey: 'demo-api-key' });
      assert.deepEqual(await w.accounts.list(), [{ id: 'demo', name: 'Demo', username: 'demo@example.com', hasApiKey: true, hasPat: false }]);
      assert.deepEqual([...w.secrets.data.keys()], [SECRET_KEYS.accounts]);
      assert.deepEqual(d.host.masked, ['demo-api-key']);
      assert.deepEqual(d.tree.refreshed, [undefined]);
      assert.match(ui.infos[0], /Signed in to Mendix as Demo/);
      assert.deepEqual(ui.titles, ['Mendix: Sign In (1/4)', 'Mendix: Sign In (2/4)', 'Mendix: Sign In (3/4)', 'Mendix: Sign In (4/4)']);
    });

    it('with a wrong key, says so clearly and stores nothing', async () => {
      const w = world();
      const ui = new ScriptedInput(['Username and API key', 'demo@example.com', 'wrong-key', 'Cancel']);
      const d = deps(w, ui, () => ({ ok: false, problems: ['The username and API key were not accepted (HTTP 401).'], failure: 'rejected' }));
      await assert.rejects(signIn(d), UserCancelledError);
      assert.equal(ui.asked[3], 'confirm: Sign-in failed: The username and API key were not accepted (HTTP 401).');
      assert.match(ui.confirmDetails[0], /^Nothing was stored\./);
      assert.ok(!ui.asked.join('\n').includes('wrong-key'));
      assert.equal(w.secrets.data.size, 0);
      assert.deepEqual(await w.accounts.list(), []);
    });

    it('supports a PAT-only account, several named accounts, and replacing one by name', async () => {
      const w = world();
      await signIn(deps(w, new ScriptedInput(['Personal Access Token', 'pat-1234', 'Work'])));
      await signIn(deps(w, new ScriptedInput(['Both', 'me@x.com', 'key-1234', 'pat-5678', 'Customer'])));
      await signIn(deps(w, new ScriptedInput(['Personal Access Token', 'pat-9999', 'Work'])));
      assert.deepEqual(
        (await w.accounts.list()).map((a) => [a.name, a.hasApiKey, a.hasPat]),
        [
          ['Customer', true, true],
          ['Work', false, true],
        ],
      );
      assert.deepEqual(await w.accounts.credentials('work'), { pat: 'pat-9999' });
    });

    it('tells its own writes from another window’s when SecretStorage reports a change', async () => {
      const w = world();
      await w.accounts.save('Mine', { pat: 'pat-1111' });
      assert.equal(await w.accounts.reloadIfChanged(), false);
      // Another window adds an account by writing the same key.
      const other = new AccountStore(w.secrets);
      await other.save('Theirs', { pat: 'pat-2222' });
      assert.equal(await w.accounts.reloadIfChanged(), true);
      assert.deepEqual((await w.accounts.list()).map((a) => a.name), ['Mine', 'Theirs']);
      assert.equal(await w.accounts.reloadIfChanged(), false);
      // Another listener of the same event resetting the shared store does not count as a change.
      const check = w.accounts.reloadIfChanged();
      w.accounts.reset();
      assert.equal(await check, false);
    });

    it('stops quietly when a prompt is dismissed, storing nothing', async () => {
      const w = world();
      await assert.rejects(signIn(deps(w, new ScriptedInput(['Username and API key', CANCEL]))), UserCancelledError);
      assert.equal(w.secrets.data.size, 0);
    });

    it('signs out of one account after confirmation, removing its secrets', async () => {
      const w = world();
      await w.accounts.save('A', { pat: 'pat-aaaa' });
      await w.accounts.save('B', { pat: 'pat-bbbb' });
      const d = deps(w, new ScriptedInput(['A', 'Sign Out']));
      await signOut(d);
      assert.deepEqual((await w.accounts.list()).map((a) => a.name), ['B']);
      assert.ok(!(w.secrets.data.get(SECRET_KEYS.accounts) ?? '').includes('pat-aaaa'));
      await signOut(deps(w, new ScriptedInput(['Sign Out'])));
      assert.equal(w.secrets.data.size, 0);
    });
  });

  describe('Start / Stop', () => {
    it('stops a non-production environment after a confirmation, then reloads the app so the icon changes', async () => {
      const { w, envs } = await demoWorld();
      const acc = envs[1];
      const ui = new ScriptedInput(['Stop']);
      const d = deps(w, ui);
      await stopEnvironment(d, acc);
      assert.deepEqual(ui.asked, ['confirm: Stop Order Portal Acceptance?']);
      assert.ok(w.services.get('demo')?.keys('stop').includes('orderportal/Acceptance'));
      assert.deepEqual(d.tree.redrawn, [acc]);
      assert.ok(d.tree.refreshed[0] instanceof AppNode);
      assert.equal(acc.busy, undefined);
      const reloaded = (await acc.parent.getChildren())[1] as EnvironmentNode;
      assert.equal(reloaded.getTreeItem().icon?.id, 'vm-outline');

      await startEnvironment(deps(w, new ScriptedInput(['Start'])), reloaded);
      const again = (await acc.parent.getChildren())[1] as EnvironmentNode;
      assert.equal(again.getTreeItem().icon?.id, 'vm-running');
    });

    it('asks to type the environment name before stopping production, and refuses a wrong name', async () => {
      const { w, envs } = await demoWorld();
      const prod = envs[0];
      const wrong = new ScriptedInput(['production']);
      await assert.rejects(stopEnvironment(deps(w, wrong), prod), UserCancelledError);
      assert.deepEqual(wrong.validationErrors, ['Type "Production" exactly to confirm.']);
      assert.ok(w.services.get('demo')?.count('stop') === 0);

      const right = new ScriptedInput(['Production']);
      await stopEnvironment(deps(w, right), prod);
      assert.match(right.asked[0], /Type its name "Production" to stop it/);
      assert.ok(w.services.get('demo')?.keys('stop').includes('orderportal/Production'));
    });

    it('asks with quick picks when run from the palette', async () => {
      const { w } = await demoWorld();
      const ui = new ScriptedInput(['Order Portal', 'Acceptance', 'Stop']);
      await stopEnvironment(deps(w, ui));
      assert.deepEqual(ui.asked.slice(0, 2), ['pick: Mendix app', 'pick: Environment of Order Portal']);
      assert.ok(w.services.get('demo')?.keys('stop').includes('orderportal/Acceptance'));
    });

    it('refuses to start an environment with nothing deployed', async () => {
      const { w, envs } = await demoWorld();
      envs[1].setEnvironment({ ...envs[1].environment, status: 'Empty' });
      await assert.rejects(startEnvironment(deps(w, new ScriptedInput([])), envs[1]), /has nothing deployed to start/);
    });
  });

  describe('data actions', () => {
    it('downloads the deployed package with bytes, rate and ETA in the progress', async () => {
      const { w, envs } = await demoWorld();
      const d = deps(w, new ScriptedInput([]));
      await downloadPackage(d, envs[0]);
      assert.deepEqual(d.progress.reports.map((r) => r.message), ['1.0 KB of 2.0 KB (50 %) · 1.0 KB/s · 1 s left', '2.0 KB of 2.0 KB (100 %) · 1.0 KB/s · 0 s left']);
      assert.deepEqual(d.progress.reports.map((r) => r.percent), [50, 100]);
    });

    it('creates a backup and refreshes the Backups node', async () => {
      const { w, envs } = await demoWorld();
      const d = deps(w, new ScriptedInput(['before migration']));
      await createBackup(d, envs[0].backupsNode);
      assert.ok([...(w.services.get('demo')?.snapshots.values() ?? [])].some((s) => s.envId === 'e-production' && s.comment === 'before migration'));
      assert.deepEqual(d.tree.refreshed, [envs[0].backupsNode]);
    });

    it('downloads a chosen backup as the chosen archive type', async () => {
      const { w, envs } = await demoWorld();
      const svc = w.services.get('demo');
      assert.ok(svc);
      svc.setSnapshots('e-production', [{ snapshotId: 's9', state: 'completed', createdAt: '2026-01-01T00:00:00Z' }]);
      const ui = new ScriptedInput(['2026-01-01 00:00 UTC', 'Database only']);
      await downloadBackup(deps(w, ui), envs[0]);
      assert.ok(svc.keys('downloadBackup').includes('s9/database_only'));
    });

    it('shows settings as a Markdown table, copies ids and opens URLs', async () => {
      const { w, envs } = await demoWorld();
      const svc = w.services.get('demo');
      assert.ok(svc);
      svc.seedSettings('orderportal', 'Production', { constants: [{ name: 'Email.SMTPHost', dataType: 'String', value: 'smtp|x', deployedValue: 'smtp' }], scheduledEvents: [], customSettings: [] });
      const d = deps(w, new ScriptedInput([]));
      await showSettings(d, envs[0].settingsNode);
      assert.match(d.host.documents[0], /\| Email\.SMTPHost \| String \| smtp\\\|x \| smtp \|/);
      await copyEnvironmentId(d, envs[1].packageNode);
      assert.equal(d.host.clipboard, 'e-acceptance');
      await openUrl(d, envs[1]);
      await openUrl(d, envs[0].parent);
      assert.deepEqual(d.host.opened, ['https://orderportal-accp.example', 'https://orderportal.example']);
    });
  });

  it('contributes every command id in package.json, with menus only for real ids', () => {
    const pkg = JSON.parse(readFileSync(join(__dirname, '..', '..', '..', '..', 'package.json'), 'utf8')) as {
      contributes: { commands: { command: string }[]; menus: Record<string, { command: string }[]> };
    };
    const contributed = new Set(pkg.contributes.commands.map((c) => c.command));
    for (const id of Object.values(COMMANDS)) assert.ok(contributed.has(id), `${id} missing from package.json`);
    for (const [menu, items] of Object.entries(pkg.contributes.menus)) for (const i of items) assert.ok(contributed.has(i.command), `${menu} names unknown ${i.command}`);
  });
});
