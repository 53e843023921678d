import { strict as assert } from 'node:assert';
import { DEMO } from '../../emulator/seeds/demo';
import { E, P, useEmulator } from './helpers';

interface V4Error {
  error: { code: number; message: string; 'invalid-params': { name: string; reason: string }[] };
}
interface V4App {
  id: string;
  name: string;
  licenseType: string;
  subdomain: string;
  technicalContact: { userId: string; name: string; status: string };
  region: string;
}
interface V4Env {
  id: string;
  appId: string;
  name: string;
  state: string;
  isProduction: boolean;
  url: string;
  dbVersion?: string;
  planName?: string;
  package?: { id: string; appId: string; modelVersion: string; runtimeVersion: string; fileName: string; fileSize: number };
}
interface Perm {
  member: { userId: string };
  canDeployApp: boolean | string;
  canManageBackups: boolean | string;
  canViewAlerts: boolean | string;
  canAccessAPI: boolean | string;
  canViewLogs: boolean | string;
  canManagePrivileges: boolean | string;
}
type Page = { offset: number; limit: number; size: number };

function assertV4Error(json: unknown, code: number): V4Error['error'] {
  const e = (json as V4Error).error;
  assert.equal(e.code, code);
  assert.equal(typeof e.message, 'string');
  assert.ok(Array.isArray(e['invalid-params']));
  return e;
}

describe('emulator: Deploy API v4', () => {
  const { client } = useEmulator();

  it('401 with the v4 error body for a missing, malformed or unknown token; the prefix is case-insensitive', async () => {
    const c = client();
    for (const auth of ['none', { Authorization: `Bearer ${DEMO.pat}` }, { Authorization: 'MxToken nope' }] as const) {
      const r = await c.v4('GET', '/apps', undefined, auth);
      assert.equal(r.status, 401);
      const e = assertV4Error(r.json, 401);
      assert.equal(e.message, 'Unauthorized');
      assert.equal(e['invalid-params'][0].reason, 'Missing or invalid Authorization header');
    }
    assert.equal((await c.v4('GET', '/apps', undefined, { Authorization: `mxtoken ${DEMO.pat}` })).status, 200);
    assert.equal((await c.v4('GET', '/apps', undefined, { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey })).status, 401);
  });

  it('lists apps with pagination {offset, limit, size}, licenseType filter, and clamps big limits', async () => {
    const c = client();
    const all = await c.v4<{ apps: V4App[]; pagination: Page }>('GET', '/apps');
    assert.equal(all.json.apps.length, 6);
    assert.deepEqual(all.json.pagination, { offset: 0, limit: 20, size: 6 });
    const op = all.json.apps.find((a) => a.id === P.orderPortal.id)!;
    assert.deepEqual(op, {
      id: P.orderPortal.id,
      name: 'Order Portal',
      licenseType: 'licensed',
      subdomain: 'orderportal',
      technicalContact: { userId: DEMO.username, name: 'Demo User', status: 'active' },
      region: 'prod2-eu-central-1',
    });
    const page = await c.v4<{ apps: V4App[]; pagination: Page }>('GET', '/apps?offset=2&limit=3');
    assert.deepEqual(page.json.pagination, { offset: 2, limit: 3, size: 3 });
    assert.deepEqual(
      page.json.apps.map((a) => a.id),
      all.json.apps.slice(2, 5).map((a) => a.id),
    );
    const free = await c.v4<{ apps: V4App[] }>('GET', '/apps?licenseType=free');
    assert.deepEqual(free.json.apps.map((a) => a.name).sort(), ['Legacy HR (temp B)', 'Order Portal (temp B)']);
    assert.equal((await c.v4<{ pagination: Page }>('GET', '/apps?limit=100000')).json.pagination.limit, 100);
    const bad = await c.v4('GET', '/apps?limit=0');
    assert.equal(bad.status, 400);
    assert.equal(assertV4Error(bad.json, 400)['invalid-params'][0].name, 'limit');
    assert.equal((await c.v4('GET', '/apps?licenseType=gold')).status, 400);
  });

  it('gets one app; 404 Application not found; 403 for a non-member', async () => {
    const c = client();
    const ok = await c.v4<V4App>('GET', `/apps/${P.orderPortalTempA.id}`);
    assert.equal(ok.json.region, 'prod-us-west-2');
    const missing = await c.v4('GET', '/apps/00000000-0000-4000-8000-000000000000');
    assert.equal(missing.status, 404);
    assert.equal(assertV4Error(missing.json, 404).message, 'Application not found');
    const nonMember = await c.v4('GET', `/apps/${P.legacyHr.id}`, undefined, 'viewerPat');
    assert.equal(nonMember.status, 403);
    assertV4Error(nonMember.json, 403);
  });

  it('lists environments with sort, expand=package and pagination', async () => {
    const c = client();
    const r = await c.v4<{ environments: V4Env[]; pagination: Page }>('GET', `/apps/${P.orderPortal.id}/environments?expand=package`);
    assert.equal(r.status, 200);
    assert.deepEqual(
      r.json.environments.map((e) => e.name),
      ['Acceptance', 'Production'],
    );
    const prod = r.json.environments[1];
    assert.equal(prod.id, E.orderPortalProduction.id);
    assert.equal(prod.appId, P.orderPortal.id);
    assert.equal(prod.state, 'running');
    assert.equal(prod.isProduction, true);
    assert.equal(prod.url, 'https://orderportal.apps.eu-1c.mendixcloud.com');
    assert.equal(prod.package?.modelVersion, DEMO.packages.orderPortalProduction.version);
    assert.equal(prod.package?.runtimeVersion, DEMO.packages.orderPortalProduction.mendixVersion);
    const desc = await c.v4<{ environments: V4Env[] }>('GET', `/apps/${P.orderPortal.id}/environments?sort=${encodeURIComponent('-name')}`);
    assert.deepEqual(desc.json.environments.map((e) => e.name), ['Production', 'Acceptance']);
    const byIndex = await c.v4<{ environments: V4Env[] }>('GET', `/apps/${P.orderPortal.id}/environments?sort=${encodeURIComponent('+index')}`);
    assert.deepEqual(byIndex.json.environments.map((e) => e.name), ['Production', 'Acceptance']);
    const noPkg = await c.v4<{ environments: V4Env[] }>('GET', `/apps/${P.orderPortal.id}/environments`);
    assert.equal(noPkg.json.environments[0].package, undefined);
    const page = await c.v4<{ environments: V4Env[]; pagination: Page }>('GET', `/apps/${P.orderPortal.id}/environments?offset=1&limit=1`);
    assert.deepEqual(page.json.pagination, { offset: 1, limit: 1, size: 1 });
    assert.equal(assertV4Error((await c.v4('GET', `/apps/${P.orderPortal.id}/environments?sort=size`)).json, 400)['invalid-params'][0].name, 'sort');
    assert.equal((await c.v4('GET', `/apps/${P.orderPortal.id}/environments?expand=everything`)).status, 400);
    const empty = await c.v4<{ environments: V4Env[] }>('GET', `/apps/${P.orderPortalTempB.id}/environments`);
    assert.deepEqual(empty.json.environments, []);
    const target = await c.v4<{ environments: V4Env[] }>('GET', `/apps/${P.orderPortalTempA.id}/environments`);
    assert.ok(target.json.environments.every((e) => e.state === 'notdeployed'));
  });

  it('gets one environment; 404 Environment not found for another app’s environment', async () => {
    const c = client();
    const ok = await c.v4<V4Env>('GET', `/apps/${P.legacyHr.id}/environments/${E.legacyHrProduction.id}?expand=package`);
    assert.equal(ok.json.url, 'https://legacyhr.mendixcloud.com');
    assert.equal(ok.json.package?.runtimeVersion, DEMO.packages.legacyHr.mendixVersion);
    const wrong = await c.v4('GET', `/apps/${P.legacyHr.id}/environments/${E.orderPortalProduction.id}`);
    assert.equal(wrong.status, 404);
    assert.equal(assertV4Error(wrong.json, 404).message, 'Environment not found');
  });

  it('reads and patches permissions; read-only PAT gets 403 on writes', async () => {
    const c = client();
    const path = `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}/permissions`;
    const r = await c.v4<{ technicalContact: string; permissions: Perm[]; pagination: Page }>('GET', path);
    assert.equal(r.json.technicalContact, DEMO.username);
    const viewer = r.json.permissions.find((p) => p.member.userId === DEMO.viewer.username)!;
    assert.equal(viewer.canAccessAPI, 'true');
    // GET flags are strings in the newest spec (§14.2); PATCH answers stay boolean.
    assert.equal(viewer.canDeployApp, 'false');
    const filtered = await c.v4<{ permissions: Perm[] }>('GET', `${path}?userId=${encodeURIComponent(DEMO.viewer.username)}`);
    assert.equal(filtered.json.permissions.length, 1);
    const ro = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canDeployApp: true }] }, 'patRead');
    assert.equal(ro.status, 403);
    assertV4Error(ro.json, 403);
    const ok = await c.v4<{ permissions: Perm[] }>('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canDeployApp: true }] });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.permissions[0].canDeployApp, true);
    assert.equal(ok.json.permissions[0].canAccessAPI, true);
    // The grant takes effect on v1 at once.
    assert.equal((await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop', {}, 'viewerKey')).status, 200);
    const unknown = await c.v4('PATCH', path, { permissions: [{ member: { userId: 'ghost@example.com' }, canDeployApp: true }] });
    assert.equal(unknown.status, 404);
    assert.equal(assertV4Error(unknown.json, 404).message, 'Permission not found for user ghost@example.com');
    const bad = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canDeployApp: 'true' }] });
    assert.equal(bad.status, 400);
  });

  it('only the Technical Contact changes canManagePrivileges; others without it get 403', async () => {
    const c = client();
    const path = `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}/permissions`;
    const denied = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canViewLogs: true }] }, 'viewerPat');
    assert.equal(denied.status, 403);
    await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canManagePrivileges: true }] });
    const managed = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canViewAlerts: true }] }, 'viewerPat');
    assert.equal(managed.status, 200);
    const escalate = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.username }, canManagePrivileges: false }] }, 'viewerPat');
    assert.equal(escalate.status, 403);
    assert.equal(assertV4Error(escalate.json, 403).message, 'Only technical contact can change manage permission');
  });

  it('PATCH app changes the Technical Contact, with the documented 400/403 errors', async () => {
    const c = client();
    const path = `/apps/${P.orderPortal.id}`;
    assert.equal(assertV4Error((await c.v4('PATCH', path, { technicalContact: { userId: 'ghost@example.com' } })).json, 400).message, 'User ghost@example.com not found');
    const notMember = await c.v4('PATCH', `/apps/${P.legacyHr.id}`, { technicalContact: { userId: DEMO.viewer.username } });
    assert.match(assertV4Error(notMember.json, 400).message, /not member of an application/);
    const ro = await c.v4('PATCH', path, { technicalContact: { userId: DEMO.viewer.username } }, 'patRead');
    assert.equal(ro.status, 403);
    // Neither the Technical Contact nor a Mendix Admin.
    const notTc = await c.v4('PATCH', path, { technicalContact: { userId: DEMO.viewer.username } }, 'viewerPat');
    assert.equal(notTc.status, 403);
    assert.equal(assertV4Error(notTc.json, 403).message, 'The user is not the Technical Contact of the app');
    const ok = await c.v4('PATCH', path, { technicalContact: { userId: DEMO.viewer.username } });
    assert.equal(ok.status, 200);
    assert.equal(ok.text, '');
    assert.equal((await c.v4<V4App>('GET', path)).json.technicalContact.userId, DEMO.viewer.username);
    // No longer the Technical Contact, but a Mendix Admin of the company may still change it (§14.12).
    const admin = await c.v4('PATCH', path, { technicalContact: { userId: DEMO.username } });
    assert.equal(admin.status, 200);
    assert.equal((await c.v4<V4App>('GET', path)).json.technicalContact.userId, DEMO.username);
  });

  it('unknown v4 routes answer a v4-shaped 404', async () => {
    const r = await client().v4('GET', '/nothing-here');
    assert.equal(r.status, 404);
    assertV4Error(r.json, 404);
  });
});
