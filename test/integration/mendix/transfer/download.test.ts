import { strict as assert } from 'node:assert';
import { createHash, randomBytes } from 'node:crypto';
import { existsSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { ManualClock } from '../../../support/manualClock';
import { downloadToFile } from '../../../../src/core/mendix/transfer/download';
import { readManifest, verifyAgainstManifest } from '../../../../src/core/mendix/transfer/manifest';
import type { TransferProgress } from '../../../../src/core/mendix/transfer/progress';
import { ChecksumMismatchError, DownloadError, DownloadUrlExpiredError } from '../../../../src/core/mendix/transfer/transferErrors';
import { createLogger } from '../../../../src/core/shared/logger';
import { MemoryLogSink } from '../../../support/memoryLogSink';
import { startFileServer, type FileServer } from './fileServer';

describe('downloadToFile', () => {
  let server: FileServer;
  let dir: string;
  let dest: string;
  let logs: MemoryLogSink;
  const base = () => ({ url: server.url, dest, clock: new ManualClock(0), random: () => 0.5, logger: createLogger(logs.sink) });

  beforeEach(async () => {
    server = await startFileServer();
    dir = mkdtempSync(join(tmpdir(), 'mx-dl-'));
    dest = join(dir, 'backup.tar.gz');
    logs = new MemoryLogSink();
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('downloads, hashes the finished file and writes a manifest', async () => {
    const events: TransferProgress[] = [];
    const r = await downloadToFile({ ...base(), onProgress: (p) => events.push(p), details: { archiveId: 'a-1' } });
    assert.equal(r.sha256, server.sha256);
    assert.equal(r.size, server.content.length);
    assert.ok(readFileSync(dest).equals(server.content));
    assert.deepEqual(readdirSync(dir).sort(), ['backup.tar.gz', 'backup.tar.gz.manifest.json']);
    const m = await readManifest(dest);
    assert.equal(m?.sha256, server.sha256);
    assert.equal(m?.size, server.content.length);
    assert.equal(m?.details?.archiveId, 'a-1');
    assert.equal(events.at(-1)?.bytes, server.content.length);
    assert.equal(events.at(-1)?.total, server.content.length);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].bytes >= events[i - 1].bytes);
    // No credentials travel to a download URL, and its signature never reaches the log.
    assert.equal(server.log[0].headers['mendix-apikey'], undefined);
    assert.equal(server.log[0].headers.authorization, undefined);
    for (const l of logs.lines) assert.doesNotMatch(l.message, /sig-secret-777/);
    assert.ok((await verifyAgainstManifest(dest)).ok);
  });

  it('resumes with Range and If-Range after the connection drops half-way', async () => {
    const half = Math.floor(server.content.length / 2);
    server.dropAfter.push(half);
    const r = await downloadToFile(base());
    assert.equal(r.sha256, server.sha256);
    assert.equal(server.log.length, 2);
    const resumedAt = Number(/bytes=(\d+)-/.exec(server.log[1].range ?? '')?.[1]);
    assert.ok(resumedAt > 0 && resumedAt <= half, String(resumedAt));
    assert.equal(server.log[1].ifRange, server.etag);
    assert.equal(server.log[1].status, 206);
    // Only the missing part was fetched again.
    assert.equal(r.bytesFetched, server.content.length);
  });

  it('resumes a .part left by an earlier process from its resume record', async () => {
    server.dropAfter.push(1024 * 1024);
    await assert.rejects(downloadToFile({ ...base(), maxAttempts: 1 }), DownloadError);
    assert.ok(existsSync(`${dest}.part`));
    const state = JSON.parse(readFileSync(`${dest}.part.json`, 'utf8')) as { etag: string; total: number };
    assert.equal(state.etag, server.etag);
    assert.equal(state.total, server.content.length);
    assert.doesNotMatch(readFileSync(`${dest}.part.json`, 'utf8'), /sig-secret-777|http/);

    const r = await downloadToFile(base());
    assert.ok(r.resumedFrom > 0);
    assert.equal(r.bytesFetched, server.content.length - r.resumedFrom);
    assert.equal(r.sha256, server.sha256);
    assert.equal(server.log.at(-1)?.range, `bytes=${r.resumedFrom}-${server.content.length - 1}`);
  });

  it('empties a .part that has no resume record before starting afresh', async () => {
    // Longer than the file: a start that kept these bytes would leave a tail of them behind.
    writeFileSync(`${dest}.part`, randomBytes(server.content.length + 4096));
    const r = await downloadToFile(base());
    assert.equal(r.resumedFrom, 0);
    assert.equal(r.size, server.content.length);
    assert.equal(r.sha256, server.sha256);
    assert.equal(readFileSync(dest).length, server.content.length);
  });

  it('starts over when the file changed (If-Range no longer matches)', async () => {
    server.dropAfter.push(1024 * 1024);
    await assert.rejects(downloadToFile({ ...base(), maxAttempts: 1 }), DownloadError);
    server.replaceContent(randomBytes(2 * 1024 * 1024));
    const r = await downloadToFile(base());
    // The stale validator got the whole new file (200); the download then started over from byte 0.
    assert.equal(server.log.at(-2)?.status, 200);
    assert.match(server.log.at(-1)?.range ?? '', /^bytes=0-/);
    assert.equal(server.log.at(-1)?.ifRange, undefined);
    assert.equal(r.sha256, server.sha256);
    assert.equal(r.size, 2 * 1024 * 1024);
  });

  it('drops a connection that goes silent and resumes', async () => {
    server.stallAfter.push(1024 * 1024);
    const r = await downloadToFile({ ...base(), idleTimeoutMs: 150 });
    assert.equal(r.sha256, server.sha256);
    assert.equal(r.transfers.length, 2);
    assert.equal(r.transfers[1].status, 206);
    assert.equal(r.transfers[1].start, r.transfers[0].bytes);
  });

  it('reports an expired URL as such', async () => {
    server.statuses.push({ status: 403, body: '<?xml version="1.0"?><Error><Code>AccessDenied</Code><Message>Request has expired</Message></Error>' });
    await assert.rejects(
      downloadToFile(base()),
      (e: unknown) => e instanceof DownloadUrlExpiredError && /Request has expired/.test(e.message) && !/sig-secret/.test(e.message),
    );
  });

  it('retries a 503 from the download host', async () => {
    server.statuses.push({ status: 503 }, { status: 503, headers: { 'Retry-After': '2' } });
    const clock = new ManualClock(0);
    const r = await downloadToFile({ ...base(), clock });
    assert.equal(r.sha256, server.sha256);
    assert.deepEqual(clock.sleeps, [250, 2000]);
  });

  it('refuses a file whose SHA-256 differs from the expected one and discards it', async () => {
    const wrong = createHash('sha256').update('other').digest('hex');
    await assert.rejects(downloadToFile({ ...base(), expectedSha256: wrong }), ChecksumMismatchError);
    assert.deepEqual(readdirSync(dir), []);
  });

  it('stops on abort and keeps the part for a later resume', async () => {
    const ctl = new AbortController();
    server.dropAfter.push(512 * 1024);
    const clock = new ManualClock(0, false);
    const p = downloadToFile({ ...base(), clock, signal: ctl.signal });
    // The drop makes it wait on the (manual) clock; abort while it waits.
    while (clock.sleeps.length === 0) await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    assert.ok(existsSync(`${dest}.part`));
    assert.ok(existsSync(`${dest}.part.json`));
  });
});
