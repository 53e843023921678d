/**
 * Everything that needs the HTTP stack (axios, zod) behind one module, so the extension can load
 * it on first use instead of at activation. Kept free of other imports so it can also become its
 * own bundle.
 */
import { createCloudServiceFactory, createCredentialChecker } from '../core/explorer/clientFactory';
import type { CloudService, CredentialChecker, Credentials } from '../core/explorer/cloudService';
import type { Logger } from '../core/util/logger';
import type { Redactor } from '../core/util/redact';
import { apiConfig, downloadConnections } from './settings';

export interface ApiServices {
  create(credentials: Credentials): CloudService;
  check: CredentialChecker;
}

export function createApiServices(log: Logger, redactor: Redactor): ApiServices {
  const opts = { config: apiConfig, log, redactor, connections: downloadConnections };
  return { create: createCloudServiceFactory(opts), check: createCredentialChecker(opts) };
}
