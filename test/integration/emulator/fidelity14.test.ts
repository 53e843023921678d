/** The emulator follows the corrections of contract §14 (second review against the newest docs and spec). */
import { strict as assert } from 'node:assert';
import { DEMO } from '../../emulator/seeds/demo';
import { TEAM } from '../../emulator/seeds/team';
import { E, P, errorCode, useEmulator, type Client } from './helpers';

interface V1Env {
  Status: string;
  ModelVersion: string | null;
}
interface Perm {
  member: { userId: string };
  [flag: string]: unknown;
}
type Page = { offset: number; limit: number; size: number };

async function buildRelease(c: Client, version: string): Promise<string> {
  const r = await c.v1<{ PackageId: string }>('POST', '/apps/orderportal/packages', { Branch: 'main', Revision: 'r1', Version: version, Description: 'rebuild' });
  assert.equal(r.status, 200, r.text);
  await c.advance(60); // build, then the processing window in which transport answers 503
  return r.json.PackageId;
}

async function startAndPoll(c: Client, mode: string, body: unknown): Promise<{ status: number; code?: string; json: unknown }> {
  const start = await c.v1<{ JobId: string }>('POST', `/apps/orderportal/environments/${mode}/start`, body);
  assert.equal(start.status, 200, start.text);
  await c.advance(60);
  const poll = await c.v1(`GET`, `/apps/orderportal/environments/${mode}/start/${start.json.JobId}`);
  return { status: poll.status, code: errorCode(poll), json: poll.json };
}

describe('emulator: contract §14 corrections', () => {
  describe('demo seed', () => {
    const { client } = useEmulator();

    it('§14.1 accepts transport while running; the new package runs after the next stop and start', async () => {
      const c = client();
      const id = await buildRelease(c, '1.7.0');
      const t = await c.v1<V1Env>('POST', '/apps/orderportal/environments/Acceptance/transport', { PackageId: id });
      assert.equal(t.status, 200, t.text);
      assert.equal(t.json.Status, 'Running');
      assert.equal(t.json.ModelVersion, DEMO.packages.orderPortalAcceptance.version, 'the old package runs until the restart');
      const deployed = await c.v1<{ PackageId: string }>('GET', '/apps/orderportal/environments/Acceptance/package');
      assert.equal(deployed.json.PackageId, id);
      // While it waits for the start the new package is unused, so v4 shows when it expires (§14.10).
      const v4 = await c.v4<{ package?: { id: string; expiresOn?: string } }>('GET', `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}?expand=package`);
      assert.equal(v4.json.package?.id, id);
      assert.ok(v4.json.package?.expiresOn, 'an unused package carries expiresOn');
      assert.equal((await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop')).status, 200);
      // Same release (1.7.0.x): the database does not differ, so no AutoSyncDb is needed (§14.8).
      const started = await startAndPoll(c, 'Acceptance', {});
      assert.deepEqual(started.json, { Status: 'Started' });
      const env = await c.v1<V1Env>('GET', '/apps/orderportal/environments/Acceptance');
      assert.notEqual(env.json.ModelVersion, DEMO.packages.orderPortalAcceptance.version);
      assert.match(env.json.ModelVersion ?? '', /^1\.7\.0\./);
      const used = await c.v4<{ package?: { expiresOn?: string } }>('GET', `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}?expand=package`);
      assert.equal(used.json.package?.expiresOn, undefined, 'a running package does not expire');
    });

    it('§14.8 tolerates "AutoSyncDb": "true" and refuses other strings', async () => {
      const c = client();
      await c.v1('POST', '/apps/orderportal/environments/Production/stop');
      const bad = await c.v1('POST', '/apps/orderportal/environments/Production/start', { AutoSyncDb: 'yes' });
      assert.equal(bad.status, 400);
      assert.equal(errorCode(bad), 'INVALID_PARAMETERS');
      // Production runs 1.6.0; the Acceptance package is release 1.7.0: the database really differs.
      await c.v1('POST', '/apps/orderportal/environments/Production/transport', { PackageId: DEMO.packages.orderPortalAcceptance.id });
      const withString = await startAndPoll(c, 'Production', { AutoSyncDb: 'true' });
      assert.deepEqual(withString.json, { Status: 'Started' });
    });

    it('§14.8 a start without AutoSyncDb fails only when the database really differs', async () => {
      const c = client();
      await c.v1('POST', '/apps/orderportal/environments/Production/stop');
      await c.v1('POST', '/apps/orderportal/environments/Production/transport', { PackageId: DEMO.packages.orderPortalAcceptance.id });
      const r = await startAndPoll(c, 'Production', {});
      assert.equal(r.status, 500);
      assert.equal(r.code, 'INVALID_DB_STRUCTURE');
    });

    it('§14.7 the logs answer carries the environment UUID in Environment', async () => {
      const c = client();
      const today = new Date().toISOString().slice(0, 10);
      for (const kind of ['logs', 'access-logs']) {
        const r = await c.v1<{ Environment: string }>('GET', `/apps/orderportal/environments/Acceptance/${kind}/${today}`);
        assert.equal(r.status, 200, r.text);
        assert.equal(r.json.Environment, E.orderPortalAcceptance.id);
      }
    });

    it('§14.2 GET permission flags are the strings "true"/"false"; PATCH takes and answers booleans', async () => {
      const c = client();
      const path = `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}/permissions`;
      const r = await c.v4<{ permissions: Perm[] }>('GET', `${path}?userId=${encodeURIComponent(DEMO.username)}`);
      assert.equal(r.json.permissions.length, 1);
      for (const flag of ['canDeployApp', 'canManageBackups', 'canViewAlerts', 'canAccessAPI', 'canViewLogs', 'canManagePrivileges']) {
        assert.equal(r.json.permissions[0][flag], 'true', flag);
      }
      const patched = await c.v4<{ permissions: Perm[] }>('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canViewAlerts: true }] });
      assert.equal(patched.json.permissions[0].canViewAlerts, true);
      assert.equal(patched.json.permissions[0].canDeployApp, false);
      const str = await c.v4('PATCH', path, { permissions: [{ member: { userId: DEMO.viewer.username }, canViewAlerts: 'true' }] });
      assert.equal(str.status, 400);
    });
  });

  describe('team seed', () => {
    const { client } = useEmulator({ seed: 'team' });

    it('§14.2 pages permissions 20 at a time by default; userId finds a member beyond the first page', async () => {
      const c = client();
      const path = `/apps/${P.orderPortal.id}/environments/${E.orderPortalProduction.id}/permissions`;
      const first = await c.v4<{ permissions: Perm[]; pagination: Page }>('GET', path);
      assert.equal(first.json.permissions.length, 20);
      assert.deepEqual(first.json.pagination, { offset: 0, limit: 20, size: 20 });
      assert.ok(!first.json.permissions.some((p) => p.member.userId === DEMO.username), 'the demo user is not on the first page');
      const all: Perm[] = [];
      for (let offset = 0; ; offset += 20) {
        const page = await c.v4<{ permissions: Perm[] }>('GET', `${path}?offset=${offset}`);
        all.push(...page.json.permissions);
        if (page.json.permissions.length < 20) break;
      }
      assert.ok(all.length >= TEAM.size + 1);
      assert.ok(all.some((p) => p.member.userId === DEMO.username));
      const mine = await c.v4<{ permissions: Perm[] }>('GET', `${path}?userId=${encodeURIComponent(DEMO.username.toUpperCase())}`);
      assert.deepEqual(
        mine.json.permissions.map((p) => p.member.userId),
        [DEMO.username],
      );
      const clamped = await c.v4<{ pagination: Page }>('GET', `${path}?limit=500`);
      assert.equal(clamped.json.pagination.limit, 100);
    });

    it('§14.11 a display name in Cyrillic and Japanese on v4, the Mode unchanged on v1', async () => {
      const c = client();
      const v4 = await c.v4<{ environments: { id: string; name: string }[] }>('GET', `/apps/${P.orderPortalTempA.id}/environments`);
      assert.equal(v4.json.environments.find((e) => e.id === E.orderPortalUsProduction.id)?.name, TEAM.targetProductionDisplayName);
      const v1 = await c.v1<{ Mode: string; EnvironmentId: string }[]>('GET', '/apps/orderportal-us/environments');
      assert.equal(v1.json.find((e) => e.EnvironmentId === E.orderPortalUsProduction.id)?.Mode, 'Production');
    });
  });
});
