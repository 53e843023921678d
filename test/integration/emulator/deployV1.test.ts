import { strict as assert } from 'node:assert';
import { DEMO } from '../../emulator/seeds/demo';
import { E, N, P, errorCode, useEmulator } from './helpers';

interface V1Env {
  Status: string;
  EnvironmentId: string;
  Url: string;
  Mode: string;
  ModelVersion: string | null;
  MendixVersion: string | null;
  Production: boolean;
}

describe('emulator: Deploy API v1', () => {
  const { client } = useEmulator();

  describe('authentication', () => {
    it('answers 401 without credentials, with a wrong key, or an unknown user', async () => {
      const c = client();
      for (const auth of ['none', { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': 'wrong' }, { 'Mendix-Username': 'nobody@example.com', 'Mendix-ApiKey': DEMO.apiKey }] as const) {
        const r = await c.v1('GET', '/apps', undefined, auth);
        assert.equal(r.status, 401);
        assert.equal(errorCode(r), 'UNAUTHORIZED');
        assert.equal(typeof (r.json as { errorMessage: unknown }).errorMessage, 'string');
      }
    });

    it('does not accept a PAT on v1', async () => {
      const r = await client().v1('GET', '/apps', undefined, 'pat');
      assert.equal(r.status, 401);
    });
  });

  describe('apps', () => {
    it('lists linked apps with AppId = node sub-domain, and hides apps without a node', async () => {
      const r = await client().v1<{ AppId: string; Name: string; ProjectId: string; Url: string }[]>('GET', '/apps');
      assert.equal(r.status, 200);
      const byName = new Map(r.json.map((a) => [a.Name, a]));
      assert.equal(byName.get('Order Portal')?.AppId, 'orderportal');
      assert.equal(byName.get('Order Portal')?.ProjectId, P.orderPortal.id);
      assert.equal(byName.get('Order Portal')?.Url, 'https://orderportal.apps.eu-1c.mendixcloud.com');
      assert.equal(byName.get('Order Portal (temp A)')?.AppId, 'orderportal-us');
      assert.equal(byName.get('Legacy HR')?.Url, 'https://legacyhr.mendixcloud.com');
      assert.equal(byName.get('Legacy HR (temp A)')?.AppId, 'legacyhr-v4');
      assert.ok(!byName.has('Order Portal (temp B)'));
      assert.ok(!byName.has('Legacy HR (temp B)'));
    });

    it('lists only apps the caller is a member of', async () => {
      const r = await client().v1<{ Name: string }[]>('GET', '/apps', undefined, 'viewerKey');
      assert.deepEqual(
        r.json.map((a) => a.Name),
        ['Order Portal'],
      );
    });

    it('gets one app; 404 APP_NOT_FOUND for unknown; 400 INVALID_APPID for malformed', async () => {
      const c = client();
      const ok = await c.v1<{ AppId: string; ProjectId: string }>('GET', '/apps/legacyhr');
      assert.equal(ok.status, 200);
      assert.equal(ok.json.ProjectId, P.legacyHr.id);
      const missing = await c.v1('GET', '/apps/doesnotexist');
      assert.equal(missing.status, 404);
      assert.equal(errorCode(missing), 'APP_NOT_FOUND');
      const bad = await c.v1('GET', '/apps/bad%20id!');
      assert.equal(bad.status, 400);
      assert.equal(errorCode(bad), 'INVALID_APPID');
    });

    it('creates a Free App environment for a project without a node, once', async () => {
      const c = client();
      const r = await c.v1<{ AppId: string; ProjectId: string; Url: string }>('POST', '/apps', { ProjectId: P.orderPortalTempB.id });
      assert.equal(r.status, 200);
      assert.equal(r.json.ProjectId, P.orderPortalTempB.id);
      assert.match(r.json.Url, /\.mxapps\.io$/);
      const again = await c.v1('POST', '/apps', { ProjectId: P.orderPortalTempB.id });
      assert.equal(errorCode(again), 'APPLICATION_ALREADY_EXISTS');
      const bad = await c.v1('POST', '/apps', { ProjectId: 'not-a-uuid' });
      assert.equal(bad.status, 400);
      assert.equal(errorCode(bad), 'INVALID_PROJECTID');
      const envOp = await c.v1('GET', `/apps/${r.json.AppId}/environments/Production`);
      assert.equal(envOp.status, 400);
    });
  });

  describe('environments', () => {
    it('lists environments with the documented fields and URL patterns', async () => {
      const r = await client().v1<V1Env[]>('GET', '/apps/orderportal/environments');
      assert.equal(r.status, 200);
      const prod = r.json.find((e) => e.Mode === 'Production')!;
      const accp = r.json.find((e) => e.Mode === 'Acceptance')!;
      assert.deepEqual(prod, {
        Status: 'Running',
        EnvironmentId: E.orderPortalProduction.id,
        Url: 'https://orderportal.apps.eu-1c.mendixcloud.com',
        Mode: 'Production',
        ModelVersion: DEMO.packages.orderPortalProduction.version,
        MendixVersion: DEMO.packages.orderPortalProduction.mendixVersion,
        Production: true,
      });
      assert.equal(accp.Url, 'https://orderportal-accp.apps.eu-1c.mendixcloud.com');
      assert.equal(accp.Production, false);
    });

    it('matches Mode case-insensitively and reports an empty target', async () => {
      const c = client();
      const r = await c.v1<V1Env>('GET', '/apps/orderportal-us/environments/acceptance');
      assert.equal(r.status, 200);
      assert.equal(r.json.Status, 'Empty');
      assert.equal(r.json.Url, 'https://orderportal-us-accp.apps.us-2a.mendixcloud.com');
      assert.equal(r.json.ModelVersion, null);
      const missing = await c.v1('GET', '/apps/orderportal/environments/Test');
      assert.equal(missing.status, 404);
      assert.equal(errorCode(missing), 'ENVIRONMENT_NOT_FOUND');
      const bad = await c.v1('GET', '/apps/orderportal/environments/bad$mode');
      assert.equal(bad.status, 400);
    });

    it('answers 403 NO_ACCESS when the node permission is missing', async () => {
      const c = client();
      const prod = await c.v1('GET', '/apps/orderportal/environments/Production', undefined, 'viewerKey');
      assert.equal(prod.status, 403);
      assert.equal(errorCode(prod), 'NO_ACCESS');
      const accp = await c.v1('GET', '/apps/orderportal/environments/Acceptance', undefined, 'viewerKey');
      assert.equal(accp.status, 200);
      const stop = await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop', {}, 'viewerKey');
      assert.equal(stop.status, 403);
      assert.equal(errorCode(stop), 'NO_ACCESS');
    });
  });

  describe('start, stop and transport', () => {
    it('start on a running environment is a 200 ALREADY_STARTED', async () => {
      const r = await client().v1('POST', '/apps/orderportal/environments/Production/start', { AutoSyncDb: true });
      assert.equal(r.status, 200);
      assert.equal(errorCode(r), 'ALREADY_STARTED');
    });

    it('stop, start with a job that goes Starting → Started on the virtual clock', async () => {
      const c = client();
      const stop = await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      assert.equal(stop.status, 200);
      assert.equal((await c.v1<V1Env>('GET', '/apps/orderportal/environments/Acceptance')).json.Status, 'Stopped');
      const start = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true });
      assert.equal(start.status, 200);
      const poll = `/apps/orderportal/environments/Acceptance/start/${start.json.JobId}`;
      assert.deepEqual((await c.v1('GET', poll)).json, { Status: 'Starting' });
      const second = await c.v1('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true });
      assert.equal(second.status, 500);
      assert.equal(errorCode(second), 'APP_ALREADY_HAS_A_STARTING_JOB');
      await c.advance(60);
      assert.deepEqual((await c.v1('GET', poll)).json, { Status: 'Started' });
      assert.equal((await c.v1<V1Env>('GET', '/apps/orderportal/environments/Acceptance')).json.Status, 'Running');
      const unknown = await c.v1('GET', '/apps/orderportal/environments/Acceptance/start/00000000-0000-4000-8000-000000000000');
      assert.equal(unknown.status, 404);
      assert.equal(errorCode(unknown), 'NO_SUCH_STARTJOB');
    });

    it('start without a deployed package is 500 NO_MDA_HAS_BEEN_DEPLOYED', async () => {
      const r = await client().v1('POST', '/apps/orderportal-us/environments/Production/start', { AutoSyncDb: true });
      assert.equal(r.status, 500);
      assert.equal(errorCode(r), 'NO_MDA_HAS_BEEN_DEPLOYED');
    });

    it('surfaces a start failure (MISSING_CONSTANT) on the poll call, not on the start call', async () => {
      const c = client();
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      const set = await c.control('POST', '/start-failure', { environmentId: E.orderPortalAcceptance.id, errorCode: 'MISSING_CONSTANT' });
      assert.equal(set.status, 200);
      const start = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true });
      assert.equal(start.status, 200);
      await c.advance(60);
      const poll = await c.v1('GET', `/apps/orderportal/environments/Acceptance/start/${start.json.JobId}`);
      assert.equal(poll.status, 500);
      assert.equal(errorCode(poll), 'MISSING_CONSTANT');
      assert.equal((await c.v1<V1Env>('GET', '/apps/orderportal/environments/Acceptance')).json.Status, 'Stopped');
    });

    it('a constant without a value makes the start fail with MISSING_CONSTANT', async () => {
      const c = client();
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/settings', { Constants: [{ Name: 'Email.SMTPHost', Value: null }] });
      const start = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true });
      await c.advance(60);
      const poll = await c.v1('GET', `/apps/orderportal/environments/Acceptance/start/${start.json.JobId}`);
      assert.equal(errorCode(poll), 'MISSING_CONSTANT');
    });

    it('transport into a running environment is accepted and waits for the next start; a new release without AutoSyncDb then fails with INVALID_DB_STRUCTURE', async () => {
      const c = client();
      const body = { PackageId: DEMO.packages.orderPortalAcceptance.id };
      const running = await c.v1<V1Env>('POST', '/apps/orderportal/environments/Production/transport', body);
      assert.equal(running.status, 200);
      // The old package keeps running until the next start.
      assert.equal(running.json.Status, 'Running');
      assert.equal(running.json.ModelVersion, DEMO.packages.orderPortalProduction.version);
      await c.v1('POST', '/apps/orderportal/environments/Production/stop');
      const env = await c.v1<V1Env>('GET', '/apps/orderportal/environments/Production');
      assert.equal(env.json.ModelVersion, DEMO.packages.orderPortalAcceptance.version);
      assert.equal(env.json.Status, 'Stopped');
      const start = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Production/start', { AutoSyncDb: false });
      await c.advance(60);
      const poll = await c.v1('GET', `/apps/orderportal/environments/Production/start/${start.json.JobId}`);
      assert.equal(poll.status, 500);
      assert.equal(errorCode(poll), 'INVALID_DB_STRUCTURE');
      const retry = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Production/start', { AutoSyncDb: true });
      await c.advance(60);
      assert.deepEqual((await c.v1('GET', `/apps/orderportal/environments/Production/start/${retry.json.JobId}`)).json, { Status: 'Started' });
    });

    it('transport errors: missing PackageId, unknown package, unsupported runtime', async () => {
      const c = client();
      await c.v1('POST', '/apps/legacyhr/environments/Acceptance/stop');
      const none = await c.v1('POST', '/apps/legacyhr/environments/Acceptance/transport', {});
      assert.equal(errorCode(none), 'INVALID_PARAMETERS');
      const unknown = await c.v1('POST', '/apps/legacyhr/environments/Acceptance/transport', { PackageId: DEMO.packages.orderPortalAcceptance.id });
      assert.equal(unknown.status, 404);
      assert.equal(errorCode(unknown), 'PACKAGE_NOT_FOUND');
      const old = await c.v1('POST', '/apps/legacyhr/environments/Acceptance/transport', { PackageId: DEMO.packages.legacyHr.id });
      assert.equal(old.status, 400);
      assert.equal(errorCode(old), 'INVALID_RUNTIME_VERSION');
    });

    it('stop during a start makes the start job fail', async () => {
      const c = client();
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      const start = await c.v1<{ JobId: string }>('POST', '/apps/orderportal/environments/Acceptance/start', { AutoSyncDb: true });
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      const poll = await c.v1('GET', `/apps/orderportal/environments/Acceptance/start/${start.json.JobId}`);
      assert.equal(poll.status, 500);
      assert.equal(errorCode(poll), 'START_FAILED');
    });

    it('clean: 403 ENVIRONMENT_NOT_STOPPED, then Empty, then 422 ENVIRONMENT_NOT_DEPLOYED', async () => {
      const c = client();
      const running = await c.v1('POST', '/apps/orderportal/environments/Acceptance/clean');
      assert.equal(running.status, 403);
      assert.equal(errorCode(running), 'ENVIRONMENT_NOT_STOPPED');
      await c.v1('POST', '/apps/orderportal/environments/Acceptance/stop');
      const ok = await c.v1<{ Status: string; Mode: string }[]>('POST', '/apps/orderportal/environments/Acceptance/clean');
      assert.equal(ok.status, 200);
      assert.equal(ok.json[0].Status, 'Empty');
      const again = await c.v1('POST', '/apps/orderportal/environments/Acceptance/clean');
      assert.equal(again.status, 422);
      assert.equal(errorCode(again), 'ENVIRONMENT_NOT_DEPLOYED');
    });
  });

  describe('deployed package', () => {
    it('returns the package with ExpiryDate null, and a signed Url {Location, TTL} on url=true', async () => {
      const c = client();
      const plain = await c.v1<Record<string, unknown>>('GET', '/apps/orderportal/environments/Production/package');
      assert.equal(plain.status, 200);
      assert.equal(plain.json.PackageId, DEMO.packages.orderPortalProduction.id);
      assert.equal(plain.json.ExpiryDate, null);
      assert.equal(plain.json.Status, 'Succeeded');
      assert.equal(plain.json.Url, undefined);
      const withUrl = await c.v1<{ Url: { Location: string; TTL: number }; Size: number }>('GET', '/apps/orderportal/environments/Production/package?url=true');
      assert.equal(withUrl.json.Url.TTL, 900);
      const dl = await fetch(withUrl.json.Url.Location);
      assert.equal(dl.status, 200);
      assert.equal((await dl.arrayBuffer()).byteLength, withUrl.json.Size);
      const bad = await c.v1('GET', '/apps/orderportal/environments/Production/package?url=maybe');
      assert.equal(errorCode(bad), 'INVALID_PARAMETERS');
      const empty = await c.v1('GET', '/apps/orderportal-us/environments/Production/package');
      assert.equal(empty.status, 404);
      assert.equal(errorCode(empty), 'PACKAGE_NOT_FOUND');
    });

    it('the package URL expires after its TTL', async () => {
      const c = client();
      const r = await c.v1<{ Url: { Location: string } }>('GET', '/apps/orderportal/environments/Production/package?url=true');
      await c.advance(901);
      const dl = await fetch(r.json.Url.Location);
      assert.equal(dl.status, 403);
      assert.match(await dl.text(), /Request has expired/);
    });
  });

  it('exposes the node sub-domain of every demo node as a v1 AppId', async () => {
    const c = client();
    for (const n of Object.values(N)) {
      const r = await c.v1<{ AppId: string }>('GET', `/apps/${n.subdomain}`);
      assert.equal(r.json.AppId, n.subdomain);
    }
  });
});
