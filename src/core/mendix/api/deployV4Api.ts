/** Deploy API v4 (contract §6): apps, environments, permissions, technical contact. PAT auth. */
import { seg, type CallOptions, type MendixHttp } from './httpClient';
import {
  v4AppListSchema,
  v4AppSchema,
  v4EnvironmentListSchema,
  v4EnvironmentSchema,
  v4PermissionsPatchSchema,
  v4PermissionsSchema,
  type V4App,
  type V4Environment,
  type V4Pagination,
  type V4Permission,
  type V4PermissionUpdate,
  type V4Permissions,
} from './schemas/deployV4Schemas';

export type V4Sort = 'name' | 'index' | '+name' | '-name' | '+index' | '-index';

export interface V4Page {
  offset?: number;
  limit?: number;
}

const V4 = '/api/v4';

export class DeployV4Api {
  constructor(private readonly http: MendixHttp) {}

  listApps(opts: V4Page & { licenseType?: 'free' | 'licensed' } & CallOptions = {}): Promise<{ apps: V4App[]; pagination: V4Pagination }> {
    return this.http.request({
      operation: 'v4.listApps',
      family: 'v4',
      method: 'GET',
      path: `${V4}/apps`,
      query: { offset: opts.offset, limit: opts.limit, licenseType: opts.licenseType },
      schema: v4AppListSchema,
      idempotent: true,
      call: opts,
    });
  }

  /**
   * Every app, page by page. v4 gives no total, so paging stops at the first short or empty page
   * (the server may clamp `limit`, so "short" is judged against the limit it echoed back).
   */
  async *iterateApps(opts: { pageSize?: number; licenseType?: 'free' | 'licensed' } & CallOptions = {}): AsyncGenerator<V4App> {
    let offset = 0;
    for (;;) {
      const page = await this.listApps({ offset, limit: opts.pageSize ?? 100, licenseType: opts.licenseType, signal: opts.signal, timeoutMs: opts.timeoutMs });
      yield* page.apps;
      offset += page.apps.length;
      if (page.apps.length === 0 || page.apps.length < page.pagination.limit) return;
    }
  }

  getApp(appId: string, call?: CallOptions): Promise<V4App> {
    return this.http.request({ operation: 'v4.getApp', family: 'v4', method: 'GET', path: `${V4}/apps/${seg(appId)}`, schema: v4AppSchema, idempotent: true, call });
  }

  /** Makes `userId` the app's Technical Contact. Setting the same contact twice is harmless. */
  setTechnicalContact(appId: string, userId: string, call?: CallOptions): Promise<void> {
    return this.http.request({
      operation: 'v4.setTechnicalContact',
      family: 'v4',
      method: 'PATCH',
      path: `${V4}/apps/${seg(appId)}`,
      body: { technicalContact: { userId } },
      idempotent: true,
      call,
    });
  }

  listEnvironments(
    appId: string,
    opts: V4Page & { sort?: V4Sort; expandPackage?: boolean } & CallOptions = {},
  ): Promise<{ environments: V4Environment[]; pagination: V4Pagination }> {
    return this.http.request({
      operation: 'v4.listEnvironments',
      family: 'v4',
      method: 'GET',
      path: `${V4}/apps/${seg(appId)}/environments`,
      // URLSearchParams encodes the sign of `+name`/`-name` as the docs ask.
      query: { offset: opts.offset, limit: opts.limit, sort: opts.sort, expand: opts.expandPackage ? 'package' : undefined },
      schema: v4EnvironmentListSchema,
      idempotent: true,
      call: opts,
    });
  }

  /** All environments of an app across pages. */
  async listAllEnvironments(appId: string, opts: { expandPackage?: boolean } & CallOptions = {}): Promise<V4Environment[]> {
    const out: V4Environment[] = [];
    for (let offset = 0; ; ) {
      const page = await this.listEnvironments(appId, { ...opts, offset, limit: 100 });
      out.push(...page.environments);
      offset += page.environments.length;
      if (page.environments.length === 0 || page.environments.length < page.pagination.limit) return out;
    }
  }

  getEnvironment(appId: string, environmentId: string, opts: { expandPackage?: boolean } & CallOptions = {}): Promise<V4Environment> {
    return this.http.request({
      operation: 'v4.getEnvironment',
      family: 'v4',
      method: 'GET',
      path: `${V4}/apps/${seg(appId)}/environments/${seg(environmentId)}`,
      query: { expand: opts.expandPackage ? 'package' : undefined },
      schema: v4EnvironmentSchema,
      idempotent: true,
      call: opts,
    });
  }

  getPermissions(appId: string, environmentId: string, opts: V4Page & { userId?: string } & CallOptions = {}): Promise<V4Permissions> {
    return this.http.request({
      operation: 'v4.getPermissions',
      family: 'v4',
      method: 'GET',
      path: `${V4}/apps/${seg(appId)}/environments/${seg(environmentId)}/permissions`,
      query: { userId: opts.userId, offset: opts.offset, limit: opts.limit },
      schema: v4PermissionsSchema,
      idempotent: true,
      call: opts,
    });
  }

  /**
   * Node permissions across pages, or only `userId`'s when given (the server filters). The server
   * pages 20 by default and clamps `limit`, so paging stops at the first page shorter than the limit
   * it echoed back (§14.2).
   */
  async listPermissions(appId: string, environmentId: string, opts: { userId?: string } & CallOptions = {}): Promise<V4Permissions> {
    const permissions: V4Permission[] = [];
    let technicalContact: string | undefined;
    for (let offset = 0; ; ) {
      const page = await this.getPermissions(appId, environmentId, { ...opts, offset, limit: 100 });
      technicalContact ??= page.technicalContact;
      permissions.push(...page.permissions);
      offset += page.permissions.length;
      const limit = page.pagination?.limit ?? 100;
      if (page.permissions.length === 0 || page.permissions.length < limit || !page.pagination) return { technicalContact, permissions, pagination: undefined };
    }
  }

  /** Sets node permissions for members (needs a PAT with mx:deployment:write). Idempotent. */
  async patchPermissions(appId: string, environmentId: string, permissions: V4PermissionUpdate[], call?: CallOptions): Promise<V4Permission[]> {
    const r = await this.http.request({
      operation: 'v4.patchPermissions',
      family: 'v4',
      method: 'PATCH',
      path: `${V4}/apps/${seg(appId)}/environments/${seg(environmentId)}/permissions`,
      body: { permissions },
      schema: v4PermissionsPatchSchema,
      idempotent: true,
      call,
    });
    return r.permissions;
  }
}
