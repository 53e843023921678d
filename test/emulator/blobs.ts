/**
 * Download content on disk. Generated files are made once per id and size in this emulator's cache
 * folder (under the OS temp dir, removed on close), then served with fs streams, so even multi-GiB
 * archives never sit in memory. Concurrent first requests share one generation.
 */
import { createWriteStream, mkdirSync, rmSync, type WriteStream } from 'node:fs';
import { join } from 'node:path';
import { archiveFileName, writeArchive, writePackage, type WrittenFile } from './archive';
import type { Archive, Pkg } from './model';

export interface BlobInfo {
  path: string;
  size: number;
  sha256: string;
  fileName: string;
  /** Real milliseconds spent generating (0 when cached or uploaded). */
  generationMs: number;
}

/**
 * A stream that stores an upload's bytes. Its 4 MiB buffer lets the request keep arriving while the
 * thread pool writes: with the default 16 KiB every 64 KiB socket read waited for a disk write, and a
 * 900 MB package took ~3–4 s instead of ~1.7 s with six times the context switches.
 */
export function uploadWriteStream(file: string): WriteStream {
  return createWriteStream(file, { highWaterMark: 4 * 1024 * 1024 });
}

export class BlobStore {
  private readonly ready = new Map<string, BlobInfo>();
  private readonly inflight = new Map<string, Promise<BlobInfo>>();

  constructor(
    readonly cacheDir: string,
    /** Where uploaded packages and backups are kept (next to the state file when there is one). */
    readonly uploadDir: string,
  ) {
    mkdirSync(cacheDir, { recursive: true });
    mkdirSync(uploadDir, { recursive: true });
  }

  /** Info for content already on disk, without generating anything. */
  peek(key: string): BlobInfo | undefined {
    return this.ready.get(key);
  }

  static packageKey(pkg: Pkg): string {
    return `package:${pkg.id}:${pkg.size}`;
  }

  static archiveKey(archive: Archive): string {
    return `archive:${archive.id}:${archive.targetBytes}`;
  }

  package(pkg: Pkg): Promise<BlobInfo> {
    if (pkg.uploadFile && pkg.uploadSha256) {
      return Promise.resolve({ path: pkg.uploadFile, size: pkg.size, sha256: pkg.uploadSha256, fileName: pkg.name, generationMs: 0 });
    }
    const key = BlobStore.packageKey(pkg);
    const file = join(this.cacheDir, `package-${pkg.id}-${pkg.size}.mda`);
    return this.once(key, pkg.name, file, () =>
      writePackage(file, { packageId: pkg.id, version: pkg.version, mendixVersion: pkg.mendixVersion, constants: pkg.constants, scheduledEvents: pkg.scheduledEvents }, pkg.size),
    );
  }

  archive(archive: Archive, modelVersion: string | null): Promise<BlobInfo> {
    const key = BlobStore.archiveKey(archive);
    // Prepared while the job runs: stamped with the time the job completes (its timeline's last step).
    const mtime = archive.finishedAt ?? archive.timeline?.steps.at(-1)?.at ?? archive.createdAt;
    const fileName = archiveFileName({ archiveId: archive.id, dataType: archive.dataType, mtime });
    const file = join(this.cacheDir, `archive-${archive.id}-${archive.targetBytes}`);
    return this.once(key, fileName, file, () =>
      writeArchive(file, { archiveId: archive.id, dataType: archive.dataType, targetBytes: archive.targetBytes, modelVersion, mtime }),
    );
  }

  /** Deletes a package's bytes from disk (uploaded or generated); a download already under way keeps its open file. */
  removePackage(pkg: Pkg): void {
    if (pkg.uploadFile) rmSync(pkg.uploadFile, { force: true });
    const key = BlobStore.packageKey(pkg);
    const info = this.ready.get(key);
    if (info) {
      rmSync(info.path, { force: true });
      this.ready.delete(key);
    }
  }

  private once(key: string, fileName: string, file: string, make: () => Promise<WrittenFile>): Promise<BlobInfo> {
    const done = this.ready.get(key);
    if (done) return Promise.resolve(done);
    let p = this.inflight.get(key);
    if (!p) {
      const started = performance.now();
      p = make()
        .then((w) => {
          const info: BlobInfo = { path: file, size: w.size, sha256: w.sha256, fileName, generationMs: performance.now() - started };
          this.ready.set(key, info);
          return info;
        })
        .finally(() => this.inflight.delete(key));
      this.inflight.set(key, p);
    }
    return p;
  }

  /** Removes the cache folder; waits for generations under way so no file is left half-written. */
  async close(removeUploads: boolean): Promise<void> {
    await Promise.allSettled([...this.inflight.values()]);
    rmSync(this.cacheDir, { recursive: true, force: true });
    if (removeUploads) rmSync(this.uploadDir, { recursive: true, force: true });
  }
}
