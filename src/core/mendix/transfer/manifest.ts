/**
 * Sidecar files of a download: `<file>.manifest.json` records size and SHA-256 of a finished file;
 * `<file>.part.json` records what is needed to resume a `.part` file (validator and total size).
 * Neither ever holds the URL: signed URLs carry credentials in their query.
 */
import { createHash } from 'node:crypto';
import { createReadStream } from 'node:fs';
import { readFile, rename, writeFile } from 'node:fs/promises';
import { basename } from 'node:path';
import { z } from 'zod';

export const manifestSchema = z.object({
  version: z.literal(1),
  file: z.string(),
  size: z.number().int().nonnegative(),
  sha256: z.string().regex(/^[0-9a-f]{64}$/),
  completedAt: z.string(),
  etag: z.string().optional(),
  /** Free-form, secret-free facts the caller wants kept with the file (e.g. archive id, data type). */
  details: z.record(z.string(), z.union([z.string(), z.number(), z.boolean()])).optional(),
});
export type DownloadManifest = z.infer<typeof manifestSchema>;

export const partStateSchema = z.object({
  version: z.literal(1),
  etag: z.string().optional(),
  lastModified: z.string().optional(),
  total: z.number().int().nonnegative().optional(),
});
export type PartState = z.infer<typeof partStateSchema>;

export const manifestPath = (file: string) => `${file}.manifest.json`;
export const partPath = (file: string) => `${file}.part`;
export const partStatePath = (file: string) => `${file}.part.json`;

/** Writes JSON atomically (temp file + rename) so a crash never leaves half a sidecar. */
export async function writeJsonAtomic(path: string, value: unknown): Promise<void> {
  const tmp = `${path}.${process.pid}.tmp`;
  await writeFile(tmp, JSON.stringify(value, null, 2) + '\n');
  await rename(tmp, path);
}

async function readJson<T>(path: string, schema: z.ZodType<T>): Promise<T | undefined> {
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
  const hash = createHash('sha256');
  let size = 0;
  for await (const chunk of createReadStream(file, { highWaterMark: 4 * 1024 * 1024, signal }) as AsyncIterable<Buffer>) {
    hash.update(chunk);
    size += chunk.length;
  }
  return { size, sha256: hash.digest('hex') };
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
