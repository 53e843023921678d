/** The doctor behind an injectable function: builds a client for one set of credentials, checks, disposes. */
import type { MendixApiConfig } from '../mendix/api/config';
import { MendixClient } from '../mendix/api/mendixClient';
import type { Logger } from '../shared/logger';
import type { Redactor } from '../shared/redact';
import { checkAccess, type AccessReport } from './accessCheck';

export interface AccessCredentials {
  username?: string;
  apiKey?: string;
  pat?: string;
}

/** Runs the read-only access check for these credentials. */
export type AccessChecker = (credentials: AccessCredentials, signal?: AbortSignal) => Promise<AccessReport>;

export function createAccessChecker(opts: { config: () => Partial<MendixApiConfig>; log: Logger; redactor: Redactor }): AccessChecker {
  return async (credentials, signal) => {
    const client = new MendixClient({ credentials, config: opts.config(), logger: opts.log.child('doctor'), redactor: opts.redactor });
    try {
      return await checkAccess(client, { username: credentials.username, signal });
    } finally {
      client.dispose();
    }
  };
}
