/** Look-ups shared by the API-key families (v1, Build, v2): app by AppId (= node sub-domain), environment by Mode. */
import type { FastifyRequest } from 'fastify';
import { apiKeyUser, requireEnvPermissions } from '../auth';
import type { EmulatorContext } from '../context';
import { ApiError } from '../errors';
import type { AppNode, Environment, PermissionName, Project, User } from '../model';

export interface AppRef {
  user: User;
  project: Project;
  node: AppNode;
}

export interface EnvRef extends AppRef {
  env: Environment;
}

const APP_ID = /^[a-z0-9][a-z0-9-]*$/i;
const MODE = /^[A-Za-z0-9][A-Za-z0-9-]*$/;

export function callerOf(ctx: EmulatorContext, req: FastifyRequest): User {
  return apiKeyUser(ctx.store, req.headers);
}

/** The app behind a v1 AppId. Unknown, unlinked, or not a member: 404 APP_NOT_FOUND. */
export function resolveApp(ctx: EmulatorContext, req: FastifyRequest, appId: string): AppRef {
  const user = callerOf(ctx, req);
  if (!APP_ID.test(appId)) throw new ApiError(400, 'INVALID_APPID', `Invalid AppId: ${appId}`);
  const node = ctx.store.nodeBySubdomain(appId);
  const project = node ? ctx.store.projectOfNode(node) : undefined;
  if (!node || !project || !project.members.includes(user.id)) throw new ApiError(404, 'APP_NOT_FOUND', `App ${appId} not found`);
  return { user, project, node };
}

/** Rows 4+ do not work for Free Apps (contract §2). */
export function requireLicensed(ref: AppRef): void {
  if (ref.node.generation === 'free') throw new ApiError(400, 'NOT_SUPPORTED', 'This operation is not supported for Free Apps');
}

export function resolveEnv(ctx: EmulatorContext, req: FastifyRequest, appId: string, mode: string, perms: PermissionName[]): EnvRef {
  const ref = resolveApp(ctx, req, appId);
  requireLicensed(ref);
  if (!MODE.test(mode)) throw new ApiError(400, 'INVALID_ENVIRONMENT', `Invalid environment: ${mode}`);
  const env = ctx.store.environmentByMode(ref.node, mode);
  if (!env) throw new ApiError(404, 'ENVIRONMENT_NOT_FOUND', `Environment ${mode} not found`);
  requireEnvPermissions(ref.user, env, perms);
  return { ...ref, env };
}

/** Parses an optional boolean query flag (`url=true`); anything else is 400 INVALID_PARAMETERS. */
export function boolQuery(value: unknown, name: string): boolean {
  if (value === undefined || value === '') return false;
  if (value === 'true') return true;
  if (value === 'false') return false;
  throw new ApiError(400, 'INVALID_PARAMETERS', `${name} must be true or false`);
}

export function bodyObject(body: unknown): Record<string, unknown> {
  if (body === undefined || body === null) return {};
  if (typeof body !== 'object' || Array.isArray(body)) throw new ApiError(400, 'INVALID_PARAMETERS', 'Body must be a JSON object');
  return body as Record<string, unknown>;
}

export function majorOf(version: string): number {
  return Number.parseInt(version.split('.')[0] ?? '0', 10);
}
