/**
 * Deterministic download content written straight to disk: `.mda` packages and backup archives
 * (a real `.tar.gz` with `.metadata`, `db/db.backup` and `tree/xx/yy/<uuid>`, or a bare `.backup`).
 * Bulk bytes come from AES-CTR over zeros keyed by the item id: fast, incompressible, reproducible.
 * gzip runs at level 0 so generating gigabytes takes seconds, not minutes.
 */
import { createCipheriv, createHash, type Hash } from 'node:crypto';
import { createWriteStream } from 'node:fs';
import { Readable, Transform, type TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import { createGzip } from 'node:zlib';
import { Header } from 'tar';
import { stableId } from './ids';

const CHUNK = 1024 * 1024;
const ZEROS = Buffer.alloc(CHUNK);

/** Yields `bytes` deterministic pseudo-random bytes for `seed`. */
export function* filler(seed: string, bytes: number): Generator<Buffer> {
  const key = createHash('sha256').update(seed).digest();
  const cipher = createCipheriv('aes-256-ctr', key, Buffer.alloc(16));
  let left = bytes;
  while (left > 0) {
    const n = Math.min(CHUNK, left);
    yield cipher.update(n === CHUNK ? ZEROS : ZEROS.subarray(0, n));
    left -= n;
  }
}

/** pg_dump custom-format signature: "PGDMP", archive version 1.14.0, int/offset sizes, format 1 (custom). */
export const PGDMP_HEADER = Buffer.concat([Buffer.from('PGDMP', 'latin1'), Buffer.from([1, 14, 0, 4, 8, 1])]);

export interface WrittenFile {
  size: number;
  sha256: string;
}

class HashTap extends Transform {
  size = 0;
  constructor(private readonly hash: Hash) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.hash.update(chunk);
    this.size += chunk.length;
    cb(null, chunk);
  }
}

async function writeFrom(file: string, source: Iterable<Buffer>, gzip: boolean): Promise<WrittenFile> {
  const hash = createHash('sha256');
  const tap = new HashTap(hash);
  const out = createWriteStream(file, { highWaterMark: CHUNK });
  const input = Readable.from(source, { objectMode: false, highWaterMark: 4 });
  if (gzip) await pipeline(input, createGzip({ level: 0, chunkSize: 256 * 1024 }), tap, out);
  else await pipeline(input, tap, out);
  return { size: tap.size, sha256: hash.digest('hex') };
}

/** The first bytes of a generated package: lets the emulator recognise its own MDA when it is uploaded again. */
export const MDA_MAGIC = 'MXEMU-MDA 1\n';

export interface MdaMeta {
  packageId: string;
  version: string;
  mendixVersion: string;
  constants: { name: string; dataType: string; defaultValue: string | null }[];
  scheduledEvents: string[];
}

export async function writePackage(file: string, meta: MdaMeta, size: number): Promise<WrittenFile> {
  const head = Buffer.from(`${MDA_MAGIC}${JSON.stringify(meta)}\n`, 'utf8');
  function* body(): Generator<Buffer> {
    const first = head.subarray(0, Math.min(head.length, size));
    yield first;
    yield* filler(`mda:${meta.packageId}:${size}`, size - first.length);
  }
  return writeFrom(file, body(), false);
}

/** Parses the header of an uploaded file; undefined when it is not an emulator-made MDA. */
export function parseMdaHead(head: Buffer): MdaMeta | undefined {
  const text = head.toString('utf8');
  if (!text.startsWith(MDA_MAGIC)) return undefined;
  const end = text.indexOf('\n', MDA_MAGIC.length);
  if (end < 0) return undefined;
  try {
    return JSON.parse(text.slice(MDA_MAGIC.length, end)) as MdaMeta;
  } catch {
    return undefined;
  }
}

export interface ArchiveSpec {
  archiveId: string;
  dataType: 'database_only' | 'files_and_database';
  targetBytes: number;
  modelVersion: string | null;
  /** Virtual completion time: file modification times inside the tar. */
  mtime: number;
}

export function archiveFileName(spec: { archiveId: string; dataType: string; mtime: number }): string {
  const d = new Date(spec.mtime);
  const stamp = `${d.getUTCFullYear()}${pad(d.getUTCMonth() + 1)}${pad(d.getUTCDate())}${pad(d.getUTCHours())}${pad(d.getUTCMinutes())}`;
  const short = spec.archiveId.slice(0, 8);
  return spec.dataType === 'database_only' ? `database-${short}-${stamp}.backup` : `files_and_database-${short}-${stamp}.tar.gz`;
}

function pad(n: number): string {
  return String(n).padStart(2, '0');
}

function* dumpBytes(seed: string, bytes: number): Generator<Buffer> {
  const head = PGDMP_HEADER.subarray(0, Math.min(PGDMP_HEADER.length, bytes));
  yield head;
  yield* filler(seed, bytes - head.length);
}

function* tarEntry(path: string, mtime: Date, size: number, content: Iterable<Buffer>): Generator<Buffer> {
  const h = new Header({ path, mode: 0o644, uid: 0, gid: 0, size, mtime, type: 'File', uname: 'mendix', gname: 'mendix' });
  h.encode();
  if (!h.block) throw new Error(`tar header for ${path} was not encoded`);
  yield h.block;
  yield* content;
  const rest = size % 512;
  if (rest > 0) yield Buffer.alloc(512 - rest);
}

const TREE_FILES = 8;

export async function writeArchive(file: string, spec: ArchiveSpec): Promise<WrittenFile> {
  const seed = `archive:${spec.archiveId}:${spec.targetBytes}`;
  if (spec.dataType === 'database_only') return writeFrom(file, dumpBytes(seed, Math.max(spec.targetBytes, PGDMP_HEADER.length)), false);
  const total = Math.max(spec.targetBytes, 64 * 1024);
  const dbBytes = Math.floor(total * 0.6);
  const perFile = Math.floor((total - dbBytes) / TREE_FILES);
  const mtime = new Date(spec.mtime);
  const metadata = Buffer.from(
    JSON.stringify({
      duration: '42',
      dumpSize: String(dbBytes),
      modelVersion: spec.modelVersion ?? '1.0.0.1',
      databaseSize: String(dbBytes * 3),
      filesSize: String(perFile * TREE_FILES),
    }),
  );
  function* entries(): Generator<Buffer> {
    yield* tarEntry('.metadata', mtime, metadata.length, [metadata]);
    yield* tarEntry('db/db.backup', mtime, dbBytes, dumpBytes(`${seed}:db`, dbBytes));
    for (let i = 0; i < TREE_FILES; i++) {
      const uuid = stableId(`${seed}:file:${i}`);
      yield* tarEntry(`tree/${uuid.slice(0, 2)}/${uuid.slice(2, 4)}/${uuid}`, mtime, perFile, filler(`${seed}:file:${i}`, perFile));
    }
    yield Buffer.alloc(1024); // two zero blocks end a tar stream
  }
  return writeFrom(file, entries(), true);
}
