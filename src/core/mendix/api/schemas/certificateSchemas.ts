/** Response schemas of the Certificate API (contract §7). */
import * as z from '../../../shared/zod';
import { looseNumber, nonEmpty, opt } from './common';

export const CERTIFICATE_STATUSES = ['UPCOMING', 'VALID', 'EXPIRES SOON', 'EXPIRED'] as const;

export const certificateSchema = z.object({
  id: nonEmpty(),
  description: opt(z.string()),
  validFrom: opt(z.string()),
  validTill: opt(z.string()),
  createdAt: opt(z.string()),
  updatedAt: opt(z.string()),
  status: z.enum(CERTIFICATE_STATUSES),
  inUse: opt(z.boolean()),
  linkedFqdnsCount: opt(looseNumber),
});
export type Certificate = z.infer<typeof certificateSchema>;

export const certificateListSchema = z.object({
  certificates: z.array(certificateSchema),
  page: looseNumber,
  limit: looseNumber,
  totalCount: looseNumber,
});
export type CertificatePage = z.infer<typeof certificateListSchema>;
