import { strict as assert } from 'node:assert';
import { AccountNode } from '../../../../src/core/ui/explorer/nodes/accountNode';
import { AppNode } from '../../../../src/core/ui/explorer/nodes/appNode';
import { EnvironmentNode } from '../../../../src/core/ui/explorer/nodes/environmentNode';
import type { ExplorerNode } from '../../../../src/core/ui/explorer/nodes/explorerNode';
import { ErrorNode, LoadMoreNode } from '../../../../src/core/ui/explorer/nodes/leafNodes';
import { app, environment, labels, world, type World } from '../../../support/uiFakes';

async function signedIn(w: World, name = 'Work', apps = [app('Order Portal'), app('Legacy HR', { generation: 'v3', region: undefined })]) {
  const a = await w.accounts.save(name, { username: 'demo@example.com', apiKey: 'k-123456' });
  const nodes = await w.root.accountNodes();
  const svc = w.services.get(a.id);
  assert.ok(svc);
  svc.setApps(apps);
  return { svc, node: nodes.find((n) => n.account.id === a.id) as AccountNode };
}

async function envNodes(n: ExplorerNode): Promise<EnvironmentNode[]> {
  return (await n.getChildren()).filter((c): c is EnvironmentNode => c instanceof EnvironmentNode);
}

describe('Apps tree', () => {
  it('is empty and reports signed-out when there is no account (the welcome view shows)', async () => {
    const w = world();
    assert.deepEqual(await w.root.getChildren(), []);
    assert.deepEqual(w.states.at(-1), { signedIn: false, noApps: false });
  });

  it('shows a single account’s apps at the top level with sub-domain and region', async () => {
    const w = world();
    await signedIn(w);
    const top = await w.root.getChildren();
    assert.deepEqual(labels(top), ['Order Portal', 'Legacy HR']);
    const op = top[0].getTreeItem();
    assert.equal(op.description, 'orderportal · Frankfurt-2');
    assert.match(op.tooltip ?? '', /ProjectId: `p-orderportal`/);
    assert.match(op.tooltip ?? '', /Node: `Mendix Cloud v4`/);
    assert.equal(top[1].getTreeItem().description, 'legacyhr · v3');
    assert.deepEqual(w.states.at(-1), { signedIn: true, noApps: false });
  });

  it('shares one load between concurrent root requests (a prefetch and the view itself)', async () => {
    const w = world();
    const { svc } = await signedIn(w);
    w.root.forget();
    const [a, b] = await Promise.all([w.root.getChildren(), w.root.getChildren()]);
    assert.deepEqual(labels(a), ['Order Portal', 'Legacy HR']);
    assert.equal(a[0], b[0]);
    assert.equal(w.services.size, 1);
    assert.equal(svc.count('listAccountApps'), 1);
  });

  it('shows account nodes when more than one account is signed in', async () => {
    const w = world();
    await signedIn(w, 'Work');
    await signedIn(w, 'Customer X', [app('Portal X')]);
    const top = await w.root.getChildren();
    assert.deepEqual(labels(top), ['Customer X', 'Work']);
    assert.deepEqual(labels(await top[0].getChildren()), ['Portal X']);
  });

  it('reports "no apps" for the welcome view when the only account has none', async () => {
    const w = world();
    await signedIn(w, 'Empty', []);
    assert.deepEqual(await w.root.getChildren(), []);
    assert.deepEqual(w.states.at(-1), { signedIn: true, noApps: true });
  });

  it('turns a failed load into an error row with Retry, and never throws', async () => {
    const w = world();
    const { svc } = await signedIn(w);
    svc.failApps = Object.assign(new Error('v1.listApps failed (HTTP 401)'), { hint: 'Check the API key.' });
    const top = await w.root.getChildren();
    assert.equal(top.length, 1);
    assert.ok(top[0] instanceof ErrorNode);
    const item = top[0].getTreeItem();
    assert.equal(item.label, 'Could not load apps');
    assert.equal(item.command?.command, 'mendixMigration.retryNode');
    assert.match(item.tooltip ?? '', /Check the API key/);
    assert.ok(w.logs.lines.some((l) => l.level === 'warn' && l.message.includes('HTTP 401')));
    // Failures are not cached: once the service recovers, the next load succeeds.
    svc.failApps = undefined;
    assert.deepEqual(labels(await w.root.getChildren()), ['Order Portal', 'Legacy HR']);
  });

  it('pages long lists with a load-more row', async () => {
    const w = world({ pageSize: 10 });
    const many = Array.from({ length: 25 }, (_, i) => app(`App ${String(i).padStart(2, '0')}`));
    const { node } = await signedIn(w, 'Big', many);
    let top = await w.root.getChildren();
    assert.equal(top.length, 11);
    const more = top[10];
    assert.ok(more instanceof LoadMoreNode);
    assert.equal(more.getTreeItem().description, '(10 of 25 shown)');
    await node.loadMore();
    top = await w.root.getChildren();
    assert.equal(top.length, 21);
    await node.loadMore();
    top = await w.root.getChildren();
    assert.equal(top.length, 25);
    assert.ok(!top.some((n) => n instanceof LoadMoreNode));
    // Paging reuses the loaded list: one request in total.
    assert.equal(w.services.get('big')?.count('listAccountApps'), 1);
  });

  it('draws the fast app list first and adds regions when the slower source answers', async () => {
    const w = world();
    const { svc, node } = await signedIn(w, 'Work', [app('Order Portal', { region: undefined, generation: 'unknown' })]);
    svc.enrichLater = [app('Order Portal')];
    const first = await w.root.getChildren();
    assert.equal(first[0].getTreeItem().description, 'orderportal');
    await new Promise((r) => setTimeout(r, 20));
    assert.deepEqual(w.env.changedNodes, [node]);
    const again = await w.root.getChildren();
    assert.equal(again[0], first[0]);
    assert.equal(again[0].getTreeItem().description, 'orderportal · Frankfurt-2');
    assert.equal(svc.count('listAccountApps'), 1);
  });

  it('filters apps and offers to clear a filter that matches nothing', async () => {
    const w = world();
    await signedIn(w);
    w.env.filter = 'legacy';
    assert.deepEqual(labels(await w.root.getChildren()), ['Legacy HR']);
    w.env.filter = 'nothing-like-this';
    const top = await w.root.getChildren();
    assert.equal(top[0].getTreeItem().label, 'No apps match "nothing-like-this"');
    assert.equal(top[0].getTreeItem().command?.command, 'mendixMigration.clearFilter');
  });

  it('caches children for the TTL, reloads after it, on invalidate and after a whole-tree refresh', async () => {
    const w = world({ ttlMs: 1000 });
    const { svc } = await signedIn(w);
    await w.root.getChildren();
    await w.root.getChildren();
    assert.equal(svc.count('listAccountApps'), 1);
    w.env.time += 1000;
    await w.root.getChildren();
    assert.equal(svc.count('listAccountApps'), 2);
    w.env.epochValue++;
    await w.root.getChildren();
    assert.equal(svc.count('listAccountApps'), 3);
  });

  it('fetches environments only when an app is expanded, in deploy order, with status icons', async () => {
    const w = world();
    const { svc } = await signedIn(w);
    svc.setEnvironments('orderportal', [environment('Acceptance', { status: 'Stopped' }), environment('Production'), environment('Test', { status: 'Empty' })]);
    const [op] = await w.root.getChildren();
    assert.ok(svc.count('listAppEnvironments') === 0);
    const envs = await envNodes(op);
    assert.deepEqual(svc.keys('listAppEnvironments'), ['orderportal']);
    assert.deepEqual(labels(envs), ['Production', 'Acceptance', 'Test']);
    const [prod, acc, test] = envs.map((e) => e.getTreeItem());
    assert.equal(prod.icon?.id, 'vm-running');
    assert.equal(prod.description, 'Mendix 10.24.3 · model 1.0.0.1');
    assert.match(prod.contextValue, /\benvironment\b.*\brunning\b.*\bproduction\b/);
    assert.equal(acc.icon?.id, 'vm-outline');
    assert.match(acc.contextValue, /\bstopped\b/);
    assert.equal(test.icon?.id, 'circle-slash');
    assert.match(prod.tooltip ?? '', /EnvironmentId: `e-production`/);
  });

  it('keeps node objects across reloads so VS Code keeps expansion state', async () => {
    const w = world();
    const { svc } = await signedIn(w);
    svc.setEnvironments('orderportal', [environment('Production')]);
    const [op] = await w.root.getChildren();
    const first = (await envNodes(op))[0];
    (op as AppNode).invalidate();
    svc.setEnvironments('orderportal', [environment('Production', { status: 'Stopped' })]);
    const again = (await envNodes(op))[0];
    assert.equal(again, first);
    assert.equal(again.environment.status, 'Stopped');
    assert.equal((await w.root.getChildren())[0], op);
  });

  it('limits concurrent environment requests when many apps expand at once', async () => {
    const w = world({ maxConcurrent: 2 });
    const many = Array.from({ length: 12 }, (_, i) => app(`App ${i}`));
    const { svc } = await signedIn(w, 'Big', many);
    let release: () => void = () => undefined;
    svc.gate = new Promise((r) => (release = r));
    const apps = (await w.root.getChildren()).filter((n): n is AppNode => n instanceof AppNode);
    const loads = Promise.all(apps.map((a) => a.getChildren()));
    await new Promise((r) => setTimeout(r, 10));
    assert.equal(svc.inFlight, 2);
    release();
    await loads;
    assert.equal(svc.maxInFlight, 2);
    assert.equal(svc.count('listAppEnvironments'), 12);
  });

  it('shows a node-less app as such, and an environment’s package, backups and settings', async () => {
    const w = world({ pageSize: 2 });
    const { svc } = await signedIn(w, 'Work', [app('Temp B', { generation: 'none', region: undefined })]);
    const [temp] = await w.root.getChildren();
    assert.equal(temp.getTreeItem().description, 'no node');
    assert.deepEqual(labels(await temp.getChildren()), ['No environments: no node is linked to this app']);

    svc.setApps([app('Order Portal')]);
    svc.setEnvironments('orderportal', [environment('Production')]);
    svc.setSnapshots('e-production', [
      { snapshotId: 's1', state: 'completed', createdAt: '2026-01-02T03:04:00Z', comment: 'nightly' },
      { snapshotId: 's2', state: 'running' },
      { snapshotId: 's3', state: 'completed' },
    ]);
    svc.seedSettings('orderportal', 'Production', { constants: [{ name: 'Mod.Url', value: 'https://a', deployedValue: 'https://b' }], scheduledEvents: [{ name: 'Mod.Nightly', value: 'Enabled' }], customSettings: [] });
    w.env.epochValue++;
    const [op] = await w.root.getChildren();
    const [prod] = await envNodes(op);
    const [pkg, backups, settings] = await prod.getChildren();
    assert.deepEqual(labels([pkg, backups, settings]), ['Deployed package', 'Backups', 'Settings']);
    assert.deepEqual(
      (await pkg.getChildren()).map((n) => `${n.getTreeItem().label}=${n.getTreeItem().description}`),
      ['Name=Main-1.0.0.1.mda', 'Version=1.0.0.1', 'Size=2.0 KB', 'PackageId=pkg-1'],
    );
    assert.equal(backups.getTreeItem().description, undefined);
    const snaps = await backups.getChildren();
    assert.equal(backups.getTreeItem().description, '3');
    assert.ok(w.env.changedNodes.includes(backups));
    assert.deepEqual(labels(snaps), ['2026-01-02 03:04 UTC', 's2', 'Load more…']);
    assert.equal(snaps[0].getTreeItem().contextValue, 'snapshot completed');
    await prod.backupsNode.loadMore();
    assert.deepEqual(labels(await backups.getChildren()), ['2026-01-02 03:04 UTC', 's2', 's3']);
    assert.deepEqual(svc.keys('listSnapshotPage'), ['0:2', '2:2']);
    assert.deepEqual(
      (await settings.getChildren()).map((n) => `${n.getTreeItem().label}=${n.getTreeItem().description}`),
      ['Mod.Url=https://a (now: https://b)', 'Mod.Nightly=Enabled'],
    );
  });

  it('gives every row a unique, stable id', async () => {
    const w = world();
    const { svc } = await signedIn(w);
    svc.setEnvironments('orderportal', [environment('Production'), environment('Acceptance')]);
    const seen = new Set<string>();
    const walk = async (nodes: ExplorerNode[]): Promise<void> => {
      for (const n of nodes) {
        const id = n.getTreeItem().id;
        assert.ok(!seen.has(id), `duplicate id ${id}`);
        seen.add(id);
        if (n.kind !== 'backups' && n.kind !== 'package' && n.kind !== 'settings') await walk(await n.getChildren());
      }
    };
    await walk(await w.root.getChildren());
    assert.ok(seen.size >= 10);
  });
});
