/**
 * The `team` seed: the demo world with a large team on Order Portal — 55 colleagues listed before the
 * demo user on every environment of both Order Portal nodes, so one unfiltered permissions page
 * (default 20) misses the demo user — and the target Production environment shown under a display
 * name in Cyrillic and Japanese (§14.11: display names may be non-Latin; the Mode stays `Production`).
 */
import { allPermissions, type EmulatorConfig, type EmulatorState, type Permission } from '../model';
import { addUser } from './builders';
import { buildDemo, DEMO } from './demo';

export const TEAM = {
  size: 55,
  /** v4 display name of the target node's Production environment. */
  targetProductionDisplayName: 'Производство · 本番',
  member: (i: number): string => `colleague${String(i).padStart(2, '0')}@example.com`,
} as const;

export function buildTeam(now: number, secret: string, config: Partial<EmulatorConfig> = {}): EmulatorState {
  const s = buildDemo(now, secret, config);
  const members = Array.from({ length: TEAM.size }, (_, i) => TEAM.member(i + 1));
  members.forEach((m, i) => addUser(s, m, `Colleague ${i + 1}`, `colleague-key-${i + 1}`, false));
  const project = s.projects[DEMO.projects.orderPortal.id];
  project.members = [...project.members, ...members];
  const tempA = s.projects[DEMO.projects.orderPortalTempA.id];
  tempA.members = [...tempA.members, ...members];
  const colleague: Permission = { ...allPermissions(false), canViewLogs: true, canViewAlerts: true };
  for (const nodeId of [DEMO.nodes.orderportal.id, DEMO.nodes.orderportalUs.id]) {
    for (const envId of s.nodes[nodeId].environmentIds) {
      const env = s.environments[envId];
      // Colleagues first: the demo user is on the third page of an unfiltered listing.
      env.permissions = { ...Object.fromEntries(members.map((m) => [m, { ...colleague }])), ...env.permissions };
    }
  }
  s.environments[DEMO.environments.orderPortalUsProduction.id].displayName = TEAM.targetProductionDisplayName;
  return s;
}
