/**
 * The `.tar.gz` half of the backup check: gunzip + tar listing with the layout rules of a Mendix
 * backup (`.metadata`, `db/db.backup` starting with PGDMP, files only under `tree/`). Kept in its
 * own module (and its own file in the build) so the tar reader is loaded only when an archive is
 * checked. It imports no classes: the inspector turns its `TarProblem`s into `BackupArchiveError`s.
 */
import { Parser, type ReadEntry } from 'tar';
import type { BackupArchiveReport } from './verifyBackupArchive';

/** pg_dump custom-format signature. */
const PGDMP = Buffer.from('PGDMP', 'ascii');

const MAX_METADATA_BYTES = 1024 * 1024;
/** Tar warnings that mean the archive is damaged, not merely unusual. */
const FATAL_TAR_WARNINGS = new Set(['TAR_BAD_ARCHIVE', 'TAR_ENTRY_INVALID', 'TAR_ABORT', 'TAR_ENTRY_ERROR']);

function normalise(path: string): string {
  return path.replace(/^(\.\/)+/, '').replace(/\/+$/, '');
}

/** Why the archive is not a valid backup. */
export class TarProblem extends Error {
  readonly tarProblem = true;
}

/** The `.tar.gz` half of the inspector: gunzip + tar listing, with the layout rules of a Mendix backup. */
export class TarCheck {
  private readonly report: BackupArchiveReport;
  private sawMetadata = false;
  private sawDb = false;
  private problem: string | undefined;
  private readonly pending: Promise<void>[] = [];
  private readonly parser: Parser;
  private readonly closed: Promise<void>;
  private finished: () => void = () => undefined;

  constructor(file: string) {
    this.report = { file, kind: 'full', fileBytes: 0, entries: 0, totalBytes: 0, dbBytes: 0, treeFiles: 0, treeBytes: 0, files: [] };
    // Listing only, never extracting: a high compression ratio (a dump full of zeros) is not a threat here.
    this.parser = new Parser({
      maxDecompressionRatio: Infinity,
      onReadEntry: (entry) => this.onEntry(entry),
      onwarn: (code, message) => {
        if (FATAL_TAR_WARNINGS.has(code)) this.fail(`the archive is damaged or truncated (${message})`);
      },
    });
    // Ends on the parser's end or close, or at the first problem (a damaged archive may never end).
    this.closed = new Promise<void>((resolve) => (this.finished = resolve));
    this.parser.on('end', () => this.finished());
    this.parser.on('close', () => this.finished());
    this.parser.on('error', (e: Error) => this.fail(`the archive cannot be read (${e.message})`));
  }

  /** The tar reader inflates and parses the chunk before `write` returns, so the caller may reuse its buffer then. */
  async write(chunk: Buffer): Promise<void> {
    this.throwIfFailed();
    if (!this.parser.write(chunk)) await Promise.race([new Promise<void>((resolve) => this.parser.once('drain', resolve)), this.closed]);
    this.throwIfFailed();
  }

  async end(fileBytes: number): Promise<BackupArchiveReport> {
    this.throwIfFailed();
    this.parser.end();
    await this.closed;
    this.throwIfFailed();
    await Promise.all(this.pending);
    this.throwIfFailed();
    if (this.report.entries === 0) this.fail('the archive holds no files');
    else if (!this.sawMetadata) this.fail('.metadata is missing');
    else if (!this.sawDb) this.fail('db/db.backup is missing');
    this.throwIfFailed();
    this.report.fileBytes = fileBytes;
    return this.report;
  }

  abort(): void {
    this.parser.abort(new Error('aborted'));
  }

  private throwIfFailed(): void {
    if (this.problem !== undefined) throw new TarProblem(this.problem);
  }

  private fail(why: string): void {
    this.problem ??= why;
    this.finished();
  }

  private onEntry(entry: ReadEntry): void {
    const report = this.report;
    const path = normalise(entry.path);
    if (path === '' || path === '.') return void entry.resume();
    if (path.startsWith('/') || path.split('/').includes('..')) {
      entry.resume();
      return this.fail(`entry "${entry.path}" escapes the archive root`);
    }
    if (entry.type === 'Directory') {
      entry.resume();
      if (!['db', 'tree'].includes(path) && !path.startsWith('tree/')) this.fail(`unexpected folder "${path}" (only db/ and tree/ belong in a backup)`);
      return;
    }
    if (entry.type !== 'File' && entry.type !== 'OldFile' && entry.type !== 'ContiguousFile') {
      entry.resume();
      return this.fail(`entry "${path}" is a ${entry.type}; a backup holds only regular files`);
    }
    report.entries++;
    report.totalBytes += entry.size;
    if (path.startsWith('tree/')) {
      report.treeFiles++;
      report.treeBytes += entry.size;
      return void entry.resume();
    }
    report.files.push({ path, size: entry.size });
    if (path === '.metadata') {
      this.sawMetadata = true;
      this.pending.push(collect(entry, MAX_METADATA_BYTES).then((buf) => this.checkMetadata(buf)));
    } else if (path === 'db/db.backup') {
      this.sawDb = true;
      report.dbBytes = entry.size;
      this.pending.push(
        collect(entry, PGDMP.length).then((buf) => {
          if (!buf.subarray(0, PGDMP.length).equals(PGDMP)) this.fail('db/db.backup is not a PostgreSQL custom-format dump (it does not start with PGDMP)');
        }),
      );
    } else if (path.startsWith('db/')) {
      report.dbBytes += entry.size;
      entry.resume();
    } else {
      entry.resume();
      this.fail(`unexpected file "${path}" (files belong under tree/, besides .metadata and db/db.backup)`);
    }
  }

  private checkMetadata(buf: Buffer): void {
    let json: unknown;
    try {
      json = JSON.parse(buf.toString('utf8'));
    } catch {
      return this.fail('.metadata is not valid JSON');
    }
    if (typeof json !== 'object' || json === null || Array.isArray(json)) return this.fail('.metadata is not a JSON object');
    this.report.metadata = json as Record<string, unknown>;
  }
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
