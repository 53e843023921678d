/**
 * The one way to reach Mendix Cloud: per set of credentials, an API client and the `MendixCloud` port
 * over it (the tree, the engine and the CLI all build theirs here), plus the sign-in credential check.
 */
import type { MendixApiConfig } from './api/config';
import { MendixClient } from './api/mendixClient';
import type { Logger } from '../shared/logger';
import type { Redactor } from '../shared/redact';
import type { ClientAdapterOptions } from './clientAdapter';
import { ClientMendixCloud } from './clientCloud';
import type { CredentialCheck, CredentialChecker, Credentials, MendixCloud } from './services';

const FAMILY_TEXT = { apiKey: 'The username and API key', v4: 'The Personal Access Token', certificates: 'The Personal Access Token' } as const;

export interface ClientFactoryOptions {
  /** Read at each client creation, so a settings change applies to the next sign-in or refresh. */
  config: () => Partial<MendixApiConfig>;
  log: Logger;
  /** Also given the credentials by the client as it is built, so they are masked before anything is logged. */
  redactor: Redactor;
  /** Log component of transfers and the port's own warnings (default `api`). */
  component?: string;
  /** Replacements of the port's local checks (HTTP check of an app URL, custom-domain DNS check). */
  checks?: (client: MendixClient) => Pick<ClientAdapterOptions, 'httpCheck' | 'checkCustomDomain' | 'connections'>;
  /** Connections per download (the `transfer.connections` setting), read at each client creation. */
  connections?: () => number | undefined;
}

export interface CloudConnection {
  cloud: ClientMendixCloud;
  /** The API client under the port: dispose it when the connection is no longer used. */
  client: MendixClient;
}

export function connectMendixCloud(credentials: Credentials, opts: ClientFactoryOptions): CloudConnection {
  const client = new MendixClient({ credentials, config: opts.config(), logger: opts.log.child('api'), redactor: opts.redactor });
  const cloud = new ClientMendixCloud({
    client,
    username: credentials.username ?? '',
    logger: opts.log.child(opts.component ?? 'api'),
    connections: opts.connections?.(),
    ...opts.checks?.(client),
  });
  return { cloud, client };
}

export function createCloudFactory(opts: ClientFactoryOptions): (credentials: Credentials) => MendixCloud {
  return (credentials) => connectMendixCloud(credentials, opts).cloud;
}

export function createCredentialChecker(opts: ClientFactoryOptions): CredentialChecker {
  return async (credentials, signal): Promise<CredentialCheck> => {
    const client = new MendixClient({ credentials, config: opts.config(), logger: opts.log.child('signIn'), redactor: opts.redactor });
    try {
      const checks = await client.checkCredentials({ signal });
      if (checks.length === 0) return { ok: false, problems: ['Enter a username and API key, or a Personal Access Token.'] };
      const failed = checks.filter((c) => !c.ok);
      const refused = (c: (typeof checks)[number]) => c.status === 401 || c.status === 403;
      const problems = failed.map((c) => {
        const what = FAMILY_TEXT[c.family];
        if (refused(c)) return `${what} ${c.status === 401 ? 'were not accepted' : 'lack access'} (HTTP ${c.status}).`;
        return `${what} could not be checked: ${c.message ?? 'no answer'}.`;
      });
      if (failed.length === 0) return { ok: true, problems };
      return { ok: false, problems, failure: failed.some(refused) ? 'rejected' : 'unreachable' };
    } finally {
      client.dispose();
    }
  };
}
