/**
 * Package (.mda) upload for v1 row 10 and v2: a streamed multipart field `file`, refused above the
 * upload limit (1 GB by default) both from `Content-Length` up front and by counting streamed bytes.
 * An upload of an MDA the emulator generated keeps that package's model metadata.
 */
import type { FastifyRequest } from 'fastify';
import { createHash } from 'node:crypto';
import { rmSync } from 'node:fs';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { MDA_MAGIC, parseMdaHead } from './archive';
import type { EmulatorContext } from './context';
import { uploadWriteStream } from './blobs';
import { ApiError } from './errors';
import { newId } from './ids';
import { DURATIONS, timeline } from './lifecycle';
import type { Pkg, Project, UploadJob, User } from './model';

/** Multipart framing around the file is small; allow for it in the up-front Content-Length check. */
const MULTIPART_SLACK = 64 * 1024;

class Counter extends Transform {
  bytes = 0;
  head = Buffer.alloc(0);
  readonly hash = createHash('sha256');
  constructor(private readonly limit: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.limit) {
      cb(tooLarge(this.limit));
      return;
    }
    if (this.head.length < 4096) this.head = Buffer.concat([this.head, chunk.subarray(0, 4096 - this.head.length)]);
    this.hash.update(chunk);
    cb(null, chunk);
  }
}

function tooLarge(limit: number): ApiError {
  return new ApiError(413, 'PACKAGE_TOO_LARGE', `The package exceeds the upload limit of ${limit} bytes`, { headers: { Connection: 'close' } });
}

export function checkDeclaredSize(ctx: EmulatorContext, req: FastifyRequest): void {
  const limit = ctx.store.state.config.uploadLimitBytes;
  const declared = Number(req.headers['content-length'] ?? NaN);
  if (Number.isFinite(declared) && declared > limit + MULTIPART_SLACK) throw tooLarge(limit);
}

export async function receivePackage(ctx: EmulatorContext, req: FastifyRequest, project: Project, user: User, name: string | undefined): Promise<{ pkg: Pkg; job: UploadJob }> {
  const { store } = ctx;
  const limit = store.state.config.uploadLimitBytes;
  checkDeclaredSize(ctx, req);
  if (!req.isMultipart()) throw new ApiError(400, 'INVALID_PARAMETERS', 'Expected multipart/form-data with a field named file');
  let part;
  try {
    part = await req.file({ limits: { fileSize: limit + 1, files: 1 } });
  } catch (e) {
    throw new ApiError(400, 'INVALID_PARAMETERS', `Bad multipart body: ${(e as Error).message}`);
  }
  if (!part || part.fieldname !== 'file') throw new ApiError(400, 'INVALID_PARAMETERS', 'Expected a multipart field named file');
  const id = newId();
  const file = join(ctx.blobs.uploadDir, `package-${id}.mda`);
  const counter = new Counter(limit);
  try {
    await pipeline(part.file, counter, uploadWriteStream(file));
  } catch (e) {
    rmSync(file, { force: true });
    if (e instanceof ApiError) throw e;
    if ((e as { code?: string }).code === 'FST_REQ_FILE_TOO_LARGE') throw tooLarge(limit);
    throw new ApiError(500, 'UPLOAD_COPY_FAILED', `Upload failed: ${(e as Error).message}`);
  }
  const meta = parseMdaHead(counter.head);
  const looksLikeZip = counter.head.subarray(0, 4).equals(Buffer.from([0x50, 0x4b, 0x03, 0x04]));
  const valid = counter.bytes > 0 && (meta !== undefined || looksLikeZip || counter.head.toString('utf8').startsWith(MDA_MAGIC));
  const fileName = name && name.trim() !== '' ? name : 'default.mda';
  const versionFromName = /(\d+\.\d+\.\d+\.\d+)\.mda$/i.exec(fileName)?.[1];
  const now = store.now();
  const tl = timeline(now, [
    ['Queued', 0],
    ['Running', DURATIONS.uploadQueued],
    [valid ? 'Completed' : 'Failed', DURATIONS.uploadRunning],
  ]);
  const doneAt = tl.steps[2].at;
  const pkg: Pkg = {
    id,
    projectId: project.id,
    name: fileName,
    description: meta ? `Uploaded copy of ${meta.version}` : 'Uploaded package',
    version: meta?.version ?? versionFromName ?? '1.0.0.1',
    mendixVersion: meta?.mendixVersion ?? project.repo?.mendixVersion ?? '10.24.3.73587',
    creator: user.name,
    creationDate: now,
    status: 'Uploading',
    size: counter.bytes,
    processedAt: doneAt + DURATIONS.packageProcessing * 1000,
    timeline: null,
    constants: meta?.constants ?? project.repo?.constants ?? [],
    scheduledEvents: meta?.scheduledEvents ?? project.repo?.scheduledEvents ?? [],
    uploadFile: file,
    uploadSha256: counter.hash.digest('hex'),
  };
  const job: UploadJob = { id: newId(), projectId: project.id, packageId: id, status: 'Queued', outcome: valid ? 'Completed' : 'Failed', timeline: tl };
  store.state.packages[pkg.id] = pkg;
  store.state.uploadJobs[job.id] = job;
  store.track('upload', job.id);
  store.changed();
  return { pkg, job };
}
