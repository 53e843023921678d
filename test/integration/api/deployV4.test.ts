/** Deploy API v4 and the Certificate API against the emulator (PAT auth, pagination, permissions). */
import { strict as assert } from 'node:assert';
import { MendixApiError } from '../../../src/core/mendix/api/errors';
import type { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { DEMO, startHarness, type Harness } from './harness';

describe('integration: Deploy v4 and Certificate API against the emulator', function () {
  this.timeout(30_000);
  let h: Harness;
  let c: MendixClient;
  const OP = DEMO.projects.orderPortal.id;
  const PROD = DEMO.environments.orderPortalProduction.id;

  before(async () => {
    h = await startHarness();
    c = h.client();
  });
  after(() => h.close());

  it('pages through every app with the async iterator', async () => {
    const viaIterator: string[] = [];
    for await (const a of c.v4.iterateApps({ pageSize: 2 })) viaIterator.push(a.id);
    const oneShot = await c.v4.listApps({ limit: 100 });
    assert.deepEqual(viaIterator, oneShot.apps.map((a) => a.id));
    assert.ok(viaIterator.includes(OP));
    assert.ok(viaIterator.length > 2, 'more than one page was needed');
    const licensed = await c.v4.listApps({ licenseType: 'licensed', limit: 100 });
    assert.ok(licensed.apps.every((a) => a.licenseType === 'licensed'));
  });

  it('reads an app with its technical contact and region', async () => {
    const app = await c.v4.getApp(OP);
    assert.equal(app.name, 'Order Portal');
    assert.equal(app.technicalContact?.userId, DEMO.username);
    assert.ok(app.region);
    await assert.rejects(c.v4.getApp('00000000-0000-4000-8000-000000000000'), (e: unknown) => e instanceof MendixApiError && e.status === 404 && /Application not found/.test(e.message));
  });

  it('lists environments with their packages and reads one', async () => {
    const all = await c.v4.listAllEnvironments(OP, { expandPackage: true });
    const prod = all.find((e) => e.id === PROD);
    assert.equal(prod?.state, 'running');
    assert.equal(prod?.isProduction, true);
    assert.ok(prod?.package?.runtimeVersion?.startsWith('10.24'));
    const one = await c.v4.getEnvironment(OP, PROD, { expandPackage: true });
    assert.equal(one.package?.id, prod?.package?.id);
    const sorted = await c.v4.listEnvironments(OP, { sort: '-name' });
    assert.deepEqual(
      sorted.environments.map((e) => e.name),
      [...sorted.environments.map((e) => e.name)].sort().reverse(),
    );
  });

  it('reads and changes node permissions', async () => {
    const ACC = DEMO.environments.orderPortalAcceptance.id;
    const before = await c.v4.getPermissions(OP, ACC);
    assert.equal(before.technicalContact, DEMO.username);
    const viewer = DEMO.viewer.username;
    const was = before.permissions.find((p) => p.member.userId === viewer)?.canViewLogs;
    const after = await c.v4.patchPermissions(OP, ACC, [{ member: { userId: viewer }, canViewLogs: !was }]);
    assert.equal(after.find((p) => p.member.userId === viewer)?.canViewLogs, !was);
    const filtered = await c.v4.getPermissions(OP, ACC, { userId: viewer });
    assert.equal(filtered.permissions[0]?.canViewLogs, !was);
    // No entry for the viewer on Production: a 404 with a hint.
    const e = await c.v4.patchPermissions(OP, PROD, [{ member: { userId: viewer }, canViewLogs: true }]).catch((x: unknown) => x);
    assert.ok(e instanceof MendixApiError && e.status === 404);
    assert.match(e.hint ?? '', /no permissions on this environment/);
  });

  it('a read-only PAT is refused on writes with the scope hint', async () => {
    const ro = h.client({ pat: DEMO.patRead });
    assert.equal((await ro.v4.getApp(OP)).id, OP);
    const e = await ro.v4.patchPermissions(OP, PROD, [{ member: { userId: DEMO.viewer.username }, canViewLogs: false }]).catch((x: unknown) => x);
    assert.ok(e instanceof MendixApiError);
    assert.equal(e.status, 403);
    assert.match(e.hint ?? '', /mx:deployment:write/);
  });

  it('sets the technical contact (same contact again is harmless)', async () => {
    await c.v4.setTechnicalContact(OP, DEMO.username);
    assert.equal((await c.v4.getApp(OP)).technicalContact?.userId, DEMO.username);
  });

  it('lists central certificates', async () => {
    const page = await c.certificates.listCertificates({ page: 1, limit: 10 });
    assert.equal(page.page, 1);
    assert.ok(page.totalCount >= page.certificates.length);
    for (const cert of page.certificates) assert.ok(['UPCOMING', 'VALID', 'EXPIRES SOON', 'EXPIRED'].includes(cert.status));
  });

  it('checkCredentials reports each family', async () => {
    const checks = await c.checkCredentials();
    assert.deepEqual(
      checks.map((x) => [x.family, x.ok]),
      [
        ['apiKey', true],
        ['v4', true],
      ],
    );
    const bad = await h.client({ username: DEMO.username, apiKey: 'revoked-key-000', pat: 'revoked-pat-000' }).checkCredentials();
    assert.deepEqual(
      bad.map((x) => [x.family, x.ok, x.status]),
      [
        ['apiKey', false, 401],
        ['v4', false, 401],
      ],
    );
  });
});
