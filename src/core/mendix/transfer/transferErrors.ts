/** Typed errors of downloads, uploads and archive checks. Messages never carry a URL's query (tokens). */
import { MendixError } from '../api/errors';

/** A download URL was refused as expired (S3 "Request has expired", 403): ask the service for a fresh one. */
export class DownloadUrlExpiredError extends MendixError {
  readonly kind = 'downloadUrlExpired';
  constructor(
    readonly target: string,
    readonly detail: string,
  ) {
    super('DownloadUrlExpiredError', `the download URL for ${target} has expired or was refused (${detail}); request a fresh URL (a new archive or package URL) and download again`);
  }
}

/** A download failed for another reason after the allowed retries. The `.part` file is kept for a resume. */
export class DownloadError extends MendixError {
  readonly kind = 'download';
  constructor(
    readonly target: string,
    readonly reason: string,
    readonly bytesOnDisk: number,
  ) {
    super('DownloadError', `download of ${target} failed: ${reason} (${bytesOnDisk} bytes kept for resuming)`);
  }
}

/** The finished file does not match the size or SHA-256 we were told to expect. */
export class ChecksumMismatchError extends MendixError {
  readonly kind = 'checksumMismatch';
  constructor(
    readonly file: string,
    readonly expected: string,
    readonly actual: string,
  ) {
    super('ChecksumMismatchError', `${file}: expected ${expected}, got ${actual}`);
  }
}

/** A package is larger than the upload limit; refused before sending. */
export class UploadTooLargeError extends MendixError {
  readonly kind = 'uploadTooLarge';
  constructor(
    readonly file: string,
    readonly size: number,
    readonly limit: number,
  ) {
    super('UploadTooLargeError', `${file} is ${size} bytes; the package upload limit is ${limit} bytes (1 GB), so it was not sent`);
  }
}

/** A backup archive is not what a restore needs. */
export class BackupArchiveError extends MendixError {
  readonly kind = 'backupArchive';
  constructor(
    readonly file: string,
    readonly problem: string,
  ) {
    super('BackupArchiveError', `${file} is not a valid Mendix backup: ${problem}`);
  }
}

/** The disk filled up while a transfer wrote to it (ENOSPC, or a short write). */
export class DiskFullError extends MendixError {
  readonly kind = 'diskFull';
  constructor(
    readonly file: string,
    readonly freeBytes: number | undefined,
  ) {
    super('DiskFullError', `disk full at ${file}${freeBytes === undefined ? '' : ` (${freeBytes} bytes free)`}: free some space (or choose another download folder), then run again — the part already downloaded is kept`);
  }
}

/** A transfer URL that is not http(s) (e.g. `file://` from a hostile or broken answer): refused before anything is read. */
export class UnsupportedUrlError extends MendixError {
  readonly kind = 'unsupportedUrl';
  constructor(readonly protocol: string) {
    super('UnsupportedUrlError', `refusing to download from a ${protocol} URL: only http and https are used for packages and backups`);
  }
}

/** True for the ways a full disk shows up in Node (ENOSPC, EDQUOT, or a short write). */
export function isDiskFull(e: unknown): boolean {
  const code = (e as { code?: unknown } | undefined)?.code;
  if (code === 'ENOSPC' || code === 'EDQUOT') return true;
  return e instanceof Error && /\bshort write\b|ENOSPC|no space left/i.test(e.message);
}
