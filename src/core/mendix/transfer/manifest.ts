/**
 * Sidecar files of a download: `<file>.manifest.json` records size and SHA-256 of a finished file;
 * `<file>.part.json` records what is needed to resume a `.part` file (validator and total size).
 * Neither ever holds the URL: signed URLs carry credentials in their query.
 */
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import * as z from '../../shared/zod';
import { scanFile } from './fileScan';

/** A whole number of bytes. */
const count = z.int().check(z.nonnegative());

export const manifestSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  size: count,
  sha256: z.string().check(z.regex(/^[0-9a-f]{64}$/)),
  completedAt: z.string(),
  etag: z.optional(z.string()),
  /** Free-form, secret-free facts the caller wants kept with the file (e.g. archive id, data type). */
  details: z.optional(z.record(z.string(), z.union([z.string(), z.number(), z.boolean()]))),
});
export type DownloadManifest = z.infer<typeof manifestSchema>;

/**
 * The resume record: the validator, the total and, per range, how far its bytes are on disk. Each
 * range's `pos` is recorded only after the bytes before it were written, so a killed process resumes
 * every range where it stopped. (Version 1, a single offset, predates ranged downloads.)
 */
export const partStateSchema = z.object({
  version: z.literal(2),
  etag: z.optional(z.string()),
  lastModified: z.optional(z.string()),
  total: z.optional(count),
  /** The server honoured a byte range: several connections may work on the file. */
  ranged: z.optional(z.boolean()),
  ranges: z.optional(z.array(z.object({ start: count, end: count, pos: count }))),
});
export type PartState = z.infer<typeof partStateSchema>;

export const manifestPath = (file: string) => `${file}.manifest.json`;
export const partPath = (file: string) => `${file}.part`;
export const partStatePath = (file: string) => `${file}.part.json`;

let tmpSeq = 0;
/** Writes JSON atomically (temp file + rename) so a crash never leaves half a sidecar. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.${tmpSeq++}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, path);
}

async function readJson<T>(path: string, schema: z.ZodMiniType<T>): Promise<T | undefined> {
  let text: string;
  try {
    text = await readFile(path, 'utf8');
  } catch {
    return undefined;
  }
  try {
    const r = schema.safeParse(JSON.parse(text));
    return r.success ? r.data : undefined;
  } catch {
    return undefined;
  }
}

export function readManifest(file: string): Promise<DownloadManifest | undefined> {
  return readJson(manifestPath(file), manifestSchema);
}

export function readPartState(file: string): Promise<PartState | undefined> {
  return readJson(partStatePath(file), partStateSchema);
}

export function buildManifest(file: string, size: number, sha256: string, etag?: string, details?: DownloadManifest['details']): DownloadManifest {
  return { version: 1, file: basename(file), size, sha256, completedAt: new Date().toISOString(), etag, details };
}

/** SHA-256 and size of a file, streamed. */
export async function hashFile(file: string, signal?: AbortSignal): Promise<{ size: number; sha256: string }> {
  const r = await scanFile(file, { signal });
  return { size: r.size, sha256: r.sha256 ?? '' };
}

export interface ManifestCheck {
  ok: boolean;
  manifest?: DownloadManifest;
  actual?: { size: number; sha256: string };
  problem?: string;
}

/** Re-hashes a finished download and compares it with its manifest (before offboarding a source, say). */
export async function verifyAgainstManifest(file: string, signal?: AbortSignal): Promise<ManifestCheck> {
  const manifest = await readManifest(file);
  if (!manifest) return { ok: false, problem: `${basename(file)} has no readable manifest` };
  let actual: { size: number; sha256: string };
  try {
    actual = await hashFile(file, signal);
  } catch {
    return { ok: false, manifest, problem: `${basename(file)} cannot be read` };
  }
  if (actual.size !== manifest.size) return { ok: false, manifest, actual, problem: `size ${actual.size} differs from the manifest's ${manifest.size}` };
  if (actual.sha256 !== manifest.sha256) return { ok: false, manifest, actual, problem: 'SHA-256 differs from the manifest' };
  return { ok: true, manifest, actual };
}
