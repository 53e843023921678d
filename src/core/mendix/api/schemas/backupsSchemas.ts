/** Response schemas of the Backups API v2 (contract §5). Timestamps stay ISO strings. */
import * as z from '../../../shared/zod';
import { looseNumber, nonEmpty, opt } from './common';

export const BACKUP_STATES = ['queued', 'running', 'completed', 'failed'] as const;
export type BackupState = (typeof BACKUP_STATES)[number];
export const ARCHIVE_DATA_TYPES = ['database_only', 'files_and_database'] as const;
export type ArchiveDataType = (typeof ARCHIVE_DATA_TYPES)[number];

const state = z.enum(BACKUP_STATES);
const ts = opt(z.string());

export const snapshotSchema = z.object({
  snapshot_id: nonEmpty(),
  state,
  status_message: opt(z.string()),
  created_at: ts,
  updated_at: ts,
  finished_at: ts,
  expires_at: ts,
  model_version: opt(z.string()),
  comment: opt(z.string()),
});
export type Snapshot = z.infer<typeof snapshotSchema>;

export const snapshotListSchema = z.object({
  snapshots: z.array(snapshotSchema),
  total: looseNumber,
  offset: opt(looseNumber),
  limit: opt(looseNumber),
});
export type SnapshotPage = z.infer<typeof snapshotListSchema>;

export const archiveSchema = z.object({
  archive_id: nonEmpty(),
  snapshot_id: opt(z.string()),
  data_type: z.enum(ARCHIVE_DATA_TYPES),
  state,
  status_message: opt(z.string()),
  created_at: ts,
  updated_at: ts,
  finished_at: ts,
  url: opt(nonEmpty()),
});
export type Archive = z.infer<typeof archiveSchema>;

export const restoreSchema = z.object({
  restore_id: nonEmpty(),
  source_snapshot_id: opt(z.string()),
  source_environment_id: opt(z.string()),
  target_environment_id: opt(z.string()),
  state,
  status_message: opt(z.string()),
  created_at: ts,
  updated_at: ts,
  finished_at: ts,
});
export type Restore = z.infer<typeof restoreSchema>;
