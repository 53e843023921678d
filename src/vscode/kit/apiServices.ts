/**
 * Everything that needs the HTTP stack (axios, zod) behind one module, so the extension can load
 * it on first use instead of at activation. Kept free of other imports so it can also become its
 * own bundle.
 */
import { createAccessChecker, type AccessChecker } from '../../core/doctor/accessChecker';
import { createCloudServiceFactory, createCredentialChecker } from '../../core/mendix/clientFactory';
import type { CloudService, CredentialChecker, Credentials } from '../../core/mendix/cloudService';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import { apiConfig } from './settings';

export interface ApiServices {
  create(credentials: Credentials): CloudService;
  check: CredentialChecker;
  checkAccess: AccessChecker;
}

export function createApiServices(log: Logger, redactor: Redactor): ApiServices {
  const opts = { config: apiConfig, log, redactor };
  return { create: createCloudServiceFactory(opts), check: createCredentialChecker(opts), checkAccess: createAccessChecker(opts) };
}
