/** Builds per-account API clients and the sign-in credential check over the shared client. */
import type { MendixApiConfig } from '../api/config';
import { MendixClient } from '../api/mendixClient';
import type { Logger } from '../util/logger';
import type { Redactor } from '../util/redact';
import { ClientCloudService } from './clientCloudService';
import type { CloudService, CredentialCheck, CredentialChecker, Credentials } from './cloudService';

const FAMILY_TEXT = { apiKey: 'The username and API key', v4: 'The Personal Access Token', certificates: 'The Personal Access Token' } as const;

export interface ClientFactoryOptions {
  /** Read at each client creation, so a settings change applies to the next sign-in or refresh. */
  config: () => Partial<MendixApiConfig>;
  log: Logger;
  redactor: Redactor;
  /** Connections per download (the `transfer.connections` setting). */
  connections?: () => number | undefined;
}

export function createCloudServiceFactory(opts: ClientFactoryOptions): (credentials: Credentials) => CloudService {
  return (credentials) => {
    const log = opts.log.child('api');
    const client = new MendixClient({ credentials, config: opts.config(), logger: log, redactor: opts.redactor });
    return new ClientCloudService(client, log, opts.connections);
  };
}

export function createCredentialChecker(opts: ClientFactoryOptions): CredentialChecker {
  return async (credentials, signal): Promise<CredentialCheck> => {
    const client = new MendixClient({ credentials, config: opts.config(), logger: opts.log.child('signIn'), redactor: opts.redactor });
    try {
      const checks = await client.checkCredentials({ signal });
      if (checks.length === 0) return { ok: false, problems: ['Enter a username and API key, or a Personal Access Token.'] };
      const problems = checks
        .filter((c) => !c.ok)
        .map((c) => {
          const what = FAMILY_TEXT[c.family];
          if (c.status === 401 || c.status === 403) return `${what} ${c.status === 401 ? 'were not accepted' : 'lack access'} (HTTP ${c.status}).`;
          return `${what} could not be checked: ${c.message ?? 'no answer'}.`;
        });
      return { ok: problems.length === 0, problems };
    } finally {
      client.dispose();
    }
  };
}
