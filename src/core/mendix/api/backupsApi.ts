/** Backups API v2 (contract §5): snapshots, archives (downloadable), restores. IDs are UUIDs. */
import { seg, type CallOptions, type MendixHttp } from './httpClient';
import {
  archiveSchema,
  restoreSchema,
  snapshotListSchema,
  snapshotSchema,
  type Archive,
  type ArchiveDataType,
  type Restore,
  type Snapshot,
  type SnapshotPage,
} from './schemas/backupsSchemas';

/**
 * Backups v2 documents `500 SERVICE_UNAVAILABLE` ("Operation failed. Please try again later") on its
 * snapshot, archive and restore calls (§14.4): reads and polls retry it with back-off; creates do not.
 */
const TRY_LATER = [{ status: 500, code: 'SERVICE_UNAVAILABLE' }] as const;

const base = (projectId: string, environmentId: string) => `/api/v2/apps/${seg(projectId)}/environments/${seg(environmentId)}`;

export class BackupsApi {
  constructor(private readonly http: MendixHttp) {}

  listSnapshots(projectId: string, environmentId: string, opts: { offset?: number; limit?: number } & CallOptions = {}): Promise<SnapshotPage> {
    return this.http.request({
      operation: 'backups.listSnapshots',
      family: 'apiKey',
      method: 'GET',
      path: `${base(projectId, environmentId)}/snapshots`,
      query: { offset: opts.offset, limit: opts.limit },
      schema: snapshotListSchema,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call: opts,
    });
  }

  /** Every snapshot, page by page (the service echoes `total`). */
  async *iterateSnapshots(projectId: string, environmentId: string, opts: { pageSize?: number } & CallOptions = {}): AsyncGenerator<Snapshot> {
    const limit = opts.pageSize ?? 100;
    for (let offset = 0; ; ) {
      const page = await this.listSnapshots(projectId, environmentId, { offset, limit, signal: opts.signal, timeoutMs: opts.timeoutMs });
      yield* page.snapshots;
      offset += page.snapshots.length;
      if (page.snapshots.length === 0 || offset >= page.total) return;
    }
  }

  async listAllSnapshots(projectId: string, environmentId: string, call?: CallOptions): Promise<Snapshot[]> {
    const out: Snapshot[] = [];
    for await (const s of this.iterateSnapshots(projectId, environmentId, { ...call })) out.push(s);
    return out;
  }

  /** Creates a snapshot (state `queued`). Never repeated blindly: a lost answer means "look at the list". */
  createSnapshot(projectId: string, environmentId: string, opts: { comment?: string } & CallOptions = {}): Promise<Snapshot> {
    return this.http.request({
      operation: 'backups.createSnapshot',
      family: 'apiKey',
      method: 'POST',
      path: `${base(projectId, environmentId)}/snapshots`,
      body: opts.comment !== undefined ? { comment: opts.comment } : {},
      schema: snapshotSchema,
      idempotent: false,
      call: opts,
    });
  }

  getSnapshot(projectId: string, environmentId: string, snapshotId: string, call?: CallOptions): Promise<Snapshot> {
    return this.http.request({
      operation: 'backups.getSnapshot',
      family: 'apiKey',
      method: 'GET',
      path: `${base(projectId, environmentId)}/snapshots/${seg(snapshotId)}`,
      schema: snapshotSchema,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call,
    });
  }

  updateSnapshot(projectId: string, environmentId: string, snapshotId: string, comment: string, call?: CallOptions): Promise<Snapshot> {
    return this.http.request({
      operation: 'backups.updateSnapshot',
      family: 'apiKey',
      method: 'PUT',
      path: `${base(projectId, environmentId)}/snapshots/${seg(snapshotId)}`,
      body: { comment },
      schema: snapshotSchema,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call,
    });
  }

  deleteSnapshot(projectId: string, environmentId: string, snapshotId: string, call?: CallOptions): Promise<void> {
    return this.http.request({
      operation: 'backups.deleteSnapshot',
      family: 'apiKey',
      method: 'DELETE',
      path: `${base(projectId, environmentId)}/snapshots/${seg(snapshotId)}`,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call,
    });
  }

  /** Asks for a downloadable archive of a snapshot (state `queued`, `url` null until completed). */
  createArchive(projectId: string, environmentId: string, snapshotId: string, dataType: ArchiveDataType = 'files_and_database', call?: CallOptions): Promise<Archive> {
    return this.http.request({
      operation: 'backups.createArchive',
      family: 'apiKey',
      method: 'POST',
      path: `${base(projectId, environmentId)}/snapshots/${seg(snapshotId)}/archives`,
      query: { data_type: dataType },
      schema: archiveSchema,
      idempotent: false,
      call,
    });
  }

  getArchive(projectId: string, environmentId: string, snapshotId: string, archiveId: string, call?: CallOptions): Promise<Archive> {
    return this.http.request({
      operation: 'backups.getArchive',
      family: 'apiKey',
      method: 'GET',
      path: `${base(projectId, environmentId)}/snapshots/${seg(snapshotId)}/archives/${seg(archiveId)}`,
      schema: archiveSchema,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call,
    });
  }

  /** Restores a snapshot of the same app into this (stopped) environment. Never repeated blindly. */
  createRestore(projectId: string, environmentId: string, sourceSnapshotId: string, opts: { dbOnly?: boolean } & CallOptions = {}): Promise<Restore> {
    return this.http.request({
      operation: 'backups.createRestore',
      family: 'apiKey',
      method: 'POST',
      path: `${base(projectId, environmentId)}/restores`,
      query: { source_snapshot_id: sourceSnapshotId, db_only: opts.dbOnly ? true : undefined },
      schema: restoreSchema,
      idempotent: false,
      call: opts,
    });
  }

  getRestore(projectId: string, environmentId: string, restoreId: string, call?: CallOptions): Promise<Restore> {
    return this.http.request({
      operation: 'backups.getRestore',
      family: 'apiKey',
      method: 'GET',
      path: `${base(projectId, environmentId)}/restores/${seg(restoreId)}`,
      schema: restoreSchema,
      idempotent: true,
      retryErrorCodes: TRY_LATER,
      call,
    });
  }
}
