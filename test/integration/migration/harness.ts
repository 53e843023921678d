/**
 * Test harness for migrations against the emulator: the demo's answers for "Order Portal" and
 * "Legacy HR", the portal/Support actions a person does (through `/_emulator/portal/*`), and the
 * call log analysis that proves no non-idempotent call was repeated.
 */
import { createReadStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import axios from 'axios';
import { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { apiStatusHttpCheck, ClientMigrationServices } from '../../../src/core/mendix/clientAdapter';
import type { MigrationRunner, RunOutcome } from '../../../src/core/migration/runner';
import type { MigrationInput } from '../../../src/core/migration/types';
import { DEMO } from '../../emulator/seeds/demo';

export type DemoApp = 'orderPortal' | 'legacyHr';

export function demoInput(app: DemoApp, downloadFolder: string, name = app === 'orderPortal' ? 'order-portal' : 'legacy-hr'): MigrationInput {
  const P = DEMO.projects;
  const base = { name, downloadFolder, portalUrl: 'https://sprintr.home.mendix.com' };
  if (app === 'orderPortal') {
    return {
      ...base,
      flavour: 'node-move',
      source: { projectId: P.orderPortal.id, name: P.orderPortal.name, appId: 'orderportal', environment: 'Production', nodeSubdomain: 'orderportal' },
      target: { nodeSubdomain: 'orderportal-us', environment: 'Production', tempAppA: { projectId: P.orderPortalTempA.id, name: P.orderPortalTempA.name }, tempAppB: { projectId: P.orderPortalTempB.id, name: P.orderPortalTempB.name } },
      keepBackups: ['7a2b3c40-d5e6-4f70-8a91-0e0000000001'],
      customDomains: [DEMO.customDomain],
      certificate: 'own-key',
    };
  }
  return {
    ...base,
    flavour: 'v3-to-v4',
    source: { projectId: P.legacyHr.id, name: P.legacyHr.name, appId: 'legacyhr', environment: 'Production', nodeSubdomain: 'legacyhr' },
    target: { nodeSubdomain: 'legacyhr-v4', environment: 'Production', tempAppA: { projectId: P.legacyHrTempA.id, name: P.legacyHrTempA.name }, tempAppB: { projectId: P.legacyHrTempB.id, name: P.legacyHrTempB.name } },
    keepBackups: [],
    customDomains: [],
    certificate: 'none',
    considerations: { targetDatabaseRamGb: 4, longestScheduledEventMinutes: 5 },
  };
}

export function demoClient(baseUrl: string): MendixClient {
  return new MendixClient({
    credentials: { username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat },
    config: { deployBaseUrl: baseUrl, cloudPortalBaseUrl: baseUrl, homeBaseUrl: baseUrl },
    retry: { baseDelayMs: 20, maxDelayMs: 200 },
  });
}

export function demoServices(baseUrl: string): { client: MendixClient; services: ClientMigrationServices } {
  const client = demoClient(baseUrl);
  return { client, services: new ClientMigrationServices({ client, username: DEMO.username, httpCheck: apiStatusHttpCheck(client) }) };
}

export class Portal {
  constructor(private readonly baseUrl: string) {}
  private async post(path: string, body: unknown): Promise<unknown> {
    const r = await axios.post(`${this.baseUrl}${path}`, body, { validateStatus: () => true });
    if (r.status >= 300) throw new Error(`${path} → ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }
  link(projectId: string, nodeSubdomain: string): Promise<unknown> {
    return this.post('/_emulator/portal/link', { projectId, nodeSubdomain });
  }
  changeUrl(nodeSubdomain: string, newSubdomain: string): Promise<unknown> {
    return this.post('/_emulator/portal/change-url', { nodeSubdomain, newSubdomain });
  }
  offboard(nodeSubdomain: string): Promise<unknown> {
    return this.post('/_emulator/portal/offboard', { nodeSubdomain });
  }
  bindDomain(environmentId: string, domain: string): Promise<unknown> {
    return this.post('/_emulator/portal/bind-custom-domain', { environmentId, domain });
  }
  unbindDomain(domain: string): Promise<unknown> {
    return this.post('/_emulator/portal/unbind-custom-domain', { domain });
  }
  config(values: Record<string, number>): Promise<unknown> {
    return this.post('/_emulator/config', values);
  }
  async uploadBackup(projectId: string, environmentId: string, file: string): Promise<unknown> {
    const size = (await stat(file)).size;
    const r = await axios.post(`${this.baseUrl}/_emulator/portal/upload-backup`, createReadStream(file), {
      params: { projectId, environmentId },
      headers: { 'Content-Type': 'application/octet-stream', 'Content-Length': String(size) },
      maxBodyLength: Infinity,
      // No redirect support: axios would otherwise keep every byte of the body for a replay.
      maxRedirects: 0,
      validateStatus: () => true,
    });
    if (r.status >= 300) throw new Error(`upload-backup → ${r.status} ${JSON.stringify(r.data)}`);
    return r.data;
  }
  async state(): Promise<EmulatorStateView> {
    return (await axios.get<EmulatorStateView>(`${this.baseUrl}/_emulator/state`)).data;
  }
  async calls(): Promise<CallView[]> {
    return (await axios.get<CallView[]>(`${this.baseUrl}/_emulator/calls`)).data;
  }
}

export interface CallView {
  method: string;
  path: string;
  status: number;
  /** The injected fault that hit this call, if any. */
  fault?: string;
}

export interface EmulatorStateView {
  environments: Record<string, { id: string; nodeId: string; name: string; status: string; packageId: string | null; dbModelVersion: string | null; constants: { name?: string; Name?: string; value?: string; Value?: string }[]; scheduledEvents: unknown[] }>;
  packages: Record<string, { id: string; projectId: string; version: string; mendixVersion: string }>;
  nodes: Record<string, { id: string; subdomain: string; linkedProjectId: string | null }>;
  restores: Record<string, { id: string; targetEnvId: string; sourceSnapshotId: string; state: string }>;
  snapshots: Record<string, { id: string; envId: string; kind: string; modelVersion: string | null }>;
}

/** Non-idempotent POSTs that were accepted (2xx), keyed `POST <path>`. */
export function acceptedWrites(calls: CallView[]): Map<string, number> {
  const out = new Map<string, number>();
  const nonIdempotent = /\/(snapshots|archives|restores|packages\/upload|start)$/;
  for (const c of calls) {
    const path = c.path.split('?')[0];
    if (c.method !== 'POST' || c.status < 200 || c.status >= 300 || !nonIdempotent.test(path)) continue;
    const key = `POST ${path}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/**
 * Non-idempotent POSTs the emulator acted on, keyed `POST <path>`: accepted (2xx) or acted on with
 * the answer dropped (fault `drop`). Also counts transports and stops.
 */
export function actedWrites(calls: CallView[]): Map<string, number> {
  const out = new Map<string, number>();
  const writes = /\/(snapshots|archives|restores|packages\/upload|start|stop|transport)$/;
  for (const c of calls) {
    const path = c.path.split('?')[0];
    const acted = (c.status >= 200 && c.status < 300) || c.fault === 'drop';
    if (c.method !== 'POST' || !acted || !writes.test(path)) continue;
    const key = `POST ${path}`;
    out.set(key, (out.get(key) ?? 0) + 1);
  }
  return out;
}

/** Does what a person does for each step the run stopped at. */
export async function actAsPerson(portal: Portal, runner: MigrationRunner, out: RunOutcome, input: MigrationInput): Promise<string[]> {
  const done: string[] = [];
  const waiting = [...out.waiting].sort((a, b) => Number(b.stepId === 'offboard.request') - Number(a.stepId === 'offboard.request'));
  for (const w of waiting) {
    switch (w.stepId) {
      case 'link.temp-a':
        await portal.link(input.target.tempAppA.projectId, input.target.nodeSubdomain);
        break;
      case 'backup.upload':
      case 'cutover.upload': {
        const envId = await targetEnvironmentId(portal, input);
        await portal.uploadBackup(input.target.tempAppA.projectId, envId, w.instructions.file ?? '');
        break;
      }
      case 'relink.unlink-source':
        await portal.link(input.target.tempAppB.projectId, input.source.nodeSubdomain);
        break;
      case 'relink.link-target':
        await portal.link(input.source.projectId, input.target.nodeSubdomain);
        break;
      case 'domain.dns': {
        const envId = await targetEnvironmentId(portal, input);
        for (const d of input.customDomains) {
          await portal.unbindDomain(d).catch(() => undefined);
          await portal.bindDomain(envId, d);
        }
        await runner.confirmManualStep(w.stepId, 'integration-test');
        break;
      }
      case 'offboard.request':
        await portal.offboard(input.source.nodeSubdomain);
        await runner.confirmManualStep(w.stepId, 'integration-test');
        break;
      case 'url.change':
        await portal.changeUrl(input.target.nodeSubdomain, input.source.nodeSubdomain);
        await runner.confirmManualStep(w.stepId, 'integration-test');
        break;
      default:
        await runner.confirmManualStep(w.stepId, 'integration-test');
    }
    done.push(w.stepId);
  }
  return done;
}

export async function targetEnvironmentId(portal: Portal, input: MigrationInput): Promise<string> {
  const s = await portal.state();
  const node = Object.values(s.nodes).find((n) => n.subdomain === input.target.nodeSubdomain);
  const env = Object.values(s.environments).find((e) => e.nodeId === node?.id && e.name === input.target.environment);
  if (!env) throw new Error('target environment not found in the emulator state');
  return env.id;
}
