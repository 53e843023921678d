/** Deploy API v4 (contract §6): apps, environments, permissions; PAT auth; v4 error bodies and pagination. */
import type { FastifyInstance, FastifyRequest } from 'fastify';
import { requireScope, tokenCaller, type TokenCaller } from '../auth';
import type { EmulatorContext } from '../context';
import { v4Error } from '../errors';
import { PERMISSION_NAMES, type Environment, type Permission, type Project } from '../model';
import { v4App, v4Env } from '../views';

const MAX_LIMIT = 100;
const DEFAULT_LIMIT = 20;

function page(q: { offset?: string; limit?: string }): { offset: number; limit: number } {
  const offset = q.offset === undefined ? 0 : Number(q.offset);
  const limit = q.limit === undefined ? DEFAULT_LIMIT : Number(q.limit);
  const bad = [];
  if (!Number.isInteger(offset) || offset < 0) bad.push({ name: 'offset', reason: 'must be an integer >= 0' });
  if (!Number.isInteger(limit) || limit < 1) bad.push({ name: 'limit', reason: 'must be an integer >= 1' });
  if (bad.length > 0) throw v4Error(400, 'Bad Request', bad);
  return { offset, limit: Math.min(limit, MAX_LIMIT) };
}

function paginate<T>(items: T[], p: { offset: number; limit: number }): { items: T[]; pagination: { offset: number; limit: number; size: number } } {
  const slice = items.slice(p.offset, p.offset + p.limit);
  return { items: slice, pagination: { offset: p.offset, limit: p.limit, size: slice.length } };
}

export function registerDeployV4(app: FastifyInstance, ctx: EmulatorContext): void {
  const { store } = ctx;

  const caller = (req: FastifyRequest, write: boolean): TokenCaller => {
    const c = tokenCaller(store, req.headers, 'v4');
    requireScope(c, write, 'v4');
    return c;
  };
  const projectFor = (c: TokenCaller, appId: string): Project => {
    const project = store.state.projects[appId];
    if (!project) throw v4Error(404, 'Application not found');
    if (!project.members.includes(c.user.id)) {
      throw v4Error(403, 'Forbidden', [{ name: 'appId', reason: `The account is not privileged to perform this request for application ${appId}` }]);
    }
    return project;
  };
  const envFor = (project: Project, environmentId: string): Environment => {
    const node = store.nodeOfProject(project.id);
    const env = node && node.environmentIds.includes(environmentId) ? store.state.environments[environmentId] : undefined;
    if (!env) throw v4Error(404, 'Environment not found');
    return env;
  };
  const technicalContactOf = (project: Project): string => store.nodeOfProject(project.id)?.technicalContactId ?? project.ownerId;

  app.get<{ Querystring: { offset?: string; limit?: string; licenseType?: string } }>('/api/v4/apps', (req) => {
    const c = caller(req, false);
    const p = page(req.query);
    const lt = req.query.licenseType;
    if (lt !== undefined && lt !== 'free' && lt !== 'licensed') throw v4Error(400, 'Bad Request', [{ name: 'licenseType', reason: 'must be free or licensed' }]);
    const nodeOf = new Map(Object.values(store.state.nodes).map((n) => [n.linkedProjectId, n]));
    const licensed = (x: Project) => (nodeOf.get(x.id)?.generation ?? 'free') !== 'free';
    const apps = Object.values(store.state.projects)
      .filter((x) => x.members.includes(c.user.id))
      .filter((x) => lt === undefined || licensed(x) === (lt === 'licensed'))
      .sort((a, b) => a.name.localeCompare(b.name));
    const r = paginate(apps, p);
    return { apps: r.items.map((x) => v4App(store, x, nodeOf.get(x.id))), pagination: r.pagination };
  });

  app.get<{ Params: { appId: string } }>('/api/v4/apps/:appId', (req) => v4App(store, projectFor(caller(req, false), req.params.appId)));

  app.patch<{ Params: { appId: string } }>('/api/v4/apps/:appId', (req, reply) => {
    const c = caller(req, true);
    const project = projectFor(c, req.params.appId);
    const body = req.body as { technicalContact?: { userId?: unknown } } | undefined;
    const userId = body?.technicalContact?.userId;
    if (typeof userId !== 'string' || userId === '') throw v4Error(400, 'Bad Request', [{ name: 'technicalContact.userId', reason: 'is required' }]);
    // The Technical Contact, or a Mendix Admin of the company (contract §14.12).
    if (technicalContactOf(project) !== c.user.id && !c.user.isMendixAdmin) throw v4Error(403, 'The user is not the Technical Contact of the app');
    const target = store.state.users[userId];
    if (!target) throw v4Error(400, `User ${userId} not found`);
    if (!project.members.includes(userId)) throw v4Error(400, `User ${userId} is not member of an application`);
    const node = store.nodeOfProject(project.id);
    if (node) node.technicalContactId = userId;
    else project.ownerId = userId;
    store.changed();
    return reply.code(200).send();
  });

  app.get<{ Params: { appId: string }; Querystring: { offset?: string; limit?: string; sort?: string; expand?: string } }>('/api/v4/apps/:appId/environments', (req) => {
    const c = caller(req, false);
    const project = projectFor(c, req.params.appId);
    const p = page(req.query);
    // An unencoded "+" arrives as a space; treat it as the "+" it was meant to be.
    const sort = (req.query.sort ?? 'name').replace(/^ /, '+');
    const m = /^([+-]?)(name|index)$/.exec(sort);
    if (!m) throw v4Error(400, 'Bad Request', [{ name: 'sort', reason: 'must be one of name, index, +name, -name, +index, -index' }]);
    const expand = req.query.expand;
    if (expand !== undefined && expand !== 'package') throw v4Error(400, 'Bad Request', [{ name: 'expand', reason: 'only package can be expanded' }]);
    const node = store.nodeOfProject(project.id);
    const envs = node ? store.environmentsOf(node).map((e, index) => ({ e, index })) : [];
    envs.sort((a, b) => (m[2] === 'name' ? a.e.name.localeCompare(b.e.name) : a.index - b.index) * (m[1] === '-' ? -1 : 1));
    const r = paginate(envs, p);
    return { environments: r.items.map((x) => v4Env(store, x.e, project.id, expand === 'package')), pagination: r.pagination };
  });

  app.get<{ Params: { appId: string; environmentId: string }; Querystring: { expand?: string } }>('/api/v4/apps/:appId/environments/:environmentId', (req) => {
    const c = caller(req, false);
    const project = projectFor(c, req.params.appId);
    const env = envFor(project, req.params.environmentId);
    const expand = req.query.expand;
    if (expand !== undefined && expand !== 'package') throw v4Error(400, 'Bad Request', [{ name: 'expand', reason: 'only package can be expanded' }]);
    return v4Env(store, env, project.id, expand === 'package');
  });

  const permView = (userId: string, p: Permission) => ({ member: { userId }, ...p });
  // The newest spec types the GET flags as strings and its example shows 'true'/'false' (§14.2);
  // PATCH bodies and answers stay boolean.
  const permGetView = (userId: string, p: Permission) => ({
    member: { userId },
    ...Object.fromEntries(PERMISSION_NAMES.map((n) => [n, p[n] ? 'true' : 'false'])),
  });

  app.get<{ Params: { appId: string; environmentId: string }; Querystring: { userId?: string; offset?: string; limit?: string } }>(
    '/api/v4/apps/:appId/environments/:environmentId/permissions',
    (req) => {
      const c = caller(req, false);
      const project = projectFor(c, req.params.appId);
      const env = envFor(project, req.params.environmentId);
      const p = page(req.query);
      const all = Object.entries(env.permissions)
        .filter(([u]) => req.query.userId === undefined || u.toLowerCase() === req.query.userId.toLowerCase())
        .map(([u, perm]) => permGetView(u, perm));
      const r = paginate(all, p);
      return { technicalContact: technicalContactOf(project), permissions: r.items, pagination: r.pagination };
    },
  );

  app.patch<{ Params: { appId: string; environmentId: string } }>('/api/v4/apps/:appId/environments/:environmentId/permissions', (req) => {
    const c = caller(req, true);
    const project = projectFor(c, req.params.appId);
    const env = envFor(project, req.params.environmentId);
    const isTc = technicalContactOf(project) === c.user.id;
    if (!isTc && !c.user.isMendixAdmin && env.permissions[c.user.id]?.canManagePrivileges !== true) {
      throw v4Error(403, 'Forbidden', [{ name: 'environmentId', reason: `The account is not privileged to perform this request for environment ${env.id}` }]);
    }
    const list = (req.body as { permissions?: unknown } | undefined)?.permissions;
    if (!Array.isArray(list) || list.length === 0) throw v4Error(400, 'Bad Request', [{ name: 'permissions', reason: 'must be a non-empty list' }]);
    const changes: { userId: string; values: Partial<Permission> }[] = [];
    for (const [i, raw] of list.entries()) {
      const item = raw as Record<string, unknown> | null;
      const userId = (item?.member as { userId?: unknown } | undefined)?.userId;
      if (typeof userId !== 'string') throw v4Error(400, 'Bad Request', [{ name: `permissions[${i}].member.userId`, reason: 'is required' }]);
      const values: Partial<Permission> = {};
      for (const name of PERMISSION_NAMES) {
        const v = item?.[name];
        if (v === undefined) continue;
        if (typeof v !== 'boolean') throw v4Error(400, 'Bad Request', [{ name: `permissions[${i}].${name}`, reason: 'must be a boolean' }]);
        values[name] = v;
      }
      if (!env.permissions[userId]) throw v4Error(404, `Permission not found for user ${userId}`);
      if (values.canManagePrivileges !== undefined && values.canManagePrivileges !== env.permissions[userId].canManagePrivileges && !isTc) {
        throw v4Error(403, 'Only technical contact can change manage permission');
      }
      changes.push({ userId, values });
    }
    for (const ch of changes) Object.assign(env.permissions[ch.userId], ch.values);
    store.changed();
    return { permissions: changes.map((ch) => permView(ch.userId, env.permissions[ch.userId])) };
  });
}
