import { strict as assert } from 'node:assert';
import { DEMO } from '../../emulator/seeds/demo';
import { E, errorCode, P, useEmulator } from './helpers';

interface V1App {
  AppId: string;
  Name: string;
  ProjectId: string;
  Url: string;
}
interface V1Env {
  Status: string;
  EnvironmentId: string;
  Url: string;
  Mode: string;
}

describe('emulator: portal and Support actions', () => {
  const { client } = useEmulator();

  it('link: the project takes the node (AppId, URLs, v4 region), the displaced app loses it, permissions reset', async () => {
    const c = client();
    // Step 10 of the migration: link temp B to the source node, displacing Order Portal.
    const link = await c.control<{ displacedProjectId: string | null; previousNodeSubdomain: string | null }>('POST', '/portal/link', {
      projectId: P.orderPortalTempB.id,
      nodeSubdomain: 'orderportal',
    });
    assert.equal(link.status, 200);
    assert.equal(link.json.displacedProjectId, P.orderPortal.id);
    assert.equal(link.json.previousNodeSubdomain, null);
    const apps = (await c.v1<V1App[]>('GET', '/apps')).json;
    assert.equal(apps.find((a) => a.AppId === 'orderportal')?.ProjectId, P.orderPortalTempB.id);
    assert.ok(!apps.some((a) => a.ProjectId === P.orderPortal.id));
    // The node's data stays; permissions are reset, so even the Technical Contact has no API Rights now.
    const denied = await c.v1('GET', '/apps/orderportal/environments/Production');
    assert.equal(denied.status, 403);
    assert.equal(errorCode(denied), 'NO_ACCESS');
    const perms = await c.v4<{ technicalContact: string; permissions: { member: { userId: string }; canAccessAPI: string }[] }>(
      'GET',
      `/apps/${P.orderPortalTempB.id}/environments/${E.orderPortalProduction.id}/permissions`,
    );
    assert.equal(perms.json.technicalContact, DEMO.username);
    assert.deepEqual(
      perms.json.permissions.map((p) => [p.member.userId, p.canAccessAPI]),
      [[DEMO.username, 'false']],
    );
    // Re-grant through v4, and v1 works again.
    const grant = await c.v4('PATCH', `/apps/${P.orderPortalTempB.id}/environments/${E.orderPortalProduction.id}/permissions`, {
      permissions: [{ member: { userId: DEMO.username }, canAccessAPI: true, canDeployApp: true }],
    });
    assert.equal(grant.status, 200);
    const env = await c.v1<V1Env>('GET', '/apps/orderportal/environments/Production');
    assert.equal(env.status, 200);
    assert.equal(env.json.Status, 'Running');
    // Step 11: the real app moves to the target node, displacing temp A; its AppId and URLs follow the node.
    const move = await c.control<{ displacedProjectId: string }>('POST', '/portal/link', { projectId: P.orderPortal.id, nodeSubdomain: 'orderportal-us' });
    assert.equal(move.json.displacedProjectId, P.orderPortalTempA.id);
    const app = await c.v4<{ subdomain: string; region: string }>('GET', `/apps/${P.orderPortal.id}`);
    assert.equal(app.json.subdomain, 'orderportal-us');
    assert.equal(app.json.region, 'prod-us-west-2');
    const v4envs = await c.v4<{ environments: { id: string; url: string }[] }>('GET', `/apps/${P.orderPortal.id}/environments?sort=index`);
    assert.deepEqual(
      v4envs.json.environments.map((e) => e.id),
      [E.orderPortalUsProduction.id, E.orderPortalUsAcceptance.id],
    );
    assert.equal(v4envs.json.environments[0].url, 'https://orderportal-us.apps.us-2a.mendixcloud.com');
    const tempA = await c.v4<{ environments: unknown[] }>('GET', `/apps/${P.orderPortalTempA.id}/environments`);
    assert.deepEqual(tempA.json.environments, []);
  });

  it('link validates its input', async () => {
    const c = client();
    assert.equal((await c.control('POST', '/portal/link', { projectId: 'nope', nodeSubdomain: 'orderportal' })).status, 404);
    assert.equal((await c.control('POST', '/portal/link', { projectId: P.orderPortalTempB.id, nodeSubdomain: 'nope' })).status, 404);
    assert.equal((await c.control('POST', '/portal/link', { nodeSubdomain: 'orderportal' })).status, 400);
  });

  it('change app URL: AppId and every URL follow the new sub-domain', async () => {
    const c = client();
    const r = await c.control('POST', '/portal/change-url', { nodeSubdomain: 'orderportal-us', newSubdomain: 'orderportal' });
    assert.equal(r.status, 409);
    await c.control('POST', '/portal/link', { projectId: P.orderPortalTempB.id, nodeSubdomain: 'orderportal' });
    const taken = await c.control('POST', '/portal/change-url', { nodeSubdomain: 'orderportal', newSubdomain: 'orderportal-old' });
    assert.equal(taken.status, 200);
    const ok = await c.control('POST', '/portal/change-url', { nodeSubdomain: 'orderportal-us', newSubdomain: 'orderportal' });
    assert.equal(ok.status, 200);
    const envs = await c.v1<V1Env[]>('GET', '/apps/orderportal/environments');
    assert.deepEqual(envs.json.map((e) => e.Url).sort(), ['https://orderportal-accp.apps.us-2a.mendixcloud.com', 'https://orderportal.apps.us-2a.mendixcloud.com']);
    assert.equal((await c.v1('GET', '/apps/orderportal-us')).status, 404);
    assert.equal((await c.control('POST', '/portal/change-url', { nodeSubdomain: 'orderportal', newSubdomain: '-bad-' })).status, 400);
  });

  it('binds custom domains (no apex, no duplicates) and shows them in the state', async () => {
    const c = client();
    const ok = await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: 'shop.example.com' });
    assert.equal(ok.status, 200);
    const apex = await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: 'example.com' });
    assert.equal(apex.status, 400);
    const dup = await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: DEMO.customDomain });
    assert.equal(dup.status, 409);
    const state = await c.control<{ environments: Record<string, { customDomains: { domain: string }[] }> }>('GET', '/state?content=false');
    assert.deepEqual(
      state.json.environments[E.orderPortalUsProduction.id].customDomains.map((d) => d.domain),
      ['shop.example.com'],
    );
    assert.equal((await c.control('POST', '/portal/unbind-custom-domain', { domain: DEMO.customDomain })).status, 204);
    const again = await c.control('POST', '/portal/bind-custom-domain', { environmentId: E.orderPortalUsProduction.id, domain: DEMO.customDomain });
    assert.equal(again.status, 200);
  });

  it('offboard: the node’s environments and backups disappear; the app has no environments left', async () => {
    const c = client();
    const r = await c.control<{ unlinkedProjectId: string }>('POST', '/portal/offboard', { nodeSubdomain: 'legacyhr' });
    assert.equal(r.status, 200);
    assert.equal(r.json.unlinkedProjectId, P.legacyHr.id);
    assert.equal((await c.v1('GET', '/apps/legacyhr')).status, 404);
    const v4 = await c.v4<{ environments: unknown[] }>('GET', `/apps/${P.legacyHr.id}/environments`);
    assert.deepEqual(v4.json.environments, []);
    const backups = await c.v2('GET', `/apps/${P.legacyHr.id}/environments/${E.legacyHrProduction.id}/snapshots`);
    assert.equal(backups.status, 404);
    assert.equal((await c.control('POST', '/portal/offboard', { nodeSubdomain: 'legacyhr' })).status, 404);
  });

  it('serves the HTML portal page listing nodes and the actions', async () => {
    const c = client();
    const r = await c.req('GET', '/_emulator/portal');
    assert.equal(r.status, 200);
    assert.match(r.headers.get('content-type') ?? '', /text\/html/);
    for (const text of ['orderportal-us', 'Order Portal (temp A)', 'Use this Node', 'Upload', 'Offboard', 'Oregon']) assert.ok(r.text.includes(text), text);
  });

  it('offers removing a bound custom domain on the portal page, and says when none is bound', async () => {
    const c = client();
    const before = await c.req('GET', '/_emulator/portal');
    assert.ok(before.text.includes(`<option value="${DEMO.customDomain}">${DEMO.customDomain} (orderportal – Production)</option>`), 'the bound domain is listed with where it is bound');
    assert.match(before.text, /<button id="unbind">Unbind<\/button>/);
    assert.equal((await c.control('POST', '/portal/unbind-custom-domain', { domain: DEMO.customDomain })).status, 204);
    const after = await c.req('GET', '/_emulator/portal');
    assert.ok(after.text.includes('No custom domain is bound.'));
    assert.ok(!after.text.includes(`<option value="${DEMO.customDomain}">`));
  });
});
