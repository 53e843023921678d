/** Deploy API v2 (contract §4): streaming package upload and its job. */
import { basename } from 'node:path';
import { preparePackageUpload, type UploadProgress } from '../transfer/packageUpload';
import { seg, type CallOptions, type MendixHttp } from './httpClient';
import { v2JobSchema, v2UploadResponseSchema, type V2Job, type V2UploadResult } from './schemas/deployV2Schemas';

export interface UploadPackageOptions extends CallOptions {
  /** Package name shown in the portal (the `name` query); defaults to the file name. */
  name?: string;
  onProgress?: (p: UploadProgress) => void;
}

export class DeployV2Api {
  constructor(private readonly http: MendixHttp) {}

  /**
   * Uploads an `.mda` from disk as a stream. Files over the 1 GB limit are refused before anything
   * is sent (UploadTooLargeError). A lost connection is not retried (MendixOutcomeUnknownError):
   * the caller should look at the app's packages before uploading again.
   */
  async uploadPackage(appId: string, filePath: string, opts: UploadPackageOptions = {}): Promise<V2UploadResult> {
    const name = opts.name ?? basename(filePath);
    const upload = await preparePackageUpload(filePath, { fileName: name, onProgress: opts.onProgress, clock: this.http.clock });
    return this.http.request({
      operation: 'v2.uploadPackage',
      family: 'apiKey',
      method: 'POST',
      path: `/api/v2/apps/${seg(appId)}/packages/upload`,
      query: { name },
      bodyFactory: upload.bodyFactory,
      schema: v2UploadResponseSchema,
      idempotent: false,
      // A slow link can be silent for a while once the body is sent and the service stores it.
      call: { signal: opts.signal, timeoutMs: opts.timeoutMs ?? 10 * 60_000 },
    });
  }

  getJob(appId: string, jobId: string, call?: CallOptions): Promise<V2Job> {
    return this.http.request({ operation: 'v2.getJob', family: 'apiKey', method: 'GET', path: `/api/v2/apps/${seg(appId)}/jobs/${seg(jobId)}`, schema: v2JobSchema, idempotent: true, call });
  }
}
