/** Matches the filter text against what a person sees or copies: name, sub-domain, ProjectId, region. */
import type { CloudApp } from '../../mendix/services';
import { regionLabel } from './regions';

export function matchingApps(apps: readonly CloudApp[], filter: string): CloudApp[] {
  const terms = filter.trim().toLowerCase().split(/\s+/).filter(Boolean);
  if (terms.length === 0) return [...apps];
  return apps.filter((a) => {
    const hay = [a.name, a.appId, a.projectId, a.region ?? '', regionLabel(a.region) ?? ''].join('\n').toLowerCase();
    return terms.every((t) => hay.includes(t));
  });
}
