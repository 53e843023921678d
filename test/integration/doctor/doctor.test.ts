/**
 * The doctor against the emulator: full rights are all green; credentials lacking one right in turn
 * fail exactly that item, with where to grant it; and the emulator's call log shows only GETs.
 */
import { strict as assert } from 'node:assert';
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { checkAccess, type AccessReport } from '../../../src/core/doctor/accessCheck';
import { DEMO } from '../../emulator/seeds/demo';
import { createJournal } from '../../../src/core/migration/session';
import { journalPathsFor } from '../../../src/core/migration/journalStore';
import { bundleCli, cliEnv, runCli } from '../migration/cliProcess';
import { demoInput } from '../migration/harness';
import { useEmulator, type Client } from '../emulator/helpers';

const P = DEMO.projects;
const E = DEMO.environments;

interface Call {
  method: string;
  path: string;
}

function clientFor(baseUrl: string, creds: { username?: string; apiKey?: string; pat?: string }): MendixClient {
  return new MendixClient({ credentials: creds, config: { deployBaseUrl: baseUrl, cloudPortalBaseUrl: baseUrl, homeBaseUrl: baseUrl }, retry: { baseDelayMs: 10, maxDelayMs: 50 } });
}

interface Creds {
  username?: string;
  apiKey?: string;
  pat?: string;
}

const FULL: Creds = { username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat };

async function doctor(c: Client, creds: { username?: string; apiKey?: string; pat?: string } = FULL): Promise<AccessReport> {
  await c.control('DELETE', '/calls');
  const client = clientFor(c.base, creds);
  try {
    return await checkAccess(client, { username: creds.username });
  } finally {
    client.dispose();
  }
}

async function assertReadOnly(c: Client): Promise<number> {
  const calls = (await c.control<Call[]>('GET', '/calls')).json.filter((x) => x.path.startsWith('/api/') || x.path.startsWith('/v1/'));
  assert.ok(calls.length > 0);
  assert.deepEqual(calls.filter((x) => x.method !== 'GET').map((x) => `${x.method} ${x.path}`), [], 'the doctor makes no write call');
  return calls.length;
}

function missing(r: AccessReport): string[] {
  return r.items.filter((i) => i.status === 'missing').map((i) => i.id);
}

async function patchPermission(c: Client, projectId: string, envId: string, flags: Record<string, boolean>): Promise<void> {
  const r = await c.v4('PATCH', `/apps/${projectId}/environments/${envId}/permissions`, { permissions: [{ member: { userId: DEMO.username }, ...flags }] });
  assert.equal(r.status, 200, r.text);
}

describe('doctor (read-only access check) against the emulator', () => {
  const { client } = useEmulator();

  it('full rights: every item green, across every node and environment, with GETs only', async () => {
    const c = client();
    const r = await doctor(c);
    assert.deepEqual(
      r.items.filter((i) => i.status !== 'ok').map((i) => `${i.id}: ${i.detail}`),
      [],
    );
    assert.ok(r.ok);
    for (const id of ['api-key', 'pat', 'pat-write', 'mendix-admin', 'tc:orderportal', 'tc:orderportal-us', 'api-rights:orderportal/Production', 'transport-rights:orderportal-us/Acceptance', 'backups:legacyhr/Production']) {
      assert.ok(r.items.some((i) => i.id === id), id);
    }
    await assertReadOnly(c);
  });

  const cases: { name: string; expect: string; setup?: (c: Client) => Promise<void>; creds?: Creds; grant: RegExp }[] = [
    { name: 'a wrong API key', expect: 'api-key', creds: { ...FULL, apiKey: 'wrong-key' }, grant: /API Keys/ },
    { name: 'a wrong Personal Access Token', expect: 'pat', creds: { ...FULL, pat: 'wrong-pat' }, grant: /Personal Access Tokens/ },
    { name: 'a read-only token', expect: 'pat-write', creds: { ...FULL, pat: DEMO.patRead }, grant: /mx:deployment:write/ },
    {
      name: 'no Mendix Admin role',
      expect: 'mendix-admin',
      setup: async (c) => {
        assert.equal((await c.control('POST', '/user', { userId: DEMO.username, isMendixAdmin: false })).status, 200);
      },
      grant: /Control Center → Mendix Admins/,
    },
    {
      name: 'no API Rights on the source Production',
      expect: 'api-rights:orderportal/Production',
      setup: (c) => patchPermission(c, P.orderPortal.id, E.orderPortalProduction.id, { canAccessAPI: false }),
      grant: /Environments → Permissions tab → Production: tick "API Rights"/,
    },
    {
      name: 'no Transport Rights on the target Production',
      expect: 'transport-rights:orderportal-us/Production',
      setup: (c) => patchPermission(c, P.orderPortalTempA.id, E.orderPortalUsProduction.id, { canDeployApp: false }),
      grant: /tick "Transport Rights"/,
    },
    {
      name: 'no Access to Backups on the source Acceptance',
      expect: 'backups:orderportal/Acceptance',
      setup: (c) => patchPermission(c, P.orderPortal.id, E.orderPortalAcceptance.id, { canManageBackups: false }),
      grant: /tick "Access to Backups"/,
    },
    {
      name: 'someone else as Technical Contact of the source node',
      expect: 'tc:orderportal',
      setup: async (c) => {
        assert.equal((await c.v4('PATCH', `/apps/${P.orderPortal.id}`, { technicalContact: { userId: DEMO.viewer.username } })).status, 200);
      },
      grant: /viewer@example\.com.*makes you Technical Contact/,
    },
  ];

  for (const t of cases) {
    it(`${t.name}: exactly "${t.expect}" fails, with where to grant it, and nothing is written`, async () => {
      const c = client();
      await t.setup?.(c);
      const r = await doctor(c, t.creds ?? FULL);
      assert.deepEqual(missing(r), [t.expect]);
      assert.equal(r.ok, false);
      const item = r.items.find((i) => i.id === t.expect);
      assert.match(item?.grant ?? '', t.grant);
      await assertReadOnly(c);
    });
  }

  it('the CLI prints the report, exits 0 with full rights and 1 when a right is missing, and writes nothing', async function () {
    this.timeout(60_000);
    const dir = mkdtempSync(join(tmpdir(), 'mm-doctor-'));
    try {
      const cli = await bundleCli(process.cwd(), dir);
      const c = client();
      await c.control('DELETE', '/calls');
      const ok = await runCli(cli, ['doctor', '--app', 'orderportal', '--app', P.orderPortalTempA.id], cliEnv(c.base));
      assert.equal(ok.code, 0, ok.stdout + ok.stderr);
      assert.match(ok.stdout, /All \d+ checks passed/);
      assert.match(ok.stdout, /✓ Technical Contact of Order Portal/);
      assert.ok(!ok.stdout.includes(DEMO.apiKey) && !ok.stdout.includes(DEMO.pat));
      await patchPermission(c, P.orderPortal.id, E.orderPortalProduction.id, { canDeployApp: false });
      await c.control('DELETE', '/calls');
      const bad = await runCli(cli, ['doctor', '--json', '--app', 'orderportal'], cliEnv(c.base));
      assert.equal(bad.code, 1, bad.stderr);
      const report = JSON.parse(bad.stdout) as AccessReport;
      assert.deepEqual(missing(report), ['transport-rights:orderportal/Production']);
      await assertReadOnly(c);
      // --journal checks the migration's two nodes.
      const input = demoInput('orderPortal', join(dir, 'downloads'));
      const store = await createJournal(journalPathsFor(dir, input.name).journal, input);
      const fromJournal = await runCli(cli, ['doctor', '--json', '--journal', store.paths.journal], cliEnv(c.base));
      const scopes = new Set((JSON.parse(fromJournal.stdout) as AccessReport).items.map((i) => i.scope));
      assert.deepEqual([...scopes].filter((x) => !x.includes(' / ')).sort(), ['account', 'orderportal', 'orderportal-us']);
      const unknownApp = await runCli(cli, ['doctor', '--app', 'no-such-app'], cliEnv(c.base));
      assert.equal(unknownApp.code, 1);
      assert.match(unknownApp.stdout, /no-such-app is not among the apps/);
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe('doctor on a team of 55 (permissions paged 20 at a time)', () => {
  const { client } = useEmulator({ seed: 'team' });

  it('finds the user by userId and is all green', async () => {
    const c = client();
    const r = await doctor(c);
    assert.deepEqual(missing(r), []);
    assert.ok(r.ok, JSON.stringify(r.items.filter((i) => i.status !== 'ok')));
    const calls = (await c.control<(Call & { query: Record<string, string> })[]>('GET', '/calls')).json;
    assert.ok(calls.filter((x) => x.path.endsWith('/permissions')).every((x) => x.query.userId === DEMO.username));
    await assertReadOnly(c);
  });
});
