/** Human hints for the error answers people hit most; kept apart so the wording is easy to review. */
import type { ApiFamily } from './config';

const API_KEY_WHERE = 'create an API key in the Mendix Portal under your profile → API Keys';
const PAT_WHERE = 'create a Personal Access Token in the Mendix Portal under your profile → Personal Access Tokens';

export interface HintInput {
  family: ApiFamily;
  method: string;
  path: string;
  status: number;
  errorCode?: string;
  serverMessage?: string;
}

/** Node permission a v1-family path needs beyond API Rights (see the contract §1.1). */
function permissionFor(path: string, method: string): string {
  if (/\/api\/v2\/apps\/[^/]+\/environments\/[^/]+\/(snapshots|restores)/.test(path)) {
    return 'API Rights and Access to Backups';
  }
  const writes = /\/(transport|start|stop|settings|scale|clean|tags)(\/|$)|\/packages\/upload/;
  if (method !== 'GET' && writes.test(path)) return 'API Rights and Transport Rights';
  return 'API Rights';
}

export function hintFor(h: HintInput): string | undefined {
  const code = (h.errorCode ?? '').toUpperCase().replace(/\s+/g, '_');
  if (h.status === 401) {
    return h.family === 'apiKey'
      ? `check the username and API key (${API_KEY_WHERE})`
      : `check the Personal Access Token — it may be revoked or expired (${PAT_WHERE})`;
  }
  if (h.status === 403) {
    if (code === 'APP_IS_RUNNING') return 'stop the environment first, then try again';
    if (code === 'ENVIRONMENT_NOT_STOPPED') return 'stop the environment first, then try again';
    if (code === 'NO_ACCESS') {
      return `grant yourself ${permissionFor(h.path, h.method)} for this environment in the Mendix Portal: the node's Environments → Permissions (Node Permissions)`;
    }
    if (code === 'TRANSPORT_NOT_ALLOWED') return 'this environment does not accept transports from the API (check the node plan and Transport Rights)';
    if (h.family === 'v4' && h.method !== 'GET') {
      return 'the Personal Access Token needs the scope mx:deployment:write for changes (a read-only token has only mx:deployment:read); also check you are Technical Contact or have Manage Permissions';
    }
    if (h.family === 'v4') return 'the token is not accepted for this app or environment: check the PAT scopes (mx:deployment:read) and your node permissions';
    if (h.family === 'certificates') return 'the Certificate API needs a PAT with mx:deployment:write and a Mendix Admin account of the company';
    return `check your node permissions (${permissionFor(h.path, h.method)}) in the Mendix Portal's Node Permissions`;
  }
  if (h.status === 404) {
    if (code === 'APP_NOT_FOUND') return 'no app with this AppId (the v1 AppId is the app sub-domain, not the project UUID)';
    if (code === 'ENVIRONMENT_NOT_FOUND') return 'no such environment: check the environment name (Mode) or EnvironmentId';
    if (code === 'PACKAGE_NOT_FOUND') return 'no such deployment package (it may have expired or nothing is deployed)';
    if (/permission not found/i.test(h.serverMessage ?? '')) return 'that user has no permissions on this environment yet: invite them to the app first, then grant permissions';
    if (code === 'NO_SUCH_STARTJOB') return 'the start job is unknown; look at the environment status instead';
    return 'not found: check the app, environment and object IDs (and that the app is linked to the node you expect)';
  }
  if (h.status === 400 && code === 'ERROR_NOT_ALLOWED') return 'restores need a stopped environment and a completed snapshot of the same app';
  if (h.status === 400 && code === 'ENVIRONMENT_BUSY') return 'another backup or restore is running on this environment; wait for it to finish';
  if (h.status === 400 && code === 'INVALID_RUNTIME_VERSION') return 'the target does not accept this Mendix version; migrate with a supported version and no runtime upgrade';
  if (h.status === 409 && code === 'PACKAGE_IN_USE') return 'the package is deployed somewhere; it cannot be deleted';
  if (h.status === 500 && code === 'NO_MDA_HAS_BEEN_DEPLOYED') return 'transport a package to this environment before starting it';
  if (h.status === 500 && code === 'INVALID_DB_STRUCTURE') return 'start with AutoSyncDb: true to synchronise the database with the model';
  return undefined;
}
