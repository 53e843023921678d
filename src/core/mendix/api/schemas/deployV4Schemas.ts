/** Response schemas of Deploy API v4 (contract §6). */
import * as z from '../../../shared/zod';
import { looseBoolean, looseNumber, map, nonEmpty, opt } from './common';

export const V4_ENVIRONMENT_STATES = ['stopped', 'running', 'notdeployed'] as const;
export type V4EnvironmentState = (typeof V4_ENVIRONMENT_STATES)[number];

export const paginationSchema = z.object({ offset: looseNumber, limit: looseNumber, size: looseNumber });
export type V4Pagination = z.infer<typeof paginationSchema>;

export const v4AppSchema = z.object({
  id: nonEmpty(),
  name: z.string(),
  licenseType: z.enum(['free', 'licensed']),
  subdomain: z.string(),
  technicalContact: opt(
    z.object({
      userId: z.string(),
      name: opt(z.string()),
      status: opt(z.enum(['active', 'inactive'])),
    }),
  ),
  region: opt(z.string()),
});
export type V4App = z.infer<typeof v4AppSchema>;
export const v4AppListSchema = z.object({ apps: z.array(v4AppSchema), pagination: paginationSchema });

export const v4PackageSchema = z.object({
  id: nonEmpty(),
  appId: opt(z.string()),
  modelVersion: opt(z.string()),
  runtimeVersion: opt(z.string()),
  createdOn: opt(z.string()),
  expiresOn: opt(z.string()),
  description: opt(z.string()),
  fileName: opt(z.string()),
  fileSize: opt(looseNumber),
});
export type V4Package = z.infer<typeof v4PackageSchema>;

export const v4EnvironmentSchema = z.object({
  id: nonEmpty(),
  appId: z.string(),
  name: z.string(),
  state: z.enum(V4_ENVIRONMENT_STATES),
  isProduction: looseBoolean,
  url: z.string(),
  dbVersion: opt(z.string()),
  planName: opt(z.string()),
  package: opt(v4PackageSchema),
});
export type V4Environment = z.infer<typeof v4EnvironmentSchema>;
export const v4EnvironmentListSchema = z.object({ environments: z.array(v4EnvironmentSchema), pagination: paginationSchema });

export const v4PermissionSchema = z.object({
  member: z.object({ userId: nonEmpty() }),
  canDeployApp: opt(looseBoolean),
  canManageBackups: opt(looseBoolean),
  canViewAlerts: opt(looseBoolean),
  canAccessAPI: opt(looseBoolean),
  canViewLogs: opt(looseBoolean),
  canManagePrivileges: opt(looseBoolean),
});
export type V4Permission = z.infer<typeof v4PermissionSchema>;

/** A permission change: the member plus only the flags to set. */
export interface V4PermissionUpdate {
  member: { userId: string };
  canDeployApp?: boolean;
  canManageBackups?: boolean;
  canViewAlerts?: boolean;
  canAccessAPI?: boolean;
  canViewLogs?: boolean;
  canManagePrivileges?: boolean;
}

export const v4PermissionsSchema = z.object({
  // Documented as the user id string; an object with userId is accepted too.
  technicalContact: opt(z.union([z.string(), map(z.object({ userId: z.string() }), (t) => t.userId)])),
  permissions: z.array(v4PermissionSchema),
  pagination: opt(paginationSchema),
});
export type V4Permissions = z.infer<typeof v4PermissionsSchema>;

export const v4PermissionsPatchSchema = z.object({ permissions: z.array(v4PermissionSchema) });
