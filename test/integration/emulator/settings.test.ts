import { strict as assert } from 'node:assert';
import { DEMO } from '../../emulator/seeds/demo';
import { errorCode, packageForm, useEmulator } from './helpers';

interface Settings {
  Constants: { Name: string; DataType: string; Value: string | null; DeployedValue: string | null }[];
  CustomSettings: { Name: string; Value: string }[];
  ScheduledEvents: { Name: string; Value: string; DeployedValue: string }[];
}

const PROD = '/apps/orderportal/environments/Production';
const ACCP = '/apps/orderportal/environments/Acceptance';

describe('emulator: Deploy API v1 settings, scale, tags, logs', () => {
  const { client } = useEmulator();

  it('reads the seeded constants (one SMTP host), scheduled events and custom runtime setting', async () => {
    const r = await client().v1<Settings>('GET', `${PROD}/settings`);
    assert.equal(r.status, 200);
    const smtp = r.json.Constants.find((c) => c.Name === DEMO.smtpConstant);
    assert.ok(smtp && /smtp\./.test(smtp.Value ?? ''));
    assert.ok(r.json.Constants.some((c) => c.DataType === '_Boolean'));
    assert.ok(r.json.ScheduledEvents.length >= 2);
    assert.deepEqual(r.json.CustomSettings, [{ Name: 'ConnectionPoolingMaxActive', Value: '100' }]);
  });

  it('sets values that apply at the next start (Value vs DeployedValue)', async () => {
    const c = client();
    const set = await c.v1<Settings>('POST', `${ACCP}/settings`, {
      Constants: [{ Name: 'OrderPortal.ERPBaseUrl', Value: 'https://erp.example.org' }],
      ScheduledEvents: [{ Name: 'OrderPortal.SE_SyncInventory', Value: 'Enabled' }],
      CustomSettings: [{ Name: 'ConnectionPoolingMaxIdle', Value: '20' }],
    });
    assert.equal(set.status, 200);
    const k = set.json.Constants.find((x) => x.Name === 'OrderPortal.ERPBaseUrl')!;
    assert.equal(k.Value, 'https://erp.example.org');
    assert.equal(k.DeployedValue, 'https://erp.example.com/api/v2');
    assert.deepEqual(set.json.CustomSettings, [{ Name: 'ConnectionPoolingMaxIdle', Value: '20' }]);
    await c.v1('POST', `${ACCP}/stop`);
    const start = await c.v1<{ JobId: string }>('POST', `${ACCP}/start`, { AutoSyncDb: true });
    await c.advance(60);
    assert.equal((await c.v1<{ Status: string }>('GET', `${ACCP}/start/${start.json.JobId}`)).json.Status, 'Started');
    const after = await c.v1<Settings>('GET', `${ACCP}/settings`);
    assert.equal(after.json.Constants.find((x) => x.Name === 'OrderPortal.ERPBaseUrl')!.DeployedValue, 'https://erp.example.org');
    assert.equal(after.json.ScheduledEvents.find((x) => x.Name === 'OrderPortal.SE_SyncInventory')!.DeployedValue, 'Enabled');
  });

  it('refuses unknown constants and events, bad event values and blocked custom settings', async () => {
    const c = client();
    const k = await c.v1('POST', `${PROD}/settings`, { Constants: [{ Name: 'Nope.Nope', Value: 'x' }] });
    assert.equal(k.status, 400);
    assert.equal(errorCode(k), 'CONSTANT_NOT_FOUND');
    const e = await c.v1('POST', `${PROD}/settings`, { ScheduledEvents: [{ Name: 'Nope.Event', Value: 'Enabled' }] });
    assert.equal(errorCode(e), 'SCHEDULED_EVENT_NOT_FOUND');
    const v = await c.v1('POST', `${PROD}/settings`, { ScheduledEvents: [{ Name: 'OrderPortal.SE_NightlyCleanup', Value: 'On' }] });
    assert.equal(v.status, 500);
    assert.equal(errorCode(v), 'INVALID_SCHEDULED_EVENT_PARAMETER');
    const s = await c.v1('POST', `${PROD}/settings`, { CustomSettings: [{ Name: 'DatabaseHost', Value: 'evil' }] });
    assert.equal(errorCode(s), 'CUSTOM_SETTING_NOT_SUPPORTED');
    // Nothing was half-applied by the refused calls.
    const now = await c.v1<Settings>('GET', `${PROD}/settings`);
    assert.deepEqual(now.json.CustomSettings, [{ Name: 'ConnectionPoolingMaxActive', Value: '100' }]);
  });

  it('scales within the plan and refuses too much memory or under 1024 MB', async () => {
    const c = client();
    const ok = await c.v1<Record<string, unknown>>('POST', `${ACCP}/scale`, { Instances: 2, MemoryPerInstance: 2048 });
    assert.equal(ok.status, 200);
    assert.equal(ok.json.Instances, 2);
    assert.equal(ok.json.TotalMemory, 4096);
    assert.equal(ok.json.Mode, 'Acceptance');
    const small = await c.v1('POST', `${ACCP}/scale`, { Instances: 1, MemoryPerInstance: 512 });
    assert.equal(errorCode(small), 'INVALID_REQUEST');
    const big = await c.v1('POST', `${ACCP}/scale`, { Instances: 8, MemoryPerInstance: 4096 });
    assert.equal(errorCode(big), 'INVALID_REQUEST');
    const stray = await c.v1('POST', `${ACCP}/scale/5e1c0000-0000-4000-8000-000000000000`, { Instances: 1, MemoryPerInstance: 1024 });
    assert.equal(stray.status, 200);
  });

  it('refuses horizontal scaling below Mendix 7 (400 NOT_ALLOWED)', async () => {
    const c = client();
    await c.control('POST', '/config', { minSupportedMajor: 6 });
    const meta = { packageId: 'old', version: '0.9.0.1', mendixVersion: '6.10.4.1234', constants: [], scheduledEvents: [] };
    const bytes = Buffer.concat([Buffer.from(`MXEMU-MDA 1\n${JSON.stringify(meta)}\n`), Buffer.alloc(1000)]);
    const up = await c.req<{ PackageId: string }>('POST', '/api/v2/apps/orderportal-us/packages/upload', { auth: 'key', raw: packageForm(bytes) });
    assert.equal(up.status, 200);
    await c.advance(60);
    const t = await c.v1('POST', '/apps/orderportal-us/environments/Acceptance/transport', { PackageId: up.json.PackageId });
    assert.equal(t.status, 200);
    const r = await c.v1('POST', '/apps/orderportal-us/environments/Acceptance/scale', { Instances: 2, MemoryPerInstance: 1024 });
    assert.equal(r.status, 400);
    assert.equal(errorCode(r), 'NOT_ALLOWED');
    const one = await c.v1('POST', '/apps/orderportal-us/environments/Acceptance/scale', { Instances: 1, MemoryPerInstance: 2048 });
    assert.equal(one.status, 200);
  });

  it('adds, lists and deletes tags (204 also for a missing tag)', async () => {
    const c = client();
    const add = await c.v1('POST', `${ACCP}/tags`, { Tag: 'migrating' });
    assert.deepEqual(add.json, { Tag: 'migrating' });
    const list = await c.v1<{ Tag: string }[]>('GET', `${ACCP}/tags`);
    assert.ok(list.json.some((t) => t.Tag === 'migrating'));
    const del = await c.req('DELETE', `/api/1${ACCP}/tags`, { auth: 'key', body: { Tag: 'migrating' } });
    assert.equal(del.status, 204);
    const again = await c.req('DELETE', `/api/1${ACCP}/tags`, { auth: 'key', body: { Tag: 'migrating' } });
    assert.equal(again.status, 204);
    assert.ok(!(await c.v1<{ Tag: string }[]>('GET', `${ACCP}/tags`)).json.some((t) => t.Tag === 'migrating'));
  });

  it('gives log download URLs for recent dates, 404 for the future, 403 FORBIDDEN without log access', async () => {
    const c = client();
    const today = new Date().toISOString().slice(0, 10);
    const r = await c.v1<{ Environment: string; Date: number; DownloadUrl: string }>('GET', `${PROD}/logs/${today}`);
    assert.equal(r.status, 200);
    assert.equal(r.json.Environment, DEMO.environments.orderPortalProduction.id);
    assert.equal(new Date(r.json.Date).toISOString().slice(0, 10), today);
    const text = await (await fetch(r.json.DownloadUrl)).text();
    assert.match(text, /INFO/);
    assert.equal((await c.v1('GET', `${PROD}/access-logs/${today}`)).status, 200);
    assert.equal((await c.v1('GET', `${PROD}/logs/2999-01-01`)).status, 404);
    await c.v4('PATCH', `/apps/${DEMO.projects.orderPortal.id}/environments/${DEMO.environments.orderPortalAcceptance.id}/permissions`, {
      permissions: [{ member: { userId: DEMO.viewer.username }, canViewLogs: false }],
    });
    const denied = await c.v1('GET', `${ACCP}/logs/${today}`, undefined, 'viewerKey');
    assert.equal(denied.status, 403);
    assert.equal(errorCode(denied), 'FORBIDDEN');
  });
});
