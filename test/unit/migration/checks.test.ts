import { strict as assert } from 'node:assert';
import { buildPreflight, compareDbVersions, sameRuntime, type PreflightFacts } from '../../../src/core/migration/preflight';
import { diffConfiguration, mergedSettings, sourceOnlyCustomSettingActions, type ConfigSide } from '../../../src/core/migration/configDiff';
import { predictDowntimeMs } from '../../../src/core/migration/timings';
import { criticalPathMs } from '../../support/criticalPath';
import type { StepDefinition } from '../../../src/core/migration/stepTypes';
import type { Journal } from '../../../src/core/migration/types';

const ME = 'me@example.com';
const allowed = { userId: ME, canAccessAPI: true, canDeployApp: true, canManageBackups: true };

function facts(over: Partial<PreflightFacts> = {}): PreflightFacts {
  return {
    flavour: 'node-move',
    username: ME,
    sourceEnv: { environmentId: 'e1', mode: 'Production', status: 'Running', url: 'https://a.mendixcloud.com', mendixVersion: '10.24.3', modelVersion: '1.0.0.1' },
    sourceEnvV4: { id: 'e1', name: 'Production', state: 'running', url: 'https://a', runtimeVersion: '10.24.3.73587', dbVersion: '14' },
    sourceSettings: { constants: [{ name: 'Mod.ApiBase', value: 'https://api.example.com' }], scheduledEvents: [], customSettings: [] },
    sourceApp: { id: 'p', name: 'A', subdomain: 'a', technicalContact: { userId: ME } },
    sourcePermissions: { technicalContact: ME, permissions: [allowed] },
    tempA: { id: 'ta', name: 'A (temp A)', subdomain: 'b' },
    tempB: { id: 'tb', name: 'A (temp B)', subdomain: 'c' },
    tempBEnvironments: [],
    targetEnv: { environmentId: 'e2', mode: 'Production', status: 'Empty', url: 'https://b' },
    targetEnvV4: { id: 'e2', name: 'Производство', state: 'notdeployed', url: 'https://b', dbVersion: '14' },
    targetPermissions: { technicalContact: ME, permissions: [allowed] },
    packageSize: 1000,
    freeDiskBytes: 50 * 1024 ** 3,
    ...over,
  };
}

const result = (items: ReturnType<typeof buildPreflight>, id: string) => items.find((i) => i.id === id)?.result;

describe('preflight', () => {
  it('passes a healthy node move', () => {
    const items = buildPreflight(facts());
    assert.deepEqual(items.filter((i) => i.result !== 'pass').map((i) => i.id), []);
  });

  it('compares the database versions: an older target PostgreSQL fails, a newer one passes, unknown warns (§14.10)', () => {
    const older = buildPreflight(facts({ targetEnvV4: { id: 'e2', name: 'P', state: 'notdeployed', url: 'u', dbVersion: '12' } }));
    assert.equal(result(older, 'db-version'), 'fail');
    assert.match(older.find((i) => i.id === 'db-version')?.detail ?? '', /PostgreSQL 12, older than the source's 14/);
    assert.equal(result(buildPreflight(facts({ targetEnvV4: { id: 'e2', name: 'P', state: 'notdeployed', url: 'u', dbVersion: '16.2' } })), 'db-version'), 'pass');
    assert.equal(result(buildPreflight(facts({ targetEnvV4: undefined })), 'db-version'), 'warn');
    assert.ok(compareDbVersions('9.6', '14') < 0 && compareDbVersions('14.2', '14') > 0 && compareDbVersions('14', '14.0') === 0);
  });

  it('warns when the source package is unused and carries expiresOn (§14.10)', () => {
    const items = buildPreflight(
      facts({ sourceEnvV4: { id: 'e1', name: 'Production', state: 'stopped', url: 'u', runtimeVersion: '10.24.3.73587', dbVersion: '14', packageId: 'k1', packageExpiresOn: '2027-01-01T00:00:00.000Z' } }),
    );
    const warn = items.find((i) => i.id.startsWith('package-expiry'));
    assert.equal(warn?.result, 'warn');
    assert.match(warn?.detail ?? '', /k1 .* expires on 2027-01-01/);
  });

  it('fails a runtime change, missing permissions and a foreign Technical Contact', () => {
    const items = buildPreflight(
      facts({
        sourceEnvV4: { id: 'e1', name: 'Production', state: 'running', url: 'x', runtimeVersion: '10.18.0.1' },
        targetPermissions: { technicalContact: 'other@example.com', permissions: [{ ...allowed, canManageBackups: false }] },
        targetApp: { id: 'ta', name: 't', subdomain: 't', technicalContact: { userId: 'other@example.com' } },
      }),
    );
    assert.equal(result(items, 'same-runtime'), 'fail');
    assert.equal(result(items, 'permissions-target'), 'fail');
    assert.match(items.find((i) => i.id === 'permissions-target')?.detail ?? '', /Access to Backups/);
    assert.equal(result(items, 'tc-target'), 'fail');
  });

  it('flags mail, FTP and VPN use by name without ever showing a value', () => {
    const secretish = 'smtp.internal.corp.example.com';
    const items = buildPreflight(
      facts({
        sourceSettings: {
          constants: [
            { name: 'Email.Host', value: secretish },
            { name: 'Export.Target', value: 'sftp://files.example.com' },
          ],
          scheduledEvents: [],
          customSettings: [],
        },
      }),
    );
    assert.equal(result(items, 'mail'), 'warn');
    assert.equal(result(items, 'ftp'), 'warn');
    assert.equal(result(items, 'vpn'), 'warn');
    assert.ok(!JSON.stringify(items).includes(secretish));
  });

  it('adds the v3 → v4 considerations and enforces Mendix 6+', () => {
    const old = buildPreflight(facts({ flavour: 'v3-to-v4', sourceEnv: { ...facts().sourceEnv, mendixVersion: '5.21.0', instances: 2 } }));
    assert.equal(result(old, 'mendix-version'), 'fail');
    assert.equal(result(old, 'debugger'), 'warn');
    assert.equal(result(old, 'tls'), 'warn');
    const ok = buildPreflight(
      facts({
        flavour: 'v3-to-v4',
        sourceEnv: { ...facts().sourceEnv, mendixVersion: '7.23.7' },
        sourceEnvV4: undefined,
        targetDatabaseRamGb: 1,
        sourceSettings: { constants: [], scheduledEvents: [{ name: 'SE', value: 'Enabled' }], customSettings: [{ name: 'ConnectionPoolingMaxActive', value: '200' }] },
      }),
    );
    assert.equal(result(ok, 'mendix-version'), 'pass');
    assert.equal(result(ok, 'db-connections'), 'fail', '200 connections vs ~100 allowed for 1 GB');
    assert.equal(result(ok, 'scheduled-events'), 'warn');
  });

  it('compares runtime versions by their first three components', () => {
    assert.ok(sameRuntime('10.24.3.73587', '10.24.3'));
    assert.ok(!sameRuntime('10.24.3', '10.24.4'));
  });

  it('fails when the disk cannot hold the package and warns when space is tight', () => {
    assert.equal(result(buildPreflight(facts({ freeDiskBytes: 10, packageSize: 1000 })), 'disk'), 'fail');
    assert.equal(result(buildPreflight(facts({ freeDiskBytes: 2000 + 1024 ** 3 - 1, packageSize: 1000 })), 'disk'), 'warn');
  });
});

describe('configuration diff', () => {
  const side = (over: Partial<ConfigSide['settings']> = {}, tags: string[] = []): ConfigSide => ({
    settings: { constants: [], scheduledEvents: [], customSettings: [], ...over },
    environment: { environmentId: 'e', mode: 'Production', status: 'Stopped', url: 'u' },
    tags,
  });

  it('masks constant values and separates API-writable differences', () => {
    const src = side({ constants: [{ name: 'A', value: 'secret-1' }, { name: 'Gone', value: 'x' }], scheduledEvents: [{ name: 'SE', value: 'Enabled' }], customSettings: [{ name: 'Pool', value: '100' }] }, ['t1']);
    const tgt = side({ constants: [{ name: 'A', value: 'default' }], scheduledEvents: [{ name: 'SE', value: 'Disabled' }] });
    const d = diffConfiguration(src, tgt);
    assert.ok(!JSON.stringify(d).includes('secret-1'));
    assert.deepEqual(
      d.map((x) => [x.area, x.name, x.writable]),
      [
        ['constant', 'A', true],
        ['constant', 'Gone', false],
        ['scheduled-event', 'SE', true],
        ['custom-setting', 'Pool', false],
        ['tag', 't1', true],
      ],
    );
    const merged = mergedSettings(src.settings, tgt.settings);
    assert.deepEqual(merged.constants, [{ name: 'A', value: 'secret-1' }]);
    assert.deepEqual(merged.scheduledEvents, [{ name: 'SE', value: 'Enabled' }]);
    assert.deepEqual(merged.customSettings, [], 'a custom setting only the source has is not created through the API');
    assert.deepEqual(diffConfiguration({ ...src, settings: merged }, { ...tgt, settings: merged, tags: ['t1'] }), []);
  });

  it('sends source-only custom settings to the portal checklist with names and values, secrets masked (§14.3)', () => {
    const src = side({ customSettings: [{ name: 'Pool', value: '100' }, { name: 'SMTP.Password', value: 'hunter2' }, { name: 'Shared', value: 'a' }] });
    const tgt = side({ customSettings: [{ name: 'Shared', value: 'b' }] });
    const d = diffConfiguration(src, tgt);
    assert.deepEqual(
      d.map((x) => [x.name, x.writable, x.source]),
      [
        ['Pool', false, '100'],
        ['SMTP.Password', false, '•••• (masked)'],
        ['Shared', true, 'a'],
      ],
    );
    const lines = sourceOnlyCustomSettingActions(d);
    assert.deepEqual(lines, ['Runtime tab → Custom Runtime Settings: add Pool = 100', 'Runtime tab → Custom Runtime Settings: add SMTP.Password = •••• (masked)']);
    assert.ok(!JSON.stringify(d).includes('hunter2'));
    assert.deepEqual(mergedSettings(src.settings, tgt.settings).customSettings, [{ name: 'Shared', value: 'a' }]);
  });

  it('keeps null values null and DataType/DeployedValue as GET returned them', () => {
    const src = side({ constants: [{ name: 'A', value: null, dataType: 'String', deployedValue: null }] });
    const tgt = side({ constants: [{ name: 'A', value: 'x', dataType: 'String', deployedValue: 'x' }] });
    assert.deepEqual(mergedSettings(src.settings, tgt.settings).constants, [{ name: 'A', value: null, dataType: 'String', deployedValue: 'x' }]);
  });
});

describe('timings', () => {
  const step = (id: string, dependsOn: string[]): StepDefinition => ({
    id,
    phase: 'backup',
    title: id,
    kind: 'api',
    dependsOn,
    describe: '',
    isDone: () => Promise.resolve(false),
    run: () => Promise.resolve(),
    verify: () => Promise.resolve({ ok: true, detail: '' }),
  });

  it('finds the longest dependency chain', () => {
    const steps = [step('a', []), step('pkg', ['a']), step('snap', ['a']), step('arch', ['snap']), step('up', ['pkg', 'arch'])];
    const cp = criticalPathMs(steps, { a: 1, pkg: 10, snap: 4, arch: 4, up: 2 });
    assert.equal(cp.ms, 13);
    assert.deepEqual(cp.path, ['a', 'pkg', 'up']);
  });

  it('predicts the downtime from the last rehearsal', () => {
    const j = { rehearsals: [{ startedAt: 'x', durationsMs: { 'backup.snapshot': 10, 'backup.archive': 20, 'backup.download': 30, 'backup.upload': 40, restore: 50, 'test.start-target': 60 } }] } as unknown as Journal;
    assert.equal(predictDowntimeMs(j), 210);
    assert.equal(predictDowntimeMs({ ...j, rehearsals: [] }), undefined);
  });
});

describe('preflight: custom-domain TTL advice only where the record must change (§14.13)', () => {
  it('passes a CNAME that already is <domain>.cname.mendix.net whatever its TTL, and warns about a record that must change', () => {
    const items = buildPreflight(
      facts({
        customDomains: ['orders.example.com', 'hr.example.com'],
        domainTtls: [
          { domain: 'orders.example.com', ttlSeconds: 3600, detail: 'x', cnameOk: true },
          { domain: 'hr.example.com', ttlSeconds: 3600, detail: 'y', cnameOk: false },
        ],
      }),
    );
    const stays = items.find((i) => i.id === 'dns-ttl:orders.example.com');
    assert.equal(stays?.result, 'pass');
    assert.match(stays?.detail ?? '', /nothing changes in your zone.*Mendix's record moves/);
    const changes = items.find((i) => i.id === 'dns-ttl:hr.example.com');
    assert.equal(changes?.result, 'warn');
    assert.match(changes?.detail ?? '', /lower it to 300 s/);
  });
});
