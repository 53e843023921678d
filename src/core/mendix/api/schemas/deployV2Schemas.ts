/** Response schemas of Deploy API v2 (package upload and its job; contract §4). */
import * as z from '../../../shared/zod';
import { nonEmpty } from './common';

export const V2_JOB_STATUSES = ['Queued', 'Running', 'Completed', 'Failed'] as const;
export type V2JobStatus = (typeof V2_JOB_STATUSES)[number];

export const v2UploadResponseSchema = z.object({ PackageId: nonEmpty(), JobId: nonEmpty() });
export type V2UploadResult = z.infer<typeof v2UploadResponseSchema>;

export const v2JobSchema = z.object({ Status: z.enum(V2_JOB_STATUSES) });
export type V2Job = z.infer<typeof v2JobSchema>;
