import { strict as assert } from 'node:assert';
import { ManualClock } from '../../../support/manualClock';
import { existsSync, mkdirSync, mkdtempSync, readFileSync, readdirSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomBytes } from 'node:crypto';
import { create } from 'tar';

import { downloadToFile } from '../../../../src/core/mendix/transfer/download';
import { RangePlan } from '../../../../src/core/mendix/transfer/rangePlan';
import type { TransferProgress } from '../../../../src/core/mendix/transfer/progress';
import { BackupArchiveError } from '../../../../src/core/mendix/transfer/transferErrors';
import { startFileServer, type FileServer } from './fileServer';

const KIB = 1024;

describe('downloadToFile over parallel ranges', () => {
  let server: FileServer;
  let dir: string;
  let dest: string;
  // 3 MiB + 17 bytes in pieces of 256 KiB (the first 512 KiB): the size is not a multiple of the piece size.
  const base = (connections = 8) => ({ url: server.url, dest, connections, minRangeBytes: 256 * KIB, clock: new ManualClock(0), random: () => 0.5 });
  const ranged = () => server.log.filter((l) => l.status === 206);

  beforeEach(async () => {
    server = await startFileServer();
    dir = mkdtempSync(join(tmpdir(), 'mx-pdl-'));
    dest = join(dir, 'backup.tar.gz');
  });
  afterEach(async () => {
    await server.close();
    rmSync(dir, { recursive: true, force: true });
  });

  it('reassembles 8 ranges into the served file, with progress summed over the ranges', async () => {
    const events: TransferProgress[] = [];
    const r = await downloadToFile({ ...base(8), onProgress: (p) => events.push(p) });
    assert.equal(r.sha256, server.sha256);
    assert.ok(readFileSync(dest).equals(server.content));
    assert.equal(r.connections, 8);
    // Pieces in file order: a first 512 KiB piece that also told the size, then 256 KiB pieces.
    const starts = server.log.map((l) => l.start).sort((a, b) => a - b);
    assert.ok(starts.length >= 8, String(starts.length));
    assert.equal(new Set(starts).size, starts.length, 'every piece requested once');
    assert.equal(starts[0], 0);
    assert.equal(server.log[0].range, `bytes=0-${512 * KIB - 1}`);
    assert.equal(starts[1], 512 * KIB);
    assert.ok(server.log.every((l) => l.status === 206));
    assert.equal(r.bytesFetched, server.content.length);
    assert.equal(events.at(-1)?.bytes, server.content.length);
    for (let i = 1; i < events.length; i++) assert.ok(events[i].bytes >= events[i - 1].bytes);
    assert.deepEqual(readdirSync(dir).sort(), ['backup.tar.gz', 'backup.tar.gz.manifest.json']);
  });

  it('with 1 connection fetches the file as a single stream', async () => {
    const r = await downloadToFile(base(1));
    assert.equal(r.sha256, server.sha256);
    assert.equal(server.log.length, 1);
    assert.equal(server.log[0].range, 'bytes=0-');
    assert.equal(r.connections, 1);
  });

  it('a reset in one range resumes that range only, from where it stopped', async () => {
    const size = server.content.length;
    // The piece [1 MiB, 1.25 MiB) drops after 100 KiB.
    const start = 1024 * KIB;
    server.dropRange.push({ start, after: 100 * KIB });
    const r = await downloadToFile(base(8));
    assert.equal(r.sha256, server.sha256);
    const again = server.log.filter((l) => l.start >= start && l.start < start + 256 * KIB);
    assert.equal(again.length, 2);
    assert.equal(again[1].range, `bytes=${start + 100 * KIB}-${start + 256 * KIB - 1}`);
    assert.equal(again[1].ifRange, server.etag);
    // Every other piece was requested once, and nothing was fetched twice.
    const others = server.log.filter((l) => !again.includes(l)).map((l) => l.start);
    assert.equal(new Set(others).size, others.length);
    assert.equal(r.bytesFetched, size);
    assert.deepEqual(
      r.transfers.filter((t) => t.resumed).map((t) => t.start),
      [start + 100 * KIB],
    );
  });

  it('falls back to one stream when the server does not honour Range', async () => {
    server.ranges = false;
    const r = await downloadToFile(base(8));
    assert.equal(r.sha256, server.sha256);
    assert.equal(server.log.length, 1);
    assert.equal(server.log[0].status, 200);
    assert.equal(ranged().length, 0);
  });

  it('without Range support a dropped stream starts again from byte 0', async () => {
    server.ranges = false;
    server.dropAfter.push(512 * KIB);
    const r = await downloadToFile(base(8));
    assert.equal(r.sha256, server.sha256);
    assert.equal(server.log.length, 2);
    assert.equal(server.log[1].status, 200);
  });

  it('cancellation stops every connection and keeps the ranges for a resume', async () => {
    server.stallAll = true;
    const ctl = new AbortController();
    const p = downloadToFile({ ...base(8), signal: ctl.signal });
    while (server.log.length < 8) await new Promise((r) => setTimeout(r, 5));
    ctl.abort();
    await assert.rejects(p, (e: unknown) => e instanceof Error && e.name === 'AbortError');
    const record = JSON.parse(readFileSync(`${dest}.part.json`, 'utf8')) as { total: number; ranges: { start: number; end: number; pos: number }[] };
    assert.ok(RangePlan.valid(record.ranges, record.total));
    assert.ok(record.ranges.length >= 8, String(record.ranges.length));
    assert.doesNotMatch(readFileSync(`${dest}.part.json`, 'utf8'), /sig-secret-777|http/);
    // Every connection was closed: the server sees no request still open.
    await new Promise((r) => setTimeout(r, 50));
    assert.equal(await server.openConnections(), 0);
    server.stallAll = false;
    const r = await downloadToFile(base(8));
    assert.equal(r.sha256, server.sha256);
  });

  describe('the fused verification', () => {
    const backup = async (): Promise<Buffer> => {
      const src = join(dir, 'src');
      mkdirSync(join(src, 'db'), { recursive: true });
      mkdirSync(join(src, 'tree', 'ab'), { recursive: true });
      writeFileSync(join(src, '.metadata'), JSON.stringify({ modelVersion: '1.0.0.1' }));
      writeFileSync(join(src, 'db', 'db.backup'), Buffer.concat([Buffer.from('PGDMP'), randomBytes(1024 * KIB)]));
      writeFileSync(join(src, 'tree', 'ab', 'f1'), randomBytes(1500 * KIB));
      const file = join(dir, 'made.tar.gz');
      await create({ gzip: true, cwd: src, file, portable: true }, ['.metadata', 'db', 'tree']);
      const bytes = readFileSync(file);
      rmSync(src, { recursive: true });
      rmSync(file);
      return bytes;
    };

    it('hashes and checks the archive in the same read', async () => {
      server.replaceContent(await backup());
      const r = await downloadToFile({ ...base(8), verifyArchive: true });
      assert.equal(r.sha256, server.sha256);
      assert.equal(r.archive?.kind, 'full');
      assert.equal(r.archive?.fileBytes, server.content.length);
      assert.equal(r.archive?.metadata?.modelVersion, '1.0.0.1');
    });

    it('catches one corrupted byte, and discards the file', async () => {
      const good = await backup();
      const bad = Buffer.from(good);
      bad[Math.floor(bad.length / 2)] ^= 0x01;
      server.replaceContent(bad);
      await assert.rejects(downloadToFile({ ...base(8), verifyArchive: true }), (e: unknown) => e instanceof BackupArchiveError && /damaged|cannot be read/.test(e.message));
      assert.ok(!existsSync(dest));
      assert.ok(!existsSync(`${dest}.part`));
      assert.ok(!existsSync(`${dest}.part.json`));
    });
  });
});
