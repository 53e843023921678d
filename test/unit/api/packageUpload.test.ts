import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../src/core/api/clock';
import { MendixOutcomeUnknownError } from '../../../src/core/api/errors';
import { MendixClient } from '../../../src/core/api/mendixClient';
import { MAX_PACKAGE_UPLOAD_BYTES, quoteMultipartName } from '../../../src/core/transfer/packageUpload';
import type { TransferProgress } from '../../../src/core/transfer/progress';
import { UploadTooLargeError } from '../../../src/core/transfer/transferErrors';
import { json, startFakeServer, type FakeServer } from './fakeServer';

describe('v2.uploadPackage', () => {
  let server: FakeServer;
  let client: MendixClient;
  let dir: string;

  beforeEach(async () => {
    server = await startFakeServer();
    dir = mkdtempSync(join(tmpdir(), 'mx-up-'));
    client = new MendixClient({
      credentials: { username: 'u@x', apiKey: 'k-1234' },
      config: { deployBaseUrl: server.baseUrl },
      clock: new ManualClock(0),
      random: () => 0.5,
    });
  });
  afterEach(async () => {
    client.dispose();
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('streams the file as multipart field "file" with a Content-Length and reports progress', async () => {
    const file = join(dir, 'Main-1.0.mda');
    const content = randomBytes(2 * 1024 * 1024 + 3);
    writeFileSync(file, content);
    server.setHandler((_q, res) => json(res, 200, { PackageId: 'pk', JobId: 'jb' }));
    const events: TransferProgress[] = [];
    const r = await client.v2.uploadPackage('calc', file, { onProgress: (p) => events.push(p) });
    assert.deepEqual(r, { PackageId: 'pk', JobId: 'jb' });
    const req = server.requests[0];
    assert.equal(req.url, '/api/v2/apps/calc/packages/upload?name=Main-1.0.mda');
    assert.equal(req.headers['mendix-apikey'], 'k-1234');
    assert.match(String(req.headers['content-type']), /^multipart\/form-data; boundary=/);
    assert.equal(Number(req.headers['content-length']), req.body.length);
    const text = req.body.toString('latin1');
    assert.match(text, /Content-Disposition: form-data; name="file"; filename="Main-1.0.mda"/);
    const start = req.body.indexOf('\r\n\r\n') + 4;
    assert.ok(req.body.subarray(start, start + content.length).equals(content));
    assert.equal(events.at(-1)?.bytes, content.length);
    assert.equal(events.at(-1)?.total, content.length);
  });

  it('escapes quotes and line breaks in the file name so the part header stays intact', async () => {
    assert.equal(quoteMultipartName('a"b\r\nc.mda'), 'a%22b%0D%0Ac.mda');
    const file = join(dir, 'x.mda');
    writeFileSync(file, 'PK');
    server.setHandler((_q, res) => json(res, 200, { PackageId: 'pk', JobId: 'jb' }));
    await client.v2.uploadPackage('calc', file, { name: 'Main "final".mda' });
    const text = server.requests[0].body.toString('latin1');
    assert.match(text, /filename="Main %22final%22\.mda"\r\nContent-Type: application\/octet-stream\r\n\r\nPK\r\n--/);
  });

  it('refuses a package over 1 GB before sending anything', async () => {
    const file = join(dir, 'big.mda');
    writeFileSync(file, '');
    truncateSync(file, MAX_PACKAGE_UPLOAD_BYTES + 1); // sparse: costs no disk
    await assert.rejects(client.v2.uploadPackage('calc', file), (e: unknown) => e instanceof UploadTooLargeError && e.size === 1_000_000_001);
    assert.equal(server.requests.length, 0);
  });

  it('does not upload twice when the connection drops', async () => {
    const file = join(dir, 'a.mda');
    writeFileSync(file, randomBytes(1000));
    server.setHandler((_q, res) => res.socket?.destroy());
    await assert.rejects(client.v2.uploadPackage('calc', file), MendixOutcomeUnknownError);
    assert.equal(server.requests.length, 1);
  });
});
