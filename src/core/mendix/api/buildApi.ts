/** Build API (contract §3): deployment packages of an app. */
import * as z from '../../shared/zod';
import { seg, type CallOptions, type MendixHttp } from './httpClient';
import { buildResponseSchema, packageSchema, type MendixPackage } from './schemas/deployV1Schemas';

export interface BuildRequest {
  /** `main` / `branches/<name>` (Git) or `trunk` / `branches/<name>` (SVN). */
  Branch: string;
  Revision: string;
  /** major.minor.patch */
  Version: string;
  Description?: string;
}

const pkgs = (appId: string) => `/api/1/apps/${seg(appId)}/packages`;

export class BuildApi {
  constructor(private readonly http: MendixHttp) {}

  listPackages(appId: string, call?: CallOptions): Promise<MendixPackage[]> {
    return this.http.request({ operation: 'build.listPackages', family: 'apiKey', method: 'GET', path: pkgs(appId), schema: z.array(packageSchema), idempotent: true, call });
  }

  /** One package; with `url: true` it carries a download URL (`Url.Location`, valid `Url.TTL` seconds). */
  getPackage(appId: string, packageId: string, opts: { url?: boolean } & CallOptions = {}): Promise<MendixPackage> {
    return this.http.request({
      operation: 'build.getPackage',
      family: 'apiKey',
      method: 'GET',
      path: `${pkgs(appId)}/${seg(packageId)}`,
      query: { url: opts.url ?? false },
      schema: packageSchema,
      idempotent: true,
      call: opts,
    });
  }

  deletePackage(appId: string, packageId: string, call?: CallOptions): Promise<void> {
    return this.http.request({ operation: 'build.deletePackage', family: 'apiKey', method: 'DELETE', path: `${pkgs(appId)}/${seg(packageId)}`, idempotent: true, call });
  }

  /** Starts a build from the Team Server; poll `getPackage` until Succeeded/Failed. Never repeated blindly. */
  async startBuild(appId: string, request: BuildRequest, call?: CallOptions): Promise<string> {
    const r = await this.http.request({
      operation: 'build.startBuild',
      family: 'apiKey',
      method: 'POST',
      path: pkgs(appId),
      body: request,
      schema: buildResponseSchema,
      idempotent: false,
      call,
    });
    return r.PackageId;
  }
}
