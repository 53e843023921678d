/**
 * Who is calling, and may they? API keys (`Mendix-Username` + `Mendix-ApiKey`) for v1/Build/v2/
 * Backups; `Authorization: MxToken <PAT>` (prefix case-insensitive, contract §13.7) for v4 and the
 * Certificate API. Node permissions are per user per environment.
 */
import type { IncomingHttpHeaders } from 'node:http';
import { ApiError, v4Error } from './errors';
import type { AppNode, Environment, PatScope, PermissionName, User } from './model';
import type { Store } from './store';

function header(headers: IncomingHttpHeaders, name: string): string | undefined {
  const v = headers[name];
  return Array.isArray(v) ? v[0] : v;
}

export function apiKeyUser(store: Store, headers: IncomingHttpHeaders): User {
  const username = header(headers, 'mendix-username');
  const key = header(headers, 'mendix-apikey');
  if (!username || !key) throw new ApiError(401, 'UNAUTHORIZED', 'Missing Mendix-Username or Mendix-ApiKey header');
  const user = Object.values(store.state.users).find((u) => u.id.toLowerCase() === username.toLowerCase());
  if (!user || user.apiKey !== key) throw new ApiError(401, 'UNAUTHORIZED', 'Invalid credentials');
  return user;
}

export interface TokenCaller {
  user: User;
  scopes: PatScope[];
}

const MX_TOKEN = /^mxtoken\s+(\S+)\s*$/i;

/** Resolves a PAT; the error shape follows the family (v4 or Certificate API). */
export function tokenCaller(store: Store, headers: IncomingHttpHeaders, family: 'v4' | 'certificates'): TokenCaller {
  const m = MX_TOKEN.exec(header(headers, 'authorization') ?? '');
  const pat = m ? store.state.pats[m[1]] : undefined;
  const user = pat ? store.state.users[pat.userId] : undefined;
  if (!pat || !user) {
    if (family === 'v4') throw v4Error(401, 'Unauthorized', [{ name: 'Authorization', reason: 'Missing or invalid Authorization header' }]);
    throw new ApiError(401, 'UNAUTHORIZED', 'Unauthorized', { detail: 'Missing or invalid Authorization header' });
  }
  return { user, scopes: pat.scopes };
}

/** PAT scope check: reads need read (or write), everything else needs write. */
export function requireScope(caller: TokenCaller, write: boolean, family: 'v4' | 'certificates'): void {
  const ok = write ? caller.scopes.includes('mx:deployment:write') : caller.scopes.length > 0;
  if (ok) return;
  if (family === 'v4') throw v4Error(403, 'Forbidden', [{ name: 'Authorization', reason: 'The token is not accepted' }]);
  throw new ApiError(403, 'FORBIDDEN', 'Forbidden', { detail: 'The token does not have the mx:deployment:write scope' });
}

export function hasPermission(user: User, env: Environment, perm: PermissionName): boolean {
  return env.permissions[user.id]?.[perm] === true;
}

/** v1/v2 node-permission check: 403 NO_ACCESS when any listed permission is missing. */
export function requireEnvPermissions(user: User, env: Environment, perms: PermissionName[]): void {
  const missing = perms.filter((p) => !hasPermission(user, env, p));
  if (missing.length > 0) {
    throw new ApiError(403, 'NO_ACCESS', `You do not have ${missing.map(describe).join(' and ')} for environment ${env.name}`);
  }
}

/** App-level calls need the permission on at least one environment of the node. */
export function requireNodePermissions(store: Store, user: User, node: AppNode, perms: PermissionName[]): void {
  const envs = store.environmentsOf(node);
  if (!envs.some((e) => perms.every((p) => hasPermission(user, e, p)))) {
    throw new ApiError(403, 'NO_ACCESS', `You do not have ${perms.map(describe).join(' and ')} for this app`);
  }
}

function describe(p: PermissionName): string {
  const names: Record<PermissionName, string> = {
    canAccessAPI: 'API Rights',
    canDeployApp: 'Transport Rights',
    canManageBackups: 'Access to Backups',
    canViewLogs: 'Access to Logs',
    canViewAlerts: 'Access to Monitoring',
    canManagePrivileges: 'Manage Permissions',
  };
  return names[p];
}
