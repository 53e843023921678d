/**
 * Everything that needs the HTTP stack (axios, zod) behind one module, so the extension can load
 * it on first use instead of at activation. Kept free of other imports so it can also become its
 * own bundle.
 */
import { createAccessChecker, type AccessChecker } from '../../core/doctor/accessChecker';
import { createCloudFactory, createCredentialChecker } from '../../core/mendix/clientFactory';
import type { CredentialChecker, Credentials, MendixCloud } from '../../core/mendix/services';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import { apiConfig, downloadConnections } from './settings';

export interface ApiServices {
  create(credentials: Credentials): MendixCloud;
  check: CredentialChecker;
  checkAccess: AccessChecker;
}

export function createApiServices(log: Logger, redactor: Redactor): ApiServices {
  const opts = { config: apiConfig, log, redactor, connections: downloadConnections };
  return { create: createCloudFactory(opts), check: createCredentialChecker(opts), checkAccess: createAccessChecker(opts) };
}
