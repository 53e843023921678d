/**
 * The doctor: what this tool needs from a person's Mendix credentials and what is missing, per node
 * and environment, found with read-only calls only (GETs; nothing is created, changed or deleted).
 * Each missing item says where to grant it in the portal. Used by `mendix-migrate doctor` and the
 * "Mendix: Check Access" command.
 */
import { MendixApiError, MendixMissingCredentialsError } from '../mendix/api/errors';
import type { MendixClient } from '../mendix/api/mendixClient';

export type AccessStatus = 'ok' | 'missing' | 'unknown';

export interface AccessItem {
  /** Stable id, e.g. `api-key`, `tc:orderportal`, `api-rights:orderportal/Production`. */
  id: string;
  /** What the item is about: `account`, a node (AppId), or `AppId / environment`. */
  scope: string;
  title: string;
  status: AccessStatus;
  detail: string;
  /** Where to grant it in the portal, when it is missing or unknown. */
  grant?: string;
}

export interface AccessReport {
  username?: string;
  checkedAt: string;
  items: AccessItem[];
  /** Every item ok. */
  ok: boolean;
}

export interface AccessCheckOptions {
  /** The API key's user name (also the member id node permissions are listed under). */
  username?: string;
  /** AppIds (node sub-domains) or Project IDs to check; default every licensed app the credentials see. */
  apps?: readonly string[];
  signal?: AbortSignal;
  now?: () => Date;
}

export const GRANT = {
  apiKey: 'Portal: your avatar → Personal Settings → Developer Settings → API Keys: create a key and use it with the user name it belongs to.',
  pat: 'Portal: your avatar → Personal Settings → Developer Settings → Personal Access Tokens: create a token with the scopes mx:deployment:read and mx:deployment:write.',
  patWrite:
    'Portal: your avatar → Personal Settings → Developer Settings → Personal Access Tokens: create a token that includes mx:deployment:write (needed to re-grant node permissions after relinking, and for central certificates).',
  admin:
    'Only needed for central certificates on the custom domain: a Mendix Admin of your company adds you in Control Center → Mendix Admins (or a Mendix Admin handles the certificate step).',
  appVisible: (app: string) =>
    `Check the AppId or Project ID "${app}"; otherwise the app's Technical Contact adds you to its team (portal: the app → Team) and grants you node permissions.`,
  technicalContact: (app: string, current: string | undefined) =>
    `The current Technical Contact${current ? ` (${current})` : ''} or a Mendix Admin makes you Technical Contact of ${app} (portal: the app → Team, or Control Center → Apps). Linking nodes needs the Technical Contact of both nodes.`,
  nodePermission: (right: string, app: string, env: string, user: string) =>
    `Portal: ${app} → Environments → Permissions tab → ${env}: tick "${right}" for ${user} (the Technical Contact or someone with "Manage Permissions" can).`,
} as const;

type Probe<T> = { ok: true; value: T } | { ok: false; error: unknown };

async function probe<T>(f: () => Promise<T>): Promise<Probe<T>> {
  try {
    return { ok: true, value: await f() };
  } catch (e) {
    if (e instanceof Error && e.name === 'AbortError') throw e;
    return { ok: false, error: e };
  }
}

function statusOf(e: unknown): number | undefined {
  return e instanceof MendixApiError ? e.status : undefined;
}

function why(e: unknown): string {
  if (e instanceof MendixMissingCredentialsError) return 'no credentials of this kind were given';
  if (e instanceof MendixApiError) return `HTTP ${e.status}${e.errorCode ? ` ${e.errorCode}` : ''}${e.serverMessage ? `: ${e.serverMessage}` : ''}`;
  return e instanceof Error ? e.message : String(e);
}

interface NodeRef {
  appId: string;
  projectId: string;
  name: string;
}

interface EnvRef {
  id: string;
  /** v1 Mode when known, else the v4 display name. */
  mode: string;
  displayName: string;
}

/** Runs every check; never throws for a missing right (that is an item), only for cancellation. */
export async function checkAccess(client: MendixClient, opts: AccessCheckOptions = {}): Promise<AccessReport> {
  const call = { signal: opts.signal };
  const items: AccessItem[] = [];
  const user = opts.username;
  const add = (i: AccessItem) => items.push(i);

  // Credentials.
  const v1Apps = await probe(() => client.v1.listApps(call));
  const apiKeyOk = v1Apps.ok;
  add({
    id: 'api-key',
    scope: 'account',
    title: 'API key valid (Deploy API, Build API, Backups API)',
    status: v1Apps.ok ? 'ok' : statusOf(v1Apps.error) === 401 || v1Apps.error instanceof MendixMissingCredentialsError ? 'missing' : 'unknown',
    detail: v1Apps.ok ? `accepted for ${user ?? 'the user'}; ${v1Apps.value.length} licensed app(s) visible` : why(v1Apps.error),
    grant: v1Apps.ok ? undefined : GRANT.apiKey,
  });
  const v4Probe = await probe(() => client.v4.listApps({ ...call, limit: 1 }));
  const patOk = v4Probe.ok;
  const patError = v4Probe.ok ? undefined : v4Probe.error;
  add({
    id: 'pat',
    scope: 'account',
    title: 'Personal Access Token valid (Deploy API v4)',
    status: patOk ? 'ok' : statusOf(patError) === 401 || patError instanceof MendixMissingCredentialsError ? 'missing' : 'unknown',
    detail: patOk ? 'accepted (so it has mx:deployment:read)' : why(patError),
    grant: patOk ? undefined : GRANT.pat,
  });

  // Write scope and Mendix Admin: the Certificate API's list (a GET) needs both, and says which is missing.
  const certs = patOk ? await probe(() => client.certificates.listCertificates({ ...call, limit: 1 })) : undefined;
  items.push(...writeScopeItems(certs));

  // Which nodes: the ones asked for, or every licensed app the credentials see.
  const nodes = await nodesToCheck(client, opts, v1Apps.ok ? v1Apps.value.map((a) => ({ appId: a.AppId, projectId: a.ProjectId, name: a.Name })) : undefined, patOk);
  for (const n of nodes.unresolved) {
    add({ id: `app:${n}`, scope: n, title: 'App visible to these credentials', status: 'missing', detail: `${n} is not among the apps these credentials can see`, grant: GRANT.appVisible(n) });
  }

  for (const node of nodes.found) {
    // Technical Contact (v4).
    const app = patOk ? await probe(() => client.v4.getApp(node.projectId, call)) : undefined;
    const tc = app?.ok ? app.value.technicalContact?.userId : undefined;
    add({
      id: `tc:${node.appId}`,
      scope: node.appId,
      title: `Technical Contact of ${node.name}`,
      status: !app || !app.ok || !user || !tc ? 'unknown' : tc.toLowerCase() === user.toLowerCase() ? 'ok' : 'missing',
      detail: !app ? 'not checked: needs a valid Personal Access Token' : !app.ok ? why(app.error) : !tc ? 'the API does not show a Technical Contact' : !user ? `the Technical Contact is ${tc}` : tc.toLowerCase() === user.toLowerCase() ? `${user} is Technical Contact` : `the Technical Contact is ${tc}, not ${user}`,
      grant: app?.ok && tc && user && tc.toLowerCase() === user.toLowerCase() ? undefined : GRANT.technicalContact(node.name, tc),
    });

    for (const env of await environmentsOf(client, node, apiKeyOk, patOk, call)) {
      items.push(...(await environmentItems(client, node, env, { user, apiKeyOk, patOk, call })));
    }
  }

  return { username: user, checkedAt: (opts.now?.() ?? new Date()).toISOString(), items, ok: items.every((i) => i.status === 'ok') };
}

/** The token's write scope and the Mendix Admin role, read from the Certificate API's answer (undefined: the token is not valid). */
function writeScopeItems(certs: Probe<unknown> | undefined): AccessItem[] {
  if (!certs) {
    return [
      { id: 'pat-write', scope: 'account', title: 'Token scope mx:deployment:write', status: 'unknown', detail: 'not checked: the token is not valid', grant: GRANT.patWrite },
      { id: 'mendix-admin', scope: 'account', title: 'Mendix Admin (for central certificates)', status: 'unknown', detail: 'not checked: the token is not valid', grant: GRANT.admin },
    ];
  }
  if (certs.ok) {
    return [
      { id: 'pat-write', scope: 'account', title: 'Token scope mx:deployment:write', status: 'ok', detail: 'the Certificate API answered, which needs this scope' },
      { id: 'mendix-admin', scope: 'account', title: 'Mendix Admin (for central certificates)', status: 'ok', detail: 'the Certificate API answered, which needs a Mendix Admin' },
    ];
  }
  const text = why(certs.error);
  const scope = /scope/i.test(text);
  const admin = /admin/i.test(text);
  return [
    {
      id: 'pat-write',
      scope: 'account',
      title: 'Token scope mx:deployment:write',
      status: scope ? 'missing' : admin ? 'ok' : 'unknown',
      detail: scope ? text : admin ? 'the Certificate API accepted the token’s scope and refused only the role' : `could not tell: ${text}`,
      grant: scope || !admin ? GRANT.patWrite : undefined,
    },
    {
      id: 'mendix-admin',
      scope: 'account',
      title: 'Mendix Admin (for central certificates)',
      status: admin && !scope ? 'missing' : 'unknown',
      detail: admin && !scope ? text : scope ? 'cannot tell without a token that has mx:deployment:write' : `could not tell: ${text}`,
      grant: GRANT.admin,
    },
  ];
}

async function nodesToCheck(client: MendixClient, opts: AccessCheckOptions, v1: NodeRef[] | undefined, patOk: boolean): Promise<{ found: NodeRef[]; unresolved: string[] }> {
  let visible = v1;
  if (!visible && patOk) {
    visible = [];
    for await (const a of client.v4.iterateApps({ licenseType: 'licensed', signal: opts.signal })) visible.push({ appId: a.subdomain, projectId: a.id, name: a.name });
  }
  visible ??= [];
  if (!opts.apps || opts.apps.length === 0) return { found: visible, unresolved: [] };
  const found: NodeRef[] = [];
  const unresolved: string[] = [];
  for (const want of opts.apps) {
    const w = want.toLowerCase();
    const hit = visible.find((n) => n.appId.toLowerCase() === w || n.projectId.toLowerCase() === w);
    if (hit) found.push(hit);
    else unresolved.push(want);
  }
  return { found, unresolved };
}

async function environmentsOf(client: MendixClient, node: NodeRef, apiKeyOk: boolean, patOk: boolean, call: { signal?: AbortSignal }): Promise<EnvRef[]> {
  const v4 = patOk ? await probe(() => client.v4.listAllEnvironments(node.projectId, call)) : undefined;
  const v1 = apiKeyOk ? await probe(() => client.v1.listEnvironments(node.appId, call)) : undefined;
  const modes = new Map(v1?.ok ? v1.value.map((e) => [e.EnvironmentId, e.Mode]) : []);
  if (v4?.ok) return v4.value.map((e) => ({ id: e.id, mode: modes.get(e.id) ?? e.name, displayName: e.name }));
  return v1?.ok ? v1.value.map((e) => ({ id: e.EnvironmentId, mode: e.Mode, displayName: e.Mode })) : [];
}

const RIGHTS = [
  { key: 'canAccessAPI', id: 'api-rights', name: 'API Rights' },
  { key: 'canDeployApp', id: 'transport-rights', name: 'Transport Rights' },
  { key: 'canManageBackups', id: 'backups', name: 'Access to Backups' },
] as const;

async function environmentItems(
  client: MendixClient,
  node: NodeRef,
  env: EnvRef,
  o: { user?: string; apiKeyOk: boolean; patOk: boolean; call: { signal?: AbortSignal } },
): Promise<AccessItem[]> {
  const scope = `${node.appId} / ${env.mode}`;
  const label = env.displayName === env.mode ? env.mode : `${env.mode} (“${env.displayName}”)`;
  // The node permissions as v4 lists them, asked for this member only (the listing pages).
  const perms = o.patOk && o.user ? await probe(() => client.v4.listPermissions(node.projectId, env.id, { ...o.call, userId: o.user })) : undefined;
  const mine = perms?.ok ? perms.value.permissions.find((p) => p.member.userId.toLowerCase() === (o.user ?? '').toLowerCase()) : undefined;
  // Read-only confirmations through the API-key families.
  const v1Read = o.apiKeyOk ? await probe(() => client.v1.getEnvironment(node.appId, env.mode, o.call)) : undefined;
  const backupsRead = o.apiKeyOk ? await probe(() => client.backups.listSnapshots(node.projectId, env.id, { ...o.call, limit: 1 })) : undefined;

  return RIGHTS.map((r): AccessItem => {
    const id = `${r.id}:${node.appId}/${env.mode}`;
    const title = `${r.name} on ${label}`;
    const grant = GRANT.nodePermission(r.name, node.name, env.displayName, o.user ?? 'you');
    if (perms?.ok) {
      const has = mine?.[r.key] === true;
      const confirm =
        r.key === 'canAccessAPI' && v1Read ? (v1Read.ok ? '; a Deploy API read confirms it' : `; a Deploy API read failed: ${why(v1Read.error)}`) : r.key === 'canManageBackups' && backupsRead ? (backupsRead.ok ? '; a Backups API read confirms it' : `; a Backups API read failed: ${why(backupsRead.error)}`) : '';
      return {
        id,
        scope,
        title,
        status: has ? 'ok' : 'missing',
        detail: `${!mine ? `${o.user ?? 'the user'} is not listed in the node permissions` : has ? 'granted in the node permissions' : 'not granted in the node permissions'}${confirm}`,
        grant: has ? undefined : grant,
      };
    }
    // Without v4: what the API-key reads show, where a read can show it.
    const fallback = r.key === 'canAccessAPI' ? v1Read : r.key === 'canManageBackups' ? backupsRead : undefined;
    const noV4 = perms ? `node permissions not readable (${why(perms.error)})` : !o.user ? 'no user name given, so node permissions cannot be looked up' : 'node permissions need a valid Personal Access Token';
    if (!fallback) return { id, scope, title, status: 'unknown', detail: noV4, grant };
    if (fallback.ok) return { id, scope, title, status: 'ok', detail: `a read-only call succeeded; ${noV4}` };
    const denied = statusOf(fallback.error) === 403;
    return { id, scope, title, status: denied ? 'missing' : 'unknown', detail: `${why(fallback.error)}; ${noV4}`, grant };
  });
}
