/**
 * The `scale` seed: 1,000 licensed apps, each on its own v4 node with Production, Acceptance and
 * Test, for benchmarks of listing and tree loading. IDs are stable across runs (derived from names).
 * Packages are kept small (≤ 64 KiB) so dumping the state with content hashes stays cheap.
 */
import { stableId } from '../ids';
import { allPermissions, emptyState, type EmulatorConfig, type EmulatorState, type RepoInfo } from '../model';
import { addNode, addPackage, addPat, addProject, addUser, constantsFrom, eventsFrom } from './builders';
import { DEMO } from './demo';

export const SCALE_APPS = 1000;
const REGIONS = ['eu-central-1-2', 'us-west-2', 'eu-west-1', 'ap-southeast-2', 'ca-central-1'];

const REPO: RepoInfo = {
  mendixVersion: '10.24.3.73587',
  modelVersionBase: '2.0.0',
  constants: [
    { name: 'App.ApiUrl', dataType: 'String', defaultValue: 'https://api.example.com' },
    { name: 'App.PageSize', dataType: 'Integer', defaultValue: '25' },
  ],
  scheduledEvents: ['App.SE_Nightly'],
};

/** Sub-domain of scale app number `i` (0-based). */
export function scaleSubdomain(i: number): string {
  return `app${String(i).padStart(4, '0')}`;
}

export function buildScale(now: number, secret: string, config: Partial<EmulatorConfig> = {}): EmulatorState {
  const s = emptyState(now, secret, config);
  const me = DEMO.username;
  addUser(s, me, 'Demo User', DEMO.apiKey, true);
  addPat(s, DEMO.pat, me, true);
  addPat(s, DEMO.patRead, me, false);
  const size = Math.min(s.config.packageBytes, 64 * 1024);
  for (let i = 0; i < SCALE_APPS; i++) {
    const sub = scaleSubdomain(i);
    const projectId = stableId(`scale/project/${i}`);
    addProject(s, { id: projectId, name: `Scale App ${String(i).padStart(4, '0')}`, members: [me], freeSubdomain: `${sub}-free`, repo: REPO });
    const pkg = addPackage(s, {
      id: stableId(`scale/package/${i}`),
      projectId,
      version: `2.0.0.${i}`,
      mendixVersion: REPO.mendixVersion,
      creator: 'Demo User',
      creationDate: now - 7 * 24 * 3600 * 1000,
      size,
      description: `Build ${i}`,
      repo: REPO,
    });
    const env = (name: string, isProduction: boolean, status: 'Running' | 'Stopped') => ({
      id: stableId(`scale/env/${i}/${name}`),
      name,
      isProduction,
      status,
      packageId: pkg.id,
      constants: constantsFrom(REPO.constants),
      scheduledEvents: eventsFrom(REPO.scheduledEvents, { 'App.SE_Nightly': isProduction }),
      permissions: { [me]: allPermissions(true) },
    });
    addNode(s, {
      id: stableId(`scale/node/${i}`),
      subdomain: sub,
      regionKey: REGIONS[i % REGIONS.length],
      generation: 'v4',
      plan: 'S21',
      databaseRamGb: 2,
      memoryMb: 8192,
      dbVersion: '14',
      linkedProjectId: projectId,
      technicalContactId: me,
      environments: [env('Production', true, 'Running'), env('Acceptance', false, 'Running'), env('Test', false, 'Stopped')],
    });
  }
  return s;
}
