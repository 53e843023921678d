/**
 * Joins Deploy API v1 apps (sub-domain AppId, URL) with v4 apps (region, Technical Contact, licence)
 * on ProjectId = v4 id, so one row shows everything. Either list may be missing when the account
 * has only an API key or only a PAT.
 */
import type { CloudApp, NodeGeneration, V1Status } from './services';

/** The v1 fields we use (structural, so this stays independent of the client's schema types). */
export interface V1AppFields {
  AppId: string;
  Name: string;
  ProjectId: string;
  Url?: string;
}

export interface V4AppFields {
  id: string;
  name: string;
  subdomain: string;
  licenseType: 'free' | 'licensed';
  region?: string;
  technicalContact?: { userId: string; name?: string };
}

/**
 * What a node's URL says about its generation: Mendix Cloud v4 URLs carry an `.apps.<region>.`
 * label (`myapp.apps.eu-1c.mendixcloud.com`), v3 URLs do not (`myapp.mendixcloud.com`).
 */
export function generationFromUrl(url: string | undefined): 'v3' | 'v4' | undefined {
  if (!url) return undefined;
  let host: string;
  try {
    host = new URL(url.includes('://') ? url : `https://${url}`).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  if (!host.endsWith('.mendixcloud.com')) return undefined;
  return host.split('.').includes('apps') ? 'v4' : 'v3';
}

function generationOf(v1: V1AppFields | undefined, v4: V4AppFields | undefined, v4Known: boolean): NodeGeneration {
  // A licensed app whose v1 URL has no `.apps.<region>.` label runs on a v3 node, even when v4 lists it.
  if (v1 && generationFromUrl(v1.Url) === 'v3' && v4?.licenseType !== 'free') return 'v3';
  if (v4) return v4.licenseType === 'free' && !v1 ? 'none' : v4.licenseType === 'licensed' ? 'v4' : 'unknown';
  // Deploy API v4 only serves Mendix Cloud v4; an app v1 lists but v4 does not runs on v3.
  if (v1 && v4Known) return 'v3';
  return 'unknown';
}

export function mergeApps(v1: readonly V1AppFields[] | undefined, v4: readonly V4AppFields[] | undefined): CloudApp[] {
  const byProject = new Map<string, { v1?: V1AppFields; v4?: V4AppFields }>();
  for (const a of v1 ?? []) byProject.set(a.ProjectId, { ...byProject.get(a.ProjectId), v1: a });
  for (const a of v4 ?? []) byProject.set(a.id, { ...byProject.get(a.id), v4: a });
  const out: CloudApp[] = [];
  for (const [projectId, { v1: a1, v4: a4 }] of byProject) {
    const generation = generationOf(a1, a4, v4 !== undefined);
    out.push({
      appId: a1?.AppId ?? a4?.subdomain ?? projectId,
      projectId,
      name: a1?.Name ?? a4?.name ?? projectId,
      url: a1?.Url,
      // A free app's "region" is the sandbox cluster, not a node: leave it out.
      region: generation === 'none' ? undefined : a4?.region,
      licenseType: a4?.licenseType,
      technicalContact: a4?.technicalContact ? { userId: a4.technicalContact.userId, name: a4.technicalContact.name } : undefined,
      generation,
    });
  }
  return out.sort((a, b) => a.name.localeCompare(b.name, undefined, { sensitivity: 'base' }) || a.projectId.localeCompare(b.projectId));
}

/** v4 `notdeployed|stopped|running` in the model's (Deploy API v1's) words. */
export function statusFromV4(state: 'notdeployed' | 'stopped' | 'running'): V1Status {
  return state === 'running' ? 'Running' : state === 'stopped' ? 'Stopped' : 'Empty';
}
