/**
 * Deterministic download content written straight to disk: `.mda` packages and backup archives
 * (a real `.tar.gz` with `.metadata`, `db/db.backup` and `tree/xx/yy/<uuid>`, or a bare `.backup`).
 * Bulk bytes come from a seeded xorshift generator filling one reused buffer, and the gzip layer
 * uses stored (uncompressed) deflate blocks, so multi-GiB files are made in seconds with flat memory:
 * nothing is allocated per chunk.
 */
import { createHash, type Hash } from 'node:crypto';
import { open, type FileHandle } from 'node:fs/promises';
import { crc32 } from 'node:zlib';
import { Header } from 'tar';
import { stableId } from './ids';

const CHUNK = 1024 * 1024;

/** A deterministic byte stream for a seed; `fill` continues where the last call stopped. */
export class Filler {
  private s: number;
  constructor(seed: string) {
    this.s = createHash('sha256').update(seed).digest().readInt32LE(0) || 0x2545f491;
  }

  /** Writes the next `n` bytes into `buf` (every call but the last must ask for a multiple of 4). */
  fill(buf: Buffer, n: number): void {
    const words = n >>> 2;
    const u32 = new Uint32Array(buf.buffer, buf.byteOffset, words);
    let s = this.s;
    for (let i = 0; i < words; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      u32[i] = s;
    }
    for (let i = words * 4; i < n; i++) {
      s ^= s << 13;
      s ^= s >>> 17;
      s ^= s << 5;
      buf[i] = s & 0xff;
    }
    this.s = s;
  }
}

/** pg_dump custom-format signature: "PGDMP", archive version 1.14.0, int/offset sizes, format 1 (custom). */
export const PGDMP_HEADER = Buffer.concat([Buffer.from('PGDMP', 'latin1'), Buffer.from([1, 14, 0, 4, 8, 1])]);

export interface WrittenFile {
  size: number;
  sha256: string;
}

interface Sink {
  write(parts: Buffer[]): Promise<void>;
}

/** Writes to a file, hashing exactly the bytes written. */
class FileSink implements Sink {
  size = 0;
  private readonly hash: Hash = createHash('sha256');
  private constructor(private readonly fh: FileHandle) {}

  static async create(file: string): Promise<FileSink> {
    return new FileSink(await open(file, 'w'));
  }

  async write(parts: Buffer[]): Promise<void> {
    let total = 0;
    for (const p of parts) {
      this.hash.update(p);
      total += p.length;
    }
    const { bytesWritten } = await this.fh.writev(parts);
    if (bytesWritten !== total) throw new Error(`short write: ${bytesWritten} of ${total}`);
    this.size += total;
  }

  async finish(): Promise<WrittenFile> {
    await this.fh.close();
    return { size: this.size, sha256: this.hash.digest('hex') };
  }

  async abort(): Promise<void> {
    await this.fh.close().catch(() => undefined);
  }
}

const STORED_MAX = 65535;
/** gzip member header: magic, deflate, no flags, mtime 0 (deterministic), no extra flags, OS unknown. */
const GZIP_HEADER = Buffer.from([0x1f, 0x8b, 8, 0, 0, 0, 0, 0, 0, 0xff]);

/** gzip with stored deflate blocks (RFC 1951 §3.2.4): valid for every gunzip, costs only a CRC. */
class StoredGzipSink implements Sink {
  private crc = 0;
  private isize = 0;
  private started = false;
  /** Preallocated block headers, enough for one CHUNK-sized write. */
  private readonly headers = Array.from({ length: Math.ceil(CHUNK / STORED_MAX) + 1 }, () => Buffer.alloc(5));

  constructor(private readonly out: FileSink) {}

  async write(parts: Buffer[]): Promise<void> {
    const iov: Buffer[] = [];
    if (!this.started) {
      iov.push(GZIP_HEADER);
      this.started = true;
    }
    let h = 0;
    for (const p of parts) {
      this.crc = crc32(p, this.crc);
      this.isize = (this.isize + p.length) >>> 0;
      for (let off = 0; off < p.length; off += STORED_MAX) {
        const len = Math.min(STORED_MAX, p.length - off);
        if (h === this.headers.length) {
          await this.out.write(iov.splice(0));
          h = 0;
        }
        const hdr = this.headers[h++];
        hdr[0] = 0; // not final, stored
        hdr.writeUInt16LE(len, 1);
        hdr.writeUInt16LE(~len & 0xffff, 3);
        iov.push(hdr, p.subarray(off, off + len));
      }
    }
    if (iov.length > 0) await this.out.write(iov);
  }

  async finish(): Promise<WrittenFile> {
    const trailer = Buffer.alloc(8);
    trailer.writeUInt32LE(this.crc >>> 0, 0);
    trailer.writeUInt32LE(this.isize, 4);
    const final = Buffer.from([1, 0, 0, 0xff, 0xff]); // an empty final stored block
    await this.out.write(this.started ? [final, trailer] : [GZIP_HEADER, final, trailer]);
    return this.out.finish();
  }
}

/** Writes `bytes` deterministic bytes for `seed` through one reused buffer. */
async function writeFilled(sink: Sink, buf: Buffer, seed: string, bytes: number): Promise<void> {
  const f = new Filler(seed);
  for (let left = bytes; left > 0; ) {
    const n = Math.min(CHUNK, left);
    f.fill(buf, n);
    await sink.write([n === buf.length ? buf : buf.subarray(0, n)]);
    left -= n;
  }
}

function chunkBuffer(): Buffer {
  // A fresh ArrayBuffer is 4-byte aligned, which the Uint32Array view in Filler needs.
  return Buffer.from(new ArrayBuffer(CHUNK));
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
  const sink = await FileSink.create(file);
  try {
    const first = head.subarray(0, Math.min(head.length, size));
    await sink.write([first]);
    await writeFilled(sink, chunkBuffer(), `mda:${meta.packageId}:${size}`, size - first.length);
    return await sink.finish();
  } catch (e) {
    await sink.abort();
    throw e;
  }
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

async function writeDump(sink: Sink, buf: Buffer, seed: string, bytes: number): Promise<void> {
  const head = PGDMP_HEADER.subarray(0, Math.min(PGDMP_HEADER.length, bytes));
  await sink.write([head]);
  await writeFilled(sink, buf, seed, bytes - head.length);
}

async function tarEntry(sink: Sink, path: string, mtime: Date, size: number, body: () => Promise<void>): Promise<void> {
  const h = new Header({ path, mode: 0o644, uid: 0, gid: 0, size, mtime, type: 'File', uname: 'mendix', gname: 'mendix' });
  h.encode();
  if (!h.block) throw new Error(`tar header for ${path} was not encoded`);
  await sink.write([h.block]);
  await body();
  const rest = size % 512;
  if (rest > 0) await sink.write([Buffer.alloc(512 - rest)]);
}

const TREE_FILES = 8;

export async function writeArchive(file: string, spec: ArchiveSpec): Promise<WrittenFile> {
  const seed = `archive:${spec.archiveId}:${spec.targetBytes}`;
  const out = await FileSink.create(file);
  const buf = chunkBuffer();
  try {
    if (spec.dataType === 'database_only') {
      await writeDump(out, buf, seed, Math.max(spec.targetBytes, PGDMP_HEADER.length));
      return await out.finish();
    }
    const gz = new StoredGzipSink(out);
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
    await tarEntry(gz, '.metadata', mtime, metadata.length, () => gz.write([metadata]));
    await tarEntry(gz, 'db/db.backup', mtime, dbBytes, () => writeDump(gz, buf, `${seed}:db`, dbBytes));
    for (let i = 0; i < TREE_FILES; i++) {
      const uuid = stableId(`${seed}:file:${i}`);
      await tarEntry(gz, `tree/${uuid.slice(0, 2)}/${uuid.slice(2, 4)}/${uuid}`, mtime, perFile, () => writeFilled(gz, buf, `${seed}:file:${i}`, perFile));
    }
    await gz.write([Buffer.alloc(1024)]); // two zero blocks end a tar stream
    return await gz.finish();
  } catch (e) {
    await out.abort();
    throw e;
  }
}
