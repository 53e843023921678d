/**
 * The portal's "Upload Archive/Backup": the body streams to disk while it is checked, and a valid
 * upload becomes a completed snapshot ("Uploaded snapshot" / "Completed extraction"). A full snapshot
 * must be a `.tar.gz` holding `db/db.backup` in pg_dump custom format; a database-only backup is the
 * bare dump starting with `PGDMP`. Files-only archives cannot be restored, so they are refused.
 */
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import type { Readable } from 'node:stream';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { Parser, type ReadEntry } from 'tar';
import type { EmulatorContext } from './context';
import { uploadWriteStream } from './blobs';
import { ApiError } from './errors';
import { newId } from './ids';
import type { Snapshot } from './model';

const DAY = 24 * 3600 * 1000;

interface Findings {
  kind: 'gzip' | 'pgdmp' | 'unknown' | undefined;
  bytes: number;
  metadata: Record<string, unknown> | undefined;
  dbSignatureOk: boolean;
  hasDb: boolean;
  treeFiles: number;
  tarError: string | undefined;
}

class Inspector extends Transform {
  readonly found: Findings = { kind: undefined, bytes: 0, metadata: undefined, dbSignatureOk: false, hasDb: false, treeFiles: 0, tarError: undefined };
  private parser: Parser | undefined;
  private parserDone: Promise<void> = Promise.resolve();

  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    if (this.found.kind === undefined) this.detect(chunk);
    this.found.bytes += chunk.length;
    if (this.parser && !this.found.tarError) this.parser.write(chunk);
    cb(null, chunk);
  }

  override _flush(cb: TransformCallback): void {
    if (this.parser) this.parser.end();
    this.parserDone.then(() => cb(), cb);
  }

  private detect(chunk: Buffer): void {
    if (chunk[0] === 0x1f && chunk[1] === 0x8b) {
      this.found.kind = 'gzip';
      const parser = new Parser({ strict: true });
      parser.on('entry', (e: ReadEntry) => this.onEntry(e));
      this.parserDone = new Promise((resolve) => {
        parser.on('end', () => resolve());
        parser.on('error', (err: Error) => {
          this.found.tarError = err.message;
          resolve();
        });
      });
      this.parser = parser;
    } else if (chunk.subarray(0, 5).toString('latin1') === 'PGDMP') {
      this.found.kind = 'pgdmp';
    } else {
      this.found.kind = 'unknown';
    }
  }

  private onEntry(entry: ReadEntry): void {
    const path = entry.path.replace(/^\.\//, '');
    if (path === '.metadata') {
      const parts: Buffer[] = [];
      entry.on('data', (d: Buffer) => parts.push(d));
      entry.on('end', () => {
        try {
          this.found.metadata = JSON.parse(Buffer.concat(parts).toString('utf8')) as Record<string, unknown>;
        } catch {
          this.found.metadata = undefined;
        }
      });
      return;
    }
    if (path === 'db/db.backup') {
      this.found.hasDb = true;
      let head = Buffer.alloc(0);
      entry.on('data', (d: Buffer) => {
        if (head.length < 5) head = Buffer.concat([head, d.subarray(0, 5 - head.length)]);
      });
      entry.on('end', () => {
        this.found.dbSignatureOk = head.toString('latin1') === 'PGDMP';
      });
      return;
    }
    if (/^tree\/[0-9a-f]{2}\/[0-9a-f]{2}\/[^/]+$/i.test(path) && entry.type === 'File') this.found.treeFiles += 1;
    entry.resume();
  }
}

export async function receiveBackup(ctx: EmulatorContext, projectId: string | undefined, environmentId: string | undefined, body: Readable): Promise<Snapshot> {
  const { store } = ctx;
  const project = projectId ? store.state.projects[projectId] : undefined;
  if (!project) throw new ApiError(404, 'PROJECT_NOT_FOUND', 'Unknown projectId');
  const env = environmentId ? store.state.environments[environmentId] : undefined;
  if (!env || store.projectIdOfEnvironment(env) !== project.id) throw new ApiError(404, 'ENVIRONMENT_NOT_FOUND', 'The environment does not belong to this app');
  const id = newId();
  const file = join(ctx.blobs.uploadDir, `backup-${id}`);
  const inspector = new Inspector();
  try {
    await pipeline(body, inspector, uploadWriteStream(file));
  } catch (e) {
    rmSync(file, { force: true });
    throw new ApiError(400, 'UPLOAD_FAILED', `The upload did not complete: ${(e as Error).message}`);
  }
  const f = inspector.found;
  const reject = (message: string): never => {
    rmSync(file, { force: true });
    throw new ApiError(400, 'INVALID_BACKUP', message);
  };
  if (f.bytes === 0) reject('The upload is empty');
  if (f.kind === 'unknown') reject('Not a backup: expected a .tar.gz full snapshot or a .backup database dump (PGDMP)');
  if (f.kind === 'gzip') {
    if (f.tarError) reject(`Not a valid .tar.gz archive: ${f.tarError}`);
    if (!f.hasDb) reject(f.treeFiles > 0 ? 'A files-only archive cannot be restored' : 'The archive has no db/db.backup');
    if (!f.dbSignatureOk) reject('db/db.backup is not a PostgreSQL custom-format dump (pg_dump -Fc)');
  }
  const now = store.now();
  const meta = f.metadata ?? {};
  const modelVersion = typeof meta.modelVersion === 'string' ? meta.modelVersion : null;
  const snap: Snapshot = {
    id,
    envId: env.id,
    projectId: project.id,
    kind: 'uploaded',
    comment: 'Uploaded snapshot',
    state: 'completed',
    statusMessage: 'Completed extraction',
    createdAt: now,
    updatedAt: now,
    finishedAt: now,
    expiresAt: now + 91 * DAY,
    modelVersion,
    databaseBytes: typeof meta.dumpSize === 'string' ? Number(meta.dumpSize) || f.bytes : f.bytes,
    filesBytes: typeof meta.filesSize === 'string' ? Number(meta.filesSize) || 0 : 0,
    hasDatabase: true,
    hasFiles: f.kind === 'gzip',
    timeline: null,
    uploadFile: file,
  };
  store.state.snapshots[id] = snap;
  store.changed();
  return snap;
}
