import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { appendFileSync, mkdtempSync, rmSync, truncateSync, writeFileSync } from 'node:fs';
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import type { Readable } from 'node:stream';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../support/manualClock';
import { MendixOutcomeUnknownError } from '../../../../src/core/mendix/api/errors';
import { MendixClient } from '../../../../src/core/mendix/api/mendixClient';
import { MAX_PACKAGE_UPLOAD_BYTES, preparePackageUpload, quoteMultipartName, uploadPackageFile } from '../../../../src/core/mendix/transfer/packageUpload';
import type { TransferProgress } from '../../../../src/core/mendix/transfer/progress';
import { UploadTooLargeError } from '../../../../src/core/mendix/transfer/transferErrors';
import { json, startFakeServer, type FakeServer } from './fakeServer';

describe('v2.uploadPackage with a package from disk', () => {
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
    const r = await uploadPackageFile(client.v2, 'calc', file, { onProgress: (p) => events.push(p) });
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
    await uploadPackageFile(client.v2, 'calc', file, { name: 'Main "final".mda' });
    const text = server.requests[0].body.toString('latin1');
    assert.match(text, /filename="Main %22final%22\.mda"\r\nContent-Type: application\/octet-stream\r\n\r\nPK\r\n--/);
  });

  it('a server that stalls still gets the exact bytes', async () => {
    const file = join(dir, 'big.mda');
    // More than loopback's socket buffers hold, so writes queue up behind the stalled reader.
    const content = randomBytes(24 * 1024 * 1024 + 12345);
    writeFileSync(file, content);
    // A server that stops reading for a while, twice, so the client's writes back up.
    const received: Buffer[] = [];
    const slow = http.createServer((req, res) => {
      let stalls = 0;
      req.on('data', (c: Buffer) => {
        received.push(c);
        if (received.length % 50 !== 1 || stalls++ >= 2) return;
        req.pause();
        setTimeout(() => req.resume(), 150);
      });
      req.on('end', () => json(res, 200, { PackageId: 'pk', JobId: 'jb' }));
    });
    await new Promise<void>((r) => slow.listen(0, '127.0.0.1', r));
    const slowClient = new MendixClient({ credentials: { username: 'u@x', apiKey: 'k-1234' }, config: { deployBaseUrl: `http://127.0.0.1:${(slow.address() as AddressInfo).port}` } });
    try {
      const events: TransferProgress[] = [];
      await uploadPackageFile(slowClient.v2, 'calc', file, { onProgress: (p) => events.push(p) });
      const body = Buffer.concat(received);
      const start = body.indexOf('\r\n\r\n') + 4;
      assert.equal(createHash('sha256').update(body.subarray(start, start + content.length)).digest('hex'), createHash('sha256').update(content).digest('hex'));
      assert.match(body.subarray(start + content.length).toString('latin1'), /^\r\n--.*--\r\n$/);
      assert.equal(events.at(-1)?.bytes, content.length);
    } finally {
      slowClient.dispose();
      slow.closeAllConnections();
      await new Promise<void>((r) => slow.close(() => r()));
    }
  });

  it('is a plain byte stream: head, the file, tail', async () => {
    const file = join(dir, 'plain.mda');
    const content = randomBytes(2 * 1024 * 1024 + 7);
    writeFileSync(file, content);
    const events: TransferProgress[] = [];
    const up = await preparePackageUpload(file, { fileName: 'plain.mda', onProgress: (p) => events.push(p) });
    const { data, headers } = await up.bodyFactory();
    const parts: Buffer[] = [];
    for await (const c of data as Readable) parts.push(c as Buffer);
    const body = Buffer.concat(parts);
    const start = body.indexOf('\r\n\r\n') + 4;
    assert.ok(body.subarray(start, start + content.length).equals(content));
    assert.match(body.subarray(0, start).toString('latin1'), /filename="plain\.mda"/);
    assert.match(body.subarray(start + content.length).toString('latin1'), /^\r\n--.*--\r\n$/);
    assert.equal(body.length, Number(headers?.['Content-Length']));
    assert.equal(events.at(-1)?.bytes, content.length);
  });

  it('refuses to send a package that changed after its size was taken', async () => {
    const file = join(dir, 'moving.mda');
    writeFileSync(file, randomBytes(300_000));
    const grown = await preparePackageUpload(file, { fileName: 'moving.mda' });
    appendFileSync(file, 'more');
    const readAll = async (r: Readable) => {
      for await (const _ of r) void _;
    };
    await assert.rejects(readAll((await grown.bodyFactory()).data as Readable), /moving\.mda changed while it was being uploaded \(300000 → 300004 bytes\)/);
    truncateSync(file, 1000);
    await assert.rejects(readAll((await grown.bodyFactory()).data as Readable), /moving\.mda changed while it was being uploaded \(300000 → 1000 bytes\)/);
    // Piped into a request, the same check stops the request instead of completing a cut-off package.
    const direct = await preparePackageUpload(file, { fileName: 'moving.mda' });
    appendFileSync(file, 'x');
    const { data, headers } = await direct.bodyFactory();
    const req = http.request(`${server.baseUrl}/upload`, { method: 'POST', headers });
    const failed = new Promise<unknown>((resolve) => req.on('error', resolve));
    const body = data as Readable;
    body.on('error', (e) => req.destroy(e));
    body.pipe(req);
    assert.match(String(await failed), /moving\.mda changed while it was being uploaded \(1000 → 1001 bytes\)/);
    assert.equal(server.requests.length, 0, 'the server never saw a complete request');
  });

  it('refuses a package that grows while it is being read, after the last byte and before the tail', async () => {
    const file = join(dir, 'growing.mda');
    writeFileSync(file, randomBytes(3 * 1024 * 1024));
    const up = await preparePackageUpload(file, { fileName: 'growing.mda' });
    const body = (await up.bodyFactory()).data as Readable;
    const seen: Buffer[] = [];
    const read = (async () => {
      for await (const c of body) {
        seen.push(c as Buffer);
        if (seen.length === 2) appendFileSync(file, 'late');
      }
    })();
    await assert.rejects(read, /growing\.mda changed while it was being uploaded \(3145728 → 3145732 bytes\)/);
    assert.doesNotMatch(Buffer.concat(seen).toString('latin1'), /--\r\n$/, 'the closing boundary was never sent');
  });

  it('refuses a package over 1 GB before sending anything', async () => {
    const file = join(dir, 'big.mda');
    writeFileSync(file, '');
    truncateSync(file, MAX_PACKAGE_UPLOAD_BYTES + 1); // sparse: costs no disk
    await assert.rejects(uploadPackageFile(client.v2, 'calc', file), (e: unknown) => e instanceof UploadTooLargeError && e.size === 1_000_000_001);
    assert.equal(server.requests.length, 0);
  });

  it('does not upload twice when the connection drops', async () => {
    const file = join(dir, 'a.mda');
    writeFileSync(file, randomBytes(1000));
    server.setHandler((_q, res) => res.socket?.destroy());
    await assert.rejects(uploadPackageFile(client.v2, 'calc', file), MendixOutcomeUnknownError);
    assert.equal(server.requests.length, 1);
  });
});
