import { strict as assert } from 'node:assert';
import { randomBytes } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { create } from 'tar';
import { BackupArchiveError } from '../../../../src/core/mendix/transfer/transferErrors';
import { ArchiveInspector, verifyBackupArchive } from '../../../../src/core/mendix/transfer/verifyBackupArchive';

const META = { duration: '12', dumpSize: '40', modelVersion: '1.0.0.1', databaseSize: '100', filesSize: '30' };

describe('verifyBackupArchive', () => {
  let dir: string;
  let src: string;

  /** Lays out a backup tree under `src` and packs the given top-level names into a .tar.gz. */
  const pack = async (names: string[], name = 'backup.tar.gz') => {
    const file = join(dir, name);
    await create({ gzip: true, cwd: src, file, portable: true }, names);
    return file;
  };

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'mx-verify-'));
    src = join(dir, 'src');
    mkdirSync(join(src, 'db'), { recursive: true });
    mkdirSync(join(src, 'tree', 'ab', 'cd'), { recursive: true });
    writeFileSync(join(src, '.metadata'), JSON.stringify(META));
    writeFileSync(join(src, 'db', 'db.backup'), Buffer.concat([Buffer.from('PGDMP'), randomBytes(1000)]));
    writeFileSync(join(src, 'tree', 'ab', 'cd', 'abcd1234-0000-4000-8000-000000000001'), randomBytes(300));
    writeFileSync(join(src, 'tree', 'ab', 'cd', 'abcd1234-0000-4000-8000-000000000002'), randomBytes(200));
  });
  afterEach(() => rmSync(dir, { recursive: true, force: true }));

  it('accepts a full backup and reports its contents', async () => {
    const r = await verifyBackupArchive(await pack(['.metadata', 'db', 'tree']));
    assert.equal(r.kind, 'full');
    assert.equal(r.entries, 4);
    assert.equal(r.dbBytes, 1005);
    assert.equal(r.treeFiles, 2);
    assert.equal(r.treeBytes, 500);
    assert.equal(r.totalBytes, JSON.stringify(META).length + 1005 + 500);
    assert.deepEqual(r.metadata, META);
    assert.deepEqual(r.files.map((f) => f.path).sort(), ['.metadata', 'db/db.backup']);
  });

  it('takes each chunk in before write resolves: a caller that reuses one small buffer is checked right', async () => {
    writeFileSync(join(src, 'db', 'db.backup'), Buffer.concat([Buffer.from('PGDMP'), randomBytes(300_000)]));
    const whole = readFileSync(await pack(['.metadata', 'db', 'tree']));
    // One 4 KiB buffer, overwritten with the next bytes as soon as each write resolves (as the
    // download's read-back reuses its buffers): gunzip must not read a chunk after that.
    const inspector = new ArchiveInspector('reused.tar.gz');
    const buf = Buffer.alloc(4096);
    for (let at = 0; at < whole.length; at += buf.length) {
      const n = whole.copy(buf, 0, at, Math.min(at + buf.length, whole.length));
      await inspector.write(buf.subarray(0, n));
      buf.fill(0xee);
    }
    const r = await inspector.end();
    assert.equal(r.kind, 'full');
    assert.equal(r.dbBytes, 300_005);
  });

  it('accepts entries written with a ./ prefix', async () => {
    const r = await verifyBackupArchive(await pack(['./.metadata', './db', './tree']));
    assert.equal(r.treeFiles, 2);
  });

  it('accepts a database-only .backup', async () => {
    const f = join(dir, 'database-1.backup');
    writeFileSync(f, Buffer.concat([Buffer.from('PGDMP'), randomBytes(64)]));
    const r = await verifyBackupArchive(f);
    assert.equal(r.kind, 'databaseOnly');
    assert.equal(r.dbBytes, 69);
  });

  const rejects = async (file: string, pattern: RegExp) =>
    assert.rejects(verifyBackupArchive(file), (e: unknown) => e instanceof BackupArchiveError && pattern.test(e.message));

  it('rejects a backup without .metadata', async () => {
    await rejects(await pack(['db', 'tree']), /\.metadata is missing/);
  });

  it('rejects .metadata that is not JSON', async () => {
    writeFileSync(join(src, '.metadata'), '{not json');
    await rejects(await pack(['.metadata', 'db', 'tree']), /\.metadata is not valid JSON/);
  });

  it('rejects a db/db.backup that is not a pg_dump custom-format file', async () => {
    writeFileSync(join(src, 'db', 'db.backup'), 'SELECT 1;');
    await rejects(await pack(['.metadata', 'db', 'tree']), /does not start with PGDMP/);
  });

  it('rejects a backup without db/db.backup', async () => {
    rmSync(join(src, 'db', 'db.backup'));
    await rejects(await pack(['.metadata', 'db', 'tree']), /db\/db\.backup is missing/);
  });

  it('rejects files outside tree/', async () => {
    writeFileSync(join(src, 'notes.txt'), 'x');
    await rejects(await pack(['.metadata', 'db', 'tree', 'notes.txt']), /unexpected file "notes\.txt"/);
  });

  it('rejects links', async () => {
    symlinkSync('/etc/passwd', join(src, 'tree', 'ab', 'cd', 'link'));
    await rejects(await pack(['.metadata', 'db', 'tree']), /SymbolicLink/);
  });

  it('rejects a truncated archive', async () => {
    writeFileSync(join(src, 'db', 'db.backup'), Buffer.concat([Buffer.from('PGDMP'), randomBytes(200_000)]));
    const file = await pack(['.metadata', 'db', 'tree']);
    const whole = readFileSync(file);
    writeFileSync(file, whole.subarray(0, Math.floor(whole.length / 2)));
    await rejects(file, /damaged|truncated|cannot be read/);
  });

  it('rejects a file that is neither', async () => {
    const f = join(dir, 'x.zip');
    writeFileSync(f, 'PK\u0003\u0004...');
    await rejects(f, /neither a gzip-compressed tar/);
  });
});
