/** Certificate API (contract §7): list the company's central certificates (read only here). */
import type { CallOptions, MendixHttp } from './httpClient';
import { certificateListSchema, type CertificatePage } from './schemas/certificateSchemas';

export interface CertificateQuery {
  domain?: string;
  status?: string;
  /** 1-based. */
  page?: number;
  /** 1–100. */
  limit?: number;
}

export class CertificatesApi {
  constructor(private readonly http: MendixHttp) {}

  listCertificates(query: CertificateQuery & CallOptions = {}): Promise<CertificatePage> {
    return this.http.request({
      operation: 'certificates.list',
      family: 'certificates',
      method: 'GET',
      path: '/v1/certificates',
      query: { domain: query.domain, status: query.status, page: query.page, limit: query.limit },
      schema: certificateListSchema,
      idempotent: true,
      call: query,
    });
  }
}
