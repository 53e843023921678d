/**
 * The rows of the wizard's lists, from what the account sees through the API: which nodes can
 * receive the app and which apps can serve as temporary apps A and B. Rows that cannot be chosen
 * stay visible with the reason, so a person sees why an app they expected is not offered.
 */
import type { CloudApp, EnvironmentInfo } from '../../mendix/services';
import type { PickItem } from '../kit/userInput';
import { regionLabel } from '../explorer/regions';
import type { Flavour } from '../../migration/types';

/** A licensed node as the account sees it: the app linked to it, and its environments once read. */
export interface NodeCandidate {
  /** The app linked to the node; its `appId` is the node's sub-domain. */
  app: CloudApp;
  envs?: readonly EnvironmentInfo[];
  /** Why its environments could not be read. */
  envError?: string;
}

const hasNode = (a: CloudApp) => a.generation === 'v3' || a.generation === 'v4' || (a.generation === 'unknown' && a.licenseType === 'licensed');

/** Licensed nodes other than the source's: the candidates for the target. */
export function nodeCandidates(apps: readonly CloudApp[], source: CloudApp): CloudApp[] {
  return apps.filter((a) => a.appId !== source.appId && a.projectId !== source.projectId && hasNode(a) && a.licenseType !== 'free');
}

function envSummary(envs: readonly EnvironmentInfo[]): string {
  if (envs.length === 0) return 'no environments yet';
  return envs.map((e) => `${e.mode} ${e.status === 'Empty' ? 'empty' : e.status.toLowerCase()}`).join(', ');
}

/** Why a node cannot receive the app, or undefined when it can. */
export function targetRefusal(c: NodeCandidate): string | undefined {
  if (c.app.generation === 'v3') return 'a Mendix Cloud v3 node: apps move to Mendix Cloud v4 nodes, not back';
  if (c.envError !== undefined) return `its environments could not be read (${c.envError}); the migration needs API Rights on them`;
  const running = c.envs?.filter((e) => e.status === 'Running') ?? [];
  if (running.length > 0) return `${c.app.name} runs there (${running.map((e) => e.mode).join(', ')} running): a node in use never receives another app`;
  return undefined;
}

function relevance(a: CloudApp, source: CloudApp): number {
  const name = a.name.toLowerCase();
  return (name.includes(source.name.toLowerCase()) ? 2 : 0) + (/\btemp/.test(name) ? 1 : 0);
}

/**
 * The target-node rows: label = the node's sub-domain. Nodes whose environments were not read yet
 * are offered and checked once picked (`targetRefusal` again).
 */
export function targetNodeRows(source: CloudApp, flavour: Flavour, candidates: readonly NodeCandidate[]): PickItem<NodeCandidate>[] {
  const rows = candidates.map((c) => {
    const region = regionLabel(c.app.region);
    const sameRegion = c.app.region !== undefined && c.app.region === source.region;
    const parts = [region ?? (c.app.generation === 'v4' ? 'v4' : undefined), `linked to ${c.app.name}`, c.envs ? envSummary(c.envs) : 'environments checked when picked'];
    return {
      label: c.app.appId,
      description: parts.filter((p): p is string => p !== undefined).join(' · '),
      detail: sameRegion && flavour === 'node-move' ? 'same region as the source: a node move, not a region move' : undefined,
      value: c,
      disabled: targetRefusal(c),
      score: relevance(c.app, source) + (c.envs?.every((e) => e.status === 'Empty') ? 1 : 0),
    };
  });
  rows.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  return rows.map(({ score: _score, ...row }) => row);
}

export interface TempRole {
  role: 'A' | 'B';
  source: CloudApp;
  /** Sub-domain of the target node (A is linked to it; an app already linked there qualifies). */
  target: string;
  /** Temporary app A, when asking for B. */
  tempA?: CloudApp;
}

/** Why an app cannot be temporary app A or B, or undefined when it can. */
export function tempRefusal(app: CloudApp, r: TempRole): string | undefined {
  if (r.tempA && app.projectId === r.tempA.projectId) return 'already temporary app A';
  if (r.role === 'A' && hasNode(app) && app.appId === r.target) return undefined;
  if (app.generation === 'none') return app.licenseType === 'licensed' ? 'a licensed app: temporary apps are free apps' : undefined;
  if (app.licenseType === 'free') return 'has a Free App environment: unlink it in the portal first (that deletes the Free App’s data)';
  if (hasNode(app)) return `has a licensed node (${app.appId}): temporary apps are free apps without a node`;
  return 'its licence and node are unknown (sign in with a Personal Access Token as well to see them)';
}

/** Rows for temporary app A or B: usable ones first, the most likely first of all. */
export function tempAppRows(apps: readonly CloudApp[], r: TempRole): PickItem<CloudApp>[] {
  const roleWord = new RegExp(`\\b${r.role}\\b`);
  const rows = apps
    .filter((a) => a.projectId !== r.source.projectId)
    .map((a) => {
      const linkedToTarget = r.role === 'A' && hasNode(a) && a.appId === r.target;
      return {
        label: a.name,
        description: linkedToTarget ? `already linked to ${r.target} (the first portal step is done)` : a.generation === 'none' ? 'free app without a node' : undefined,
        detail: a.projectId,
        value: a,
        disabled: tempRefusal(a, r),
        score: (linkedToTarget ? 8 : 0) + relevance(a, r.source) * 2 + (roleWord.test(a.name) ? 1 : 0),
      };
    });
  rows.sort((a, b) => b.score - a.score || a.label.localeCompare(b.label));
  return rows.map(({ score: _score, ...row }) => row);
}
