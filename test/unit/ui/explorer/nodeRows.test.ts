import { strict as assert } from 'node:assert';
import { EnvironmentNode } from '../../../../src/core/ui/explorer/nodes/environmentNode';
import type { ExplorerNode } from '../../../../src/core/ui/explorer/nodes/explorerNode';
import { ErrorNode } from '../../../../src/core/ui/explorer/nodes/leafNodes';
import { app, environment, world, type World } from '../../../support/uiFakes';

/** One signed-in account with Order Portal's Production environment, its package, backups and settings. */
async function production(w: World): Promise<{ env: EnvironmentNode; svc: NonNullable<ReturnType<World['services']['get']>> }> {
  const a = await w.accounts.save('Work', { username: 'demo@example.com', apiKey: 'k-123456' });
  await w.root.accountNodes();
  const svc = w.services.get(a.id);
  assert.ok(svc);
  svc.setApps([app('Order Portal')]);
  svc.setEnvironments('orderportal', [environment('Production')]);
  svc.setSnapshots('e-production', [{ snapshotId: 's1', state: 'completed', createdAt: '2026-01-02T03:04:00Z' }]);
  svc.seedSettings('orderportal', 'Production', {
    constants: [
      { name: 'Mod.Url', value: 'https://a', deployedValue: 'https://b', dataType: 'String' },
      { name: 'Mod.Key', value: null },
    ],
    scheduledEvents: [{ name: 'Mod.Nightly', value: 'Enabled', deployedValue: 'Disabled' }],
    customSettings: [],
  });
  const [op] = await w.root.getChildren();
  const env = (await op.getChildren()).find((n): n is EnvironmentNode => n instanceof EnvironmentNode);
  assert.ok(env);
  return { env, svc };
}

const ids = (nodes: ExplorerNode[]) => nodes.map((n) => n.getTreeItem().id);

describe('Apps tree rows', () => {
  it('names every row by its path from the account down', async () => {
    const w = world();
    const { env } = await production(w);
    const base = `account:${(await w.accounts.list())[0].id}/app:p-orderportal/env:e-production`;
    assert.equal(env.id, base);
    assert.deepEqual(ids(await env.getChildren()), [`${base}/package`, `${base}/backups`, `${base}/settings`]);
    assert.deepEqual(ids(await env.packageNode.getChildren()), ['name', 'version', 'size', 'packageId'].map((k) => `${base}/package/${k}`));
    assert.deepEqual(ids(await env.backupsNode.getChildren()), [`${base}/backups/snapshot:s1`]);
    assert.deepEqual(ids(await env.settingsNode.getChildren()), [
      `${base}/settings/constant:Mod.Url`,
      `${base}/settings/constant:Mod.Key`,
      `${base}/settings/event:Mod.Nightly`,
    ]);
  });

  it('shows settings with what is set, what runs now and when a new value applies', async () => {
    const { env } = await production(world());
    const items = (await env.settingsNode.getChildren()).map((n) => n.getTreeItem());
    assert.deepEqual(
      items.map((i) => [i.label, i.description, i.contextValue, i.icon?.id, i.tooltip]),
      [
        ['Mod.Url', 'https://a (now: https://b)', 'setting', 'symbol-constant', 'Constant `Mod.Url` (String)  \nThe new value applies at the next restart.'],
        ['Mod.Key', '(not set)', 'setting', 'symbol-constant', 'Constant `Mod.Key`'],
        ['Mod.Nightly', 'Enabled (now: Disabled)', 'setting', 'watch', 'Scheduled event `Mod.Nightly`'],
      ],
    );
  });

  it('turns a failed package, backups or settings load into a Retry row under it, naming the environment in the log', async () => {
    const w = world();
    const { env, svc } = await production(w);
    const cases: [ExplorerNode, string, string][] = [
      [env.packageNode, 'getDeployedPackage', 'the deployed package'],
      [env.backupsNode, 'listSnapshotPage', 'backups'],
      [env.settingsNode, 'getSettings', 'settings'],
    ];
    for (const [node, op, what] of cases) {
      svc.failNext(op, new Error(`${op} failed (HTTP 503)`));
      const [row] = await node.getChildren();
      assert.ok(row instanceof ErrorNode, what);
      assert.equal(row.id, `${node.id}/error`);
      assert.equal(row.getTreeItem().label, `Could not load ${what}`);
      assert.ok(
        w.logs.lines.some((l) => l.level === 'warn' && l.message === `Loading ${what} of Order Portal Production failed: ${op} failed (HTTP 503)`),
        `log line for ${what}`,
      );
    }
  });
});
