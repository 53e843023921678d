/** How apps and environments read in the tree: labels, descriptions, tooltips, icons and menu tokens. */
import type { CloudApp, EnvironmentInfo, V1Status } from '../../mendix/services';
import { regionLabel } from './regions';
import type { IconSpec } from '../kit/treeSpec';

const GENERATION_TEXT: Readonly<Record<CloudApp['generation'], string>> = {
  v4: 'Mendix Cloud v4',
  v3: 'Mendix Cloud v3',
  none: 'no node linked',
  unknown: 'unknown',
};

/** Description: node sub-domain and region, e.g. `orderportal · Frankfurt-2`. */
export function appDescription(app: CloudApp): string {
  const parts: string[] = [];
  if (app.generation === 'none') parts.push('no node');
  else parts.push(app.appId);
  const region = regionLabel(app.region);
  if (region) parts.push(region);
  else if (app.generation === 'v3') parts.push('v3');
  return parts.join(' · ');
}

export function appTooltip(app: CloudApp): string {
  const rows: [string, string | undefined][] = [
    ['ProjectId', app.projectId],
    ['AppId (sub-domain)', app.generation === 'none' ? undefined : app.appId],
    ['Licence', app.licenseType],
    ['Technical Contact', app.technicalContact ? (app.technicalContact.name ? `${app.technicalContact.name} (${app.technicalContact.userId})` : app.technicalContact.userId) : undefined],
    ['Node', GENERATION_TEXT[app.generation]],
    ['Region', app.region ? `${regionLabel(app.region) ?? app.region} (${app.region})` : undefined],
    ['URL', app.url],
  ];
  return [`**${escapeMarkdown(app.name)}**`, '', ...rows.filter(([, v]) => v).map(([k, v]) => `${k}: \`${v}\`  `)].join('\n');
}

export function appContextValue(app: CloudApp): string {
  return ['app', app.generation, app.url ? 'hasUrl' : ''].filter(Boolean).join(' ');
}

/** Deploy order people expect: Production, Acceptance, Test, then flexible environments by name. */
export function sortEnvironments(envs: readonly EnvironmentInfo[]): EnvironmentInfo[] {
  const rank = (e: EnvironmentInfo) => (e.production ? 0 : /^acceptance$/i.test(e.mode) ? 1 : /^test$/i.test(e.mode) ? 2 : 3);
  return [...envs].sort((a, b) => rank(a) - rank(b) || a.mode.localeCompare(b.mode));
}

export type BusyState = 'starting' | 'stopping' | undefined;

export function environmentIcon(status: V1Status, busy: BusyState): IconSpec {
  if (busy) return { id: 'loading~spin' };
  switch (status) {
    case 'Running':
      return { id: 'vm-running', color: 'testing.iconPassed' };
    case 'Stopped':
      return { id: 'vm-outline', color: 'disabledForeground' };
    case 'Empty':
      return { id: 'circle-slash' };
    default:
      return { id: 'question' };
  }
}

const STATUS_TEXT: Readonly<Record<V1Status, string>> = {
  Running: 'running',
  Stopped: 'stopped',
  Empty: 'nothing deployed',
};

export function environmentStatusText(env: EnvironmentInfo, busy: BusyState): string {
  return busy ? `${busy}…` : STATUS_TEXT[env.status];
}

/** Description: Mendix version and model version. */
export function environmentDescription(env: EnvironmentInfo, busy: BusyState): string {
  if (busy) return `${busy}…`;
  if (env.status === 'Empty') return 'nothing deployed';
  const parts: string[] = [];
  if (env.mendixVersion) parts.push(`Mendix ${env.mendixVersion}`);
  if (env.modelVersion) parts.push(`model ${env.modelVersion}`);
  return parts.join(' · ');
}

export function environmentTooltip(app: CloudApp, env: EnvironmentInfo, busy: BusyState): string {
  const rows: [string, string | undefined][] = [
    ['Status', environmentStatusText(env, busy)],
    ['URL', env.url],
    ['EnvironmentId', env.environmentId],
    ['Production', env.production ? 'yes' : 'no'],
    ['Mendix version', env.mendixVersion],
    ['Model version', env.modelVersion],
  ];
  return [`**${escapeMarkdown(app.name)} — ${escapeMarkdown(env.mode)}**`, '', ...rows.filter(([, v]) => v).map(([k, v]) => `${k}: \`${v}\`  `)].join('\n');
}

export function environmentContextValue(env: EnvironmentInfo, busy: BusyState): string {
  return ['environment', busy ? 'busy' : env.status.toLowerCase(), env.production ? 'production' : '', env.url ? 'hasUrl' : '']
    .filter(Boolean)
    .join(' ');
}

function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}
