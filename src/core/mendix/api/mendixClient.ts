/**
 * The Mendix API client of one account: every family behind one object, one axios instance,
 * one retry policy and one masked logger. Build one per signed-in account; call `dispose()` when done.
 */
import { BackupsApi } from './backupsApi';
import { BuildApi } from './buildApi';
import { CertificatesApi } from './certificatesApi';
import type { ApiFamily } from './config';
import { DeployV1Api } from './deployV1Api';
import { DeployV2Api } from './deployV2Api';
import { DeployV4Api } from './deployV4Api';
import { MendixError } from './errors';
import { MendixHttp, type CallOptions, type MendixHttpOptions } from './httpClient';
import { JobWaiter } from './jobs';

export type MendixClientOptions = MendixHttpOptions;

export interface FamilyCheck {
  family: ApiFamily;
  ok: boolean;
  /** Masked, human-readable reason when `ok` is false. */
  message?: string;
  /** HTTP status when the service answered. */
  status?: number;
}

export class MendixClient {
  readonly http: MendixHttp;
  readonly v1: DeployV1Api;
  readonly build: BuildApi;
  readonly v2: DeployV2Api;
  readonly backups: BackupsApi;
  readonly v4: DeployV4Api;
  readonly certificates: CertificatesApi;
  readonly jobs: JobWaiter;

  constructor(opts: MendixClientOptions) {
    this.http = new MendixHttp(opts);
    this.v1 = new DeployV1Api(this.http);
    this.build = new BuildApi(this.http);
    this.v2 = new DeployV2Api(this.http);
    this.backups = new BackupsApi(this.http);
    this.v4 = new DeployV4Api(this.http);
    this.certificates = new CertificatesApi(this.http);
    this.jobs = new JobWaiter(this, this.http.clock);
  }

  /** Families these credentials cover (nothing is sent). */
  families(): ApiFamily[] {
    return (['apiKey', 'v4'] as const).filter((f) => this.http.hasFamily(f));
  }

  /**
   * One cheap read per family whose credentials are present (v1 GET /apps; v4 GET /apps?limit=1),
   * for "Sign In": tells which credentials work before they are saved.
   */
  async checkCredentials(call?: CallOptions): Promise<FamilyCheck[]> {
    const checks: Promise<FamilyCheck>[] = [];
    const run = async (family: ApiFamily, probe: () => Promise<unknown>): Promise<FamilyCheck> => {
      try {
        await probe();
        return { family, ok: true };
      } catch (e) {
        if (!(e instanceof MendixError)) throw e;
        const status = (e as { status?: unknown }).status;
        return { family, ok: false, message: this.http.mask(e.message), status: typeof status === 'number' ? status : undefined };
      }
    };
    const fast = { ...call, timeoutMs: call?.timeoutMs ?? 20_000 };
    if (this.http.hasFamily('apiKey')) checks.push(run('apiKey', () => this.v1.listApps(fast)));
    if (this.http.hasFamily('v4')) checks.push(run('v4', () => this.v4.listApps({ ...fast, limit: 1 })));
    return Promise.all(checks);
  }

  dispose(): void {
    this.http.dispose();
  }
}
