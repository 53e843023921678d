/**
 * Streaming structure check of a downloaded Mendix backup, before anyone relies on it for a restore
 * or before the source node is offboarded. Nothing is extracted; memory stays flat.
 */
import { createReadStream } from 'node:fs';
import { open, stat } from 'node:fs/promises';
import { basename } from 'node:path';
import { Parser, type ReadEntry } from 'tar';
import { BackupArchiveError } from './transferErrors';

/** pg_dump custom-format signature. */
const PGDMP = Buffer.from('PGDMP', 'ascii');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);
const MAX_METADATA_BYTES = 1024 * 1024;
/** Tar warnings that mean the archive is damaged, not merely unusual. */
const FATAL_TAR_WARNINGS = new Set(['TAR_BAD_ARCHIVE', 'TAR_ENTRY_INVALID', 'TAR_ABORT', 'TAR_ENTRY_ERROR']);

export interface BackupArchiveReport {
  file: string;
  /** `full`: .tar.gz with .metadata, db/ and tree/; `databaseOnly`: a bare pg_dump `.backup`. */
  kind: 'full' | 'databaseOnly';
  /** Size of the file on disk. */
  fileBytes: number;
  /** Regular files in the archive (1 for a database-only backup). */
  entries: number;
  /** Uncompressed bytes of all files. */
  totalBytes: number;
  dbBytes: number;
  treeFiles: number;
  treeBytes: number;
  /** The parsed `.metadata` (full backups). */
  metadata?: Record<string, unknown>;
  /** Every file outside `tree/` with its size (the tree can hold many thousands; it is counted). */
  files: { path: string; size: number }[];
}

async function readHead(file: string, n: number): Promise<Buffer> {
  const fh = await open(file, 'r');
  try {
    const buf = Buffer.alloc(n);
    const { bytesRead } = await fh.read(buf, 0, n, 0);
    return buf.subarray(0, bytesRead);
  } finally {
    await fh.close();
  }
}

function normalise(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

export async function verifyBackupArchive(file: string): Promise<BackupArchiveReport> {
  const name = basename(file);
  const st = await stat(file).catch(() => {
    throw new BackupArchiveError(name, 'the file does not exist or cannot be read');
  });
  const head = await readHead(file, 5);
  if (head.subarray(0, 5).equals(PGDMP)) {
    return { file, kind: 'databaseOnly', fileBytes: st.size, entries: 1, totalBytes: st.size, dbBytes: st.size, treeFiles: 0, treeBytes: 0, files: [{ path: name, size: st.size }] };
  }
  if (!head.subarray(0, 2).equals(GZIP_MAGIC)) {
    throw new BackupArchiveError(name, 'it is neither a gzip-compressed tar (.tar.gz) nor a PostgreSQL custom-format dump (PGDMP)');
  }
  return verifyTarGz(file, name, st.size);
}

function verifyTarGz(file: string, name: string, fileBytes: number): Promise<BackupArchiveReport> {
  const report: BackupArchiveReport = { file, kind: 'full', fileBytes, entries: 0, totalBytes: 0, dbBytes: 0, treeFiles: 0, treeBytes: 0, files: [] };
  let sawMetadata = false;
  let sawDb = false;
  let problem: string | undefined;
  const pending: Promise<void>[] = [];

  return new Promise<BackupArchiveReport>((resolve, reject) => {
    const input = createReadStream(file, { highWaterMark: 1024 * 1024 });
    const fail = (why: string) => {
      if (problem !== undefined) return;
      problem = why;
      input.destroy();
      reject(new BackupArchiveError(name, why));
    };

    const onEntry = (entry: ReadEntry) => {
      const path = normalise(entry.path);
      if (path === '' || path === '.') {
        entry.resume();
        return;
      }
      if (path.startsWith('/') || path.split('/').includes('..')) return fail(`entry "${entry.path}" escapes the archive root`);
      if (entry.type === 'Directory') {
        if (!['db', 'tree'].includes(path) && !path.startsWith('tree/')) return fail(`unexpected folder "${path}" (only db/ and tree/ belong in a backup)`);
        entry.resume();
        return;
      }
      if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
        return fail(`entry "${path}" is a ${entry.type}; a backup holds only regular files`);
      }
      report.entries++;
      report.totalBytes += entry.size;
      if (path.startsWith('tree/')) {
        report.treeFiles++;
        report.treeBytes += entry.size;
        entry.resume();
        return;
      }
      report.files.push({ path, size: entry.size });
      if (path === '.metadata') {
        sawMetadata = true;
        pending.push(collect(entry, MAX_METADATA_BYTES).then((buf) => checkMetadata(buf)));
      } else if (path === 'db/db.backup') {
        sawDb = true;
        report.dbBytes = entry.size;
        pending.push(
          collect(entry, PGDMP.length).then((buf) => {
            if (!buf.subarray(0, PGDMP.length).equals(PGDMP)) fail('db/db.backup is not a PostgreSQL custom-format dump (it does not start with PGDMP)');
          }),
        );
      } else if (path.startsWith('db/')) {
        report.dbBytes += entry.size;
        entry.resume();
      } else {
        fail(`unexpected file "${path}" (files belong under tree/, besides .metadata and db/db.backup)`);
      }
    };

    const checkMetadata = (buf: Buffer) => {
      let json: unknown;
      try {
        json = JSON.parse(buf.toString('utf8'));
      } catch {
        return fail('.metadata is not valid JSON');
      }
      if (typeof json !== 'object' || json === null || Array.isArray(json)) return fail('.metadata is not a JSON object');
      report.metadata = json as Record<string, unknown>;
    };

    // Listing only, never extracting: a high compression ratio (a dump full of zeros) is not a threat here.
    const parser = new Parser({
      maxDecompressionRatio: Infinity,
      onReadEntry: onEntry,
      onwarn: (code, message) => {
        if (FATAL_TAR_WARNINGS.has(code)) fail(`the archive is damaged or truncated (${message})`);
      },
    });
    parser.on('error', (e: Error) => fail(`the archive cannot be read (${e.message})`));
    input.on('error', (e) => fail(`the file cannot be read (${e.message})`));
    let finished = false;
    const done = () => {
      if (finished || problem !== undefined) return;
      finished = true;
      Promise.all(pending)
        .then(() => {
          if (problem !== undefined) return;
          if (report.entries === 0) return fail('the archive holds no files');
          if (!sawMetadata) return fail('.metadata is missing');
          if (!sawDb) return fail('db/db.backup is missing');
          resolve(report);
        })
        .catch((e: unknown) => fail(e instanceof Error ? e.message : String(e)));
    };
    parser.on('end', done);
    parser.on('close', done);
    input.pipe(parser);
  });
}

/** Reads up to `limit` bytes of an entry and drains the rest. */
function collect(entry: ReadEntry, limit: number): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const parts: Buffer[] = [];
    let have = 0;
    entry.on('data', (chunk: Buffer) => {
      if (have < limit) {
        const take = chunk.subarray(0, limit - have);
        parts.push(take);
        have += take.length;
      }
    });
    entry.on('end', () => resolve(Buffer.concat(parts)));
    entry.on('error', reject);
  });
}
