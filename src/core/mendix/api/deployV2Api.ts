/** Deploy API v2 (contract §4): streaming package upload and its job. */
import { seg, type BodyFactory, type CallOptions, type MendixHttp } from './httpClient';
import { v2JobSchema, v2UploadResponseSchema, type V2Job, type V2UploadResult } from './schemas/deployV2Schemas';

/** What is uploaded: the package's name in the portal and its multipart body (transfer/packageUpload.ts builds it from a file). */
export interface PackageUploadBody {
  name: string;
  /** A fresh body per attempt. */
  bodyFactory: BodyFactory;
}

export class DeployV2Api {
  constructor(private readonly http: MendixHttp) {}

  /**
   * Sends a package body (see `uploadPackageFile` in transfer/packageUpload.ts for one from disk). A
   * lost connection is not retried (MendixOutcomeUnknownError): the caller should look at the app's
   * packages before uploading again.
   */
  uploadPackage(appId: string, upload: PackageUploadBody, opts: CallOptions = {}): Promise<V2UploadResult> {
    const name = upload.name;
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
