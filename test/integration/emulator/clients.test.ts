/**
 * Requests as third-party clients send them (curl scripts, PowerShell, Postman, generated clients):
 * whatever they reasonably send gets a contract answer in the family's error shape, never a 500.
 */
import { strict as assert } from 'node:assert';
import { E, P, errorCode, packageForm, useEmulator } from './helpers';

const backupsBase = `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}`;

describe('emulator: requests as third-party clients send them', function () {
  this.timeout(20_000);
  const { client } = useEmulator();

  describe('a single-valued query parameter given twice', () => {
    it('v4 environments ?sort twice: 400 in the v4 shape naming the parameter', async () => {
      const r = await client().v4('GET', `/apps/${P.orderPortal.id}/environments?sort=name&sort=-name`);
      assert.equal(r.status, 400, r.text);
      const err = (r.json as { error: { code: number; 'invalid-params': { name: string }[] } }).error;
      assert.equal(err.code, 400);
      assert.deepEqual(
        err['invalid-params'].map((p) => p.name),
        ['sort'],
      );
    });

    it('v4 permissions ?userId twice: 400, not 500', async () => {
      const r = await client().v4('GET', `/apps/${P.orderPortal.id}/environments/${E.orderPortalAcceptance.id}/permissions?userId=a@x.tld&userId=b@x.tld`);
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as { error: { code: number } }).error.code, 400);
    });

    it('Certificate API ?domain twice: 400 in the certificate shape', async () => {
      const r = await client().req('GET', '/v1/certificates?domain=a.example.com&domain=b.example.com', { auth: 'pat' });
      assert.equal(r.status, 400, r.text);
      const err = (r.json as { error: { code: number; message: string } }).error;
      assert.equal(err.code, 400);
      assert.match(err.message, /domain/);
    });

    it('v2 package upload ?name twice: 400 INVALID_PARAMETERS and no package is created', async () => {
      const before = await client().v1<unknown[]>('GET', '/apps/orderportal/packages');
      const r = await client().req('POST', '/api/v2/apps/orderportal/packages/upload?name=a.mda&name=b.mda', {
        auth: 'key',
        raw: packageForm(new Uint8Array([0x50, 0x4b, 3, 4, 1, 2, 3])),
      });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
      const after = await client().v1<unknown[]>('GET', '/apps/orderportal/packages');
      assert.equal(after.json.length, before.json.length);
    });

    it('Backups v2 ?source_snapshot_id twice: 400 INVALID_PARAMETERS (not a joined id)', async () => {
      const r = await client().v2('POST', `${backupsBase}/restores?source_snapshot_id=a&source_snapshot_id=b`);
      assert.equal(r.status, 400, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
    });
  });
  describe('JSON bodies as scripts send them', () => {
    const tags = '/api/1/apps/orderportal/environments/Acceptance/tags';

    it('a JSON body sent as text/plain (Postman raw "Text") is read like any other JSON body', async () => {
      const r = await client().req('POST', tags, { auth: 'key', raw: Buffer.from('{"Tag":"plain"}'), headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { Tag: 'plain' });
    });

    it('a UTF-8 byte-order mark before the JSON (a file saved by PowerShell 5) is ignored', async () => {
      const body = Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"Tag":"bom"}')]);
      const r = await client().req('POST', tags, { auth: 'key', raw: body, headers: { 'Content-Type': 'application/json' } });
      assert.equal(r.status, 200, r.text);
      assert.deepEqual(r.json, { Tag: 'bom' });
    });

    it('text/plain that is not JSON is still 400 INVALID_PARAMETERS, not a 500', async () => {
      const r = await client().req('POST', tags, { auth: 'key', raw: Buffer.from('Tag=x'), headers: { 'Content-Type': 'text/plain' } });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
    });
  });
  describe('v1 settings values as JSON scalars', () => {
    const settings = '/apps/orderportal/environments/Acceptance/settings';
    interface Settings {
      Constants: { Name: string; Value: string | null }[];
    }

    it('a constant value sent as a JSON number or boolean (PowerShell hashtables) is stored as its text, like custom settings', async () => {
      const r = await client().v1<Settings>('POST', settings, {
        Constants: [
          { Name: 'Email.SMTPPort', Value: 25 },
          { Name: 'OrderPortal.EnableAuditLog', Value: false },
        ],
      });
      assert.equal(r.status, 200, r.text);
      const read = await client().v1<Settings>('GET', settings);
      const value = (name: string) => read.json.Constants.find((c) => c.Name === name)?.Value;
      assert.equal(value('Email.SMTPPort'), '25');
      assert.equal(value('OrderPortal.EnableAuditLog'), 'false');
    });

    it('a constant value that is an object is still 400 INVALID_PARAMETERS and nothing changes', async () => {
      const before = await client().v1<Settings>('GET', settings);
      const r = await client().v1('POST', settings, { Constants: [{ Name: 'Email.SMTPPort', Value: { port: 25 } }] });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
      const after = await client().v1<Settings>('GET', settings);
      assert.deepEqual(after.json, before.json);
    });
  });
  describe('URLs the router itself rejects', () => {
    it('a bad percent-escape in a v1 path: 400 INVALID_PARAMETERS in the v1 shape', async () => {
      const r = await client().req('GET', '/api/1/apps/%zz', { auth: 'key' });
      assert.equal(r.status, 400, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
    });

    it('a bad percent-escape in a v4 path: 400 in the v4 shape', async () => {
      const r = await client().v4('GET', '/apps/%E0%A4%A');
      assert.equal(r.status, 400, r.text);
      assert.equal((r.json as { error: { code: number } }).error.code, 400);
    });

    it('an over-long path segment (a pasted log line as JobId): 414 in the v1 shape', async () => {
      const r = await client().v1('GET', `/apps/orderportal/environments/Acceptance/start/${'x'.repeat(600)}`);
      assert.equal(r.status, 414, r.text);
      assert.equal(errorCode(r), 'INVALID_PARAMETERS');
    });
  });
  describe('a JSON body over the request limit', () => {
    it('a v1 settings body over 10 MB: 413 in the v1 shape that does not speak of a package', async () => {
      const r = await client().v1('POST', '/apps/orderportal/environments/Acceptance/settings', {
        Constants: [{ Name: 'Email.SMTPHost', Value: 'x'.repeat(11 * 1024 * 1024) }],
      });
      assert.equal(r.status, 413, r.text.slice(0, 200));
      assert.equal(errorCode(r), 'REQUEST_TOO_LARGE');
      assert.doesNotMatch((r.json as { errorMessage: string }).errorMessage, /package/i);
    });
  });
});
