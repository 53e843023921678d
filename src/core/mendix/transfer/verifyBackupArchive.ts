/**
 * Streaming structure check of a downloaded Mendix backup, before anyone relies on it for a restore
 * or before the source node is offboarded. Nothing is extracted; memory stays flat.
 *
 * The check is fed the file's bytes in order (`ArchiveInspector`), so a download runs it in the
 * same sequential read that computes the file's SHA-256 (`scanFile`): one pass, not two. The tar
 * reader is loaded only when an archive is actually inspected.
 */
import { basename } from 'node:path';
import { scanFile } from './fileScan';
import type { TarCheck } from './tarCheck';
import { BackupArchiveError } from './transferErrors';

/** pg_dump custom-format signature. */
const PGDMP = Buffer.from('PGDMP', 'ascii');
const GZIP_MAGIC = Buffer.from([0x1f, 0x8b]);

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

/** Checks a whole backup file on its own (a download checks it while hashing instead). */
export async function verifyBackupArchive(file: string): Promise<BackupArchiveReport> {
  const r = await scanFile(file, { hash: false, inspect: new ArchiveInspector(file) }).catch((e: unknown) => {
    if (e instanceof BackupArchiveError) throw e;
    throw new BackupArchiveError(basename(file), 'the file does not exist or cannot be read');
  });
  if (!r.archive) throw new BackupArchiveError(basename(file), 'the file is empty');
  return r.archive;
}

/**
 * Takes a backup's bytes in file order and tells what the file is, or why it is not a backup.
 * `write` may be called with chunks of any size; `end` resolves with the report or rejects with a
 * `BackupArchiveError`.
 */
export class ArchiveInspector {
  private readonly name: string;
  private head: Buffer = Buffer.alloc(0);
  private mode: 'sniffing' | 'dump' | 'tar' = 'sniffing';
  private tar: TarCheck | undefined;
  private bytes = 0;

  constructor(private readonly file: string) {
    this.name = basename(file);
  }

  async write(chunk: Buffer): Promise<void> {
    this.bytes += chunk.length;
    if (this.mode === 'dump') return;
    if (this.tar) return this.asBackupError(this.tar.write(chunk));
    // The first bytes say what the file is; keep them until there are enough to tell.
    this.head = this.head.length === 0 ? chunk : Buffer.concat([this.head, chunk]);
    if (this.head.length >= PGDMP.length) await this.decide();
  }

  async end(): Promise<BackupArchiveReport> {
    const { file, name, bytes } = this;
    if (this.mode === 'sniffing') await this.decide();
    if (this.mode === 'dump') return { file, kind: 'databaseOnly', fileBytes: bytes, entries: 1, totalBytes: bytes, dbBytes: bytes, treeFiles: 0, treeBytes: 0, files: [{ path: name, size: bytes }] };
    if (!this.tar) throw this.notABackup();
    return this.asBackupError(this.tar.end(bytes));
  }

  /** The tar check's problems, as the error every caller knows. */
  private async asBackupError<T>(p: Promise<T>): Promise<T> {
    try {
      return await p;
    } catch (e) {
      if ((e as { tarProblem?: unknown }).tarProblem === true) throw new BackupArchiveError(this.name, (e as Error).message);
      throw e;
    }
  }

  /** Abandons the check (the read failed); releases the tar reader. */
  abort(): void {
    this.tar?.abort();
  }

  private async decide(): Promise<void> {
    const head = this.head;
    this.head = Buffer.alloc(0);
    if (head.subarray(0, PGDMP.length).equals(PGDMP)) {
      this.mode = 'dump';
      return;
    }
    if (!head.subarray(0, 2).equals(GZIP_MAGIC)) throw this.notABackup();
    this.mode = 'tar';
    // A separate file in the build (esbuild.js): the tar reader is loaded on the first archive check.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { TarCheck } = require('./tarCheck') as typeof import('./tarCheck');
    const tar = new TarCheck(this.file);
    this.tar = tar;
    await this.asBackupError(tar.write(head));
  }

  private notABackup(): BackupArchiveError {
    return new BackupArchiveError(this.name, 'it is neither a gzip-compressed tar (.tar.gz) nor a PostgreSQL custom-format dump (PGDMP)');
  }
}

