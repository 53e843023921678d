/** Response schemas of Deploy API v1 and the Build API (contract §2, §3). Extra fields are tolerated. */
import * as z from '../../../shared/zod';
import { looseNumber, map, nonEmpty, opt } from './common';

export const V1_ENVIRONMENT_STATUSES = ['Empty', 'Stopped', 'Running'] as const;
export type V1EnvironmentStatus = (typeof V1_ENVIRONMENT_STATUSES)[number];

export const PACKAGE_STATUSES = ['Succeeded', 'Queued', 'Building', 'Uploading', 'Failed'] as const;
export type PackageStatus = (typeof PACKAGE_STATUSES)[number];

export const v1AppSchema = z.object({
  AppId: nonEmpty(),
  Name: z.string(),
  ProjectId: nonEmpty(),
  Url: opt(z.string()),
});
export type V1App = z.infer<typeof v1AppSchema>;

export const v1EnvironmentSchema = z.object({
  Status: z.enum(V1_ENVIRONMENT_STATUSES),
  EnvironmentId: nonEmpty(),
  Mode: nonEmpty(),
  Url: opt(z.string()),
  ModelVersion: opt(z.string()),
  MendixVersion: opt(z.string()),
  Production: z.boolean(),
});
export type V1Environment = z.infer<typeof v1EnvironmentSchema>;

/** Start answers `{JobId}`, or HTTP 200 with error code ALREADY_STARTED (a documented quirk). */
export const v1StartResponseSchema = z.object({
  JobId: opt(nonEmpty()),
  errorCode: opt(z.string()),
  code: opt(z.string()),
});

export const V1_START_JOB_STATUSES = ['Starting', 'Started'] as const;
export const v1StartJobSchema = z.object({ Status: z.enum(V1_START_JOB_STATUSES) });
export type V1StartJob = z.infer<typeof v1StartJobSchema>;

/** A package download URL: documented as `{Location, TTL}`, tolerated as a plain string. */
export const packageUrlSchema = map(z.union([z.object({ Location: nonEmpty(), TTL: opt(looseNumber) }), nonEmpty()]), (u) =>
  typeof u === 'string' ? { Location: u, TTL: undefined } : u,
);
export type PackageUrl = z.infer<typeof packageUrlSchema>;

export const packageSchema = z.object({
  PackageId: nonEmpty(),
  Name: opt(z.string()),
  Description: opt(z.string()),
  Version: opt(z.string()),
  Creator: opt(z.string()),
  CreationDate: opt(looseNumber),
  Status: z.enum(PACKAGE_STATUSES),
  Size: opt(looseNumber),
  ExpiryDate: opt(z.union([z.number(), z.string()])),
  Url: opt(packageUrlSchema),
});
export type MendixPackage = z.infer<typeof packageSchema>;

export const buildResponseSchema = z.object({ PackageId: nonEmpty() });

export const constantSchema = z.object({
  Name: nonEmpty(),
  DataType: opt(z.string()),
  Value: opt(z.string()),
  DeployedValue: opt(z.string()),
});
export const customSettingSchema = z.object({ Name: nonEmpty(), Value: opt(z.string()) });
export const scheduledEventSchema = z.object({
  Name: nonEmpty(),
  Value: z.enum(['Enabled', 'Disabled']),
  DeployedValue: opt(z.string()),
});
export const v1SettingsSchema = z.object({
  Constants: z.array(constantSchema),
  CustomSettings: map(z.nullish(z.array(customSettingSchema)), (v) => v ?? []),
  ScheduledEvents: z.array(scheduledEventSchema),
});
export type V1Settings = z.infer<typeof v1SettingsSchema>;
export type V1Constant = z.infer<typeof constantSchema>;
export type V1CustomSetting = z.infer<typeof customSettingSchema>;
export type V1ScheduledEvent = z.infer<typeof scheduledEventSchema>;

/**
 * What may be sent to POST settings. The docs ask for "the JSON collection retrieved with GET at the
 * same URI" (§14.3): entries carry `Name`, `DataType`, `Value` and `DeployedValue` as GET returned
 * them, and a `null` value stays `null`. Only existing entries can be changed.
 */
export interface V1SettingsUpdate {
  Constants?: { Name: string; DataType?: string | null; Value: string | null; DeployedValue?: string | null }[];
  CustomSettings?: { Name: string; Value: string | null }[];
  ScheduledEvents?: { Name: string; Value: 'Enabled' | 'Disabled'; DeployedValue?: string | null }[];
}

/** GET logs / access-logs (§2 rows 19–20, §14.7). */
export const v1LogUrlSchema = z.object({
  Environment: opt(z.string()),
  Date: opt(looseNumber),
  DownloadUrl: nonEmpty(),
});
export type V1LogUrl = z.infer<typeof v1LogUrlSchema>;

export const v1ScaleResponseSchema = z.object({
  Status: opt(z.string()),
  Instances: looseNumber,
  MemoryPerInstance: looseNumber,
  TotalMemory: opt(looseNumber),
  Mode: opt(z.string()),
  Production: opt(z.boolean()),
  ModelVersion: opt(z.string()),
  MendixVersion: opt(z.string()),
  Url: opt(z.string()),
});
export type V1ScaleResult = z.infer<typeof v1ScaleResponseSchema>;

/** GET tags: the example shows one `{"Tag"}`; lists of `{Tag}` or of strings are accepted too. */
const tagItem = z.union([z.string(), map(z.object({ Tag: z.string() }), (t) => t.Tag)]);
export const v1TagsSchema = map(
  z.union([z.array(tagItem), map(z.object({ Tag: z.string() }), (t) => [t.Tag]), map(z.object({ Tags: z.array(tagItem) }), (t) => t.Tags)]),
  (tags) => [...new Set(tags)],
);
