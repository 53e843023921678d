/**
 * Portal and Support actions that have no public API (contract §11): link a project to a node, change
 * an app URL, bind a custom domain, offboard a node. Exposed under `/_emulator/portal/...`.
 */
import { ApiError } from './errors';
import { allPermissions, type AppNode } from './model';
import type { Store } from './store';

function fail(status: number, code: string, message: string): never {
  throw new ApiError(status, code, message);
}

function nodeOrFail(store: Store, sub: unknown): AppNode {
  if (typeof sub !== 'string') fail(400, 'INVALID_PARAMETERS', 'nodeSubdomain is required');
  const node = store.nodeBySubdomain(sub);
  if (!node || node.generation === 'free') fail(404, 'NODE_NOT_FOUND', `No licensed node ${sub}`);
  return node;
}

export interface LinkResult {
  projectId: string;
  nodeSubdomain: string;
  displacedProjectId: string | null;
  previousNodeSubdomain: string | null;
}

/**
 * "Use this Node": the node's previous app is unlinked (its data stays on the node), the project
 * leaves its old node, and the node's team and permissions are reset (only the Technical Contact
 * remains, with nothing granted; v4 PATCH permissions re-grants).
 */
export function linkProject(store: Store, projectId: unknown, nodeSubdomain: unknown): LinkResult {
  if (typeof projectId !== 'string') fail(400, 'INVALID_PARAMETERS', 'projectId is required');
  const project = store.state.projects[projectId];
  if (!project) fail(404, 'PROJECT_NOT_FOUND', `No project ${projectId}`);
  const node = nodeOrFail(store, nodeSubdomain);
  const previous = store.nodeOfProject(project.id);
  const result: LinkResult = {
    projectId: project.id,
    nodeSubdomain: node.subdomain,
    displacedProjectId: node.linkedProjectId !== project.id ? node.linkedProjectId : null,
    previousNodeSubdomain: previous && previous !== node ? previous.subdomain : null,
  };
  if (previous === node) return result;
  if (previous) {
    if (previous.generation === 'free') removeNode(store, previous); // unlinking a Free App deletes its environment
    else previous.linkedProjectId = null;
  }
  node.linkedProjectId = project.id;
  for (const env of store.environmentsOf(node)) env.permissions = { [node.technicalContactId]: allPermissions(false) };
  if (!project.members.includes(node.technicalContactId)) project.members.push(node.technicalContactId);
  store.changed();
  return result;
}

const SUBDOMAIN = /^[a-z0-9](?:[a-z0-9-]*[a-z0-9])?$/;

/** Support ticket "change the app URL": the node's sub-domain (and so v1 AppId and every URL) changes. */
export function changeUrl(store: Store, nodeSubdomain: unknown, newSubdomain: unknown): AppNode {
  const node = nodeOrFail(store, nodeSubdomain);
  if (typeof newSubdomain !== 'string' || newSubdomain.length < 2 || !SUBDOMAIN.test(newSubdomain)) {
    fail(400, 'INVALID_PARAMETERS', 'newSubdomain must be at least 2 characters of a-z, 0-9 and inner hyphens');
  }
  if (store.nodeBySubdomain(newSubdomain)) fail(409, 'SUBDOMAIN_TAKEN', `${newSubdomain} is already in use`);
  node.subdomain = newSubdomain;
  store.changed();
  return node;
}

const DOMAIN = /^(?=.{4,253}$)([a-z0-9](?:[a-z0-9-]{0,61}[a-z0-9])?\.)+[a-z]{2,63}$/;

export function bindCustomDomain(store: Store, environmentId: unknown, domain: unknown, certificateId: unknown): { environmentId: string; domain: string; certificateId: string | null } {
  const env = typeof environmentId === 'string' ? store.state.environments[environmentId] : undefined;
  if (!env) fail(404, 'ENVIRONMENT_NOT_FOUND', 'No such environment');
  if (store.nodeOfEnvironment(env).generation === 'free') fail(400, 'NOT_SUPPORTED', 'Custom domains only work on licensed apps');
  const name = typeof domain === 'string' ? domain.toLowerCase().replace(/\.$/, '') : '';
  if (!DOMAIN.test(name)) fail(400, 'INVALID_PARAMETERS', 'domain is not a valid host name');
  if (name.split('.').length < 3) fail(400, 'APEX_DOMAIN', 'An apex (naked) domain cannot be used; redirect it to a sub-domain');
  const taken = Object.values(store.state.environments).some((e) => e.customDomains.some((d) => d.domain === name));
  if (taken) fail(409, 'DOMAIN_IN_USE', `${name} is already bound`);
  let cert: string | null = null;
  if (certificateId !== undefined && certificateId !== null) {
    if (typeof certificateId !== 'string' || !store.state.certificates[certificateId]) fail(404, 'CERTIFICATE_NOT_FOUND', 'No such certificate');
    cert = certificateId;
  }
  env.customDomains.push({ domain: name, certificateId: cert });
  store.changed();
  return { environmentId: env.id, domain: name, certificateId: cert };
}

export function unbindCustomDomain(store: Store, domain: unknown): void {
  const name = typeof domain === 'string' ? domain.toLowerCase() : '';
  const env = Object.values(store.state.environments).find((e) => e.customDomains.some((d) => d.domain === name));
  if (!env) fail(404, 'DOMAIN_NOT_FOUND', `${name} is not bound`);
  env.customDomains = env.customDomains.filter((d) => d.domain !== name);
  store.changed();
}

/** Support ticket "offboard the node": its environments and backups disappear. */
export function offboardNode(store: Store, nodeSubdomain: unknown): { nodeSubdomain: string; unlinkedProjectId: string | null } {
  const node = nodeOrFail(store, nodeSubdomain);
  const result = { nodeSubdomain: node.subdomain, unlinkedProjectId: node.linkedProjectId };
  removeNode(store, node);
  store.changed();
  return result;
}

function removeNode(store: Store, node: AppNode): void {
  const s = store.state;
  const envIds = new Set(node.environmentIds);
  for (const [id, snap] of Object.entries(s.snapshots)) if (envIds.has(snap.envId)) delete s.snapshots[id];
  for (const [id, a] of Object.entries(s.archives)) if (envIds.has(a.envId)) delete s.archives[id];
  for (const [id, r] of Object.entries(s.restores)) if (envIds.has(r.targetEnvId)) delete s.restores[id];
  for (const [id, j] of Object.entries(s.startJobs)) if (envIds.has(j.envId)) delete s.startJobs[id];
  for (const id of envIds) delete s.environments[id];
  delete s.nodes[node.id];
}
