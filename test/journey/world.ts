/**
 * The world a journey walks in: the emulator (seed "demo"), optionally the loopback DNS lab serving
 * the custom domain's zone, code-server with the built extension pointed at both, and one Chromium
 * holding the workbench and, in a second tab, the emulator's portal page. Screenshots go to
 * test-results/journey/<journey>-<nn>-<label>.png; each journey's wall time is recorded in
 * test-results/journey/timings.json.
 */
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { DEMO } from '../emulator/seeds/demo';
import { DnsLab, type LabRecord } from '../integration/dns/dnsLab';
import { openWorkbench, resultsDir, type Workbench } from '../e2e/browser';
import { startCodeServer, type CodeServer } from '../e2e/codeServer';
import { PortalPage } from './portalPage';

export const journeyResults = join(resultsDir, 'journey');

export const ZONE = 'example.com';
/** Short, so the resolvers follow a change of the zone within seconds. */
export const DNS_TTL = 3;
/** What the custom domain points at before the move: the source node's app host. */
export const OLD_CNAME = 'orderportal.apps.eu-1c.mendixcloud.com.';
/** What the portal asks for after the move. */
export const NEW_CNAME = `${DEMO.customDomain}.cname.mendix.net.`;
/** The zones the lab serves: the customer's, Mendix's CNAME zone, and the environments' hosts. */
export const ZONES = [ZONE, 'cname.mendix.net', 'mendixcloud.com'];
const SOURCE_HOST = 'orderportal.apps.eu-1c';
const TARGET_HOST = 'orderportal-us.apps.us-2a';
/**
 * The customer's CNAME (`target`), plus what Mendix serves: the environments' addresses and, once the
 * customer points at `<domain>.cname.mendix.net` (bound on the target), Mendix's record ending at the target.
 */
export const domainRecords = (target: string): LabRecord[] => [
  { owner: DEMO.customDomain.replace(`.${ZONE}`, ''), type: 'CNAME', ttl: DNS_TTL, data: target },
  { zone: 'mendixcloud.com', owner: SOURCE_HOST, type: 'A', ttl: DNS_TTL, data: '127.0.10.1' },
  { zone: 'mendixcloud.com', owner: TARGET_HOST, type: 'A', ttl: DNS_TTL, data: '127.0.10.2' },
  { zone: 'cname.mendix.net', owner: DEMO.customDomain, type: 'CNAME', ttl: DNS_TTL, data: `${target === NEW_CNAME ? TARGET_HOST : SOURCE_HOST}.mendixcloud.com.` },
];

export interface WorldOptions {
  /** Journey name: prefixes the screenshots and names the kept logs. */
  name: string;
  /** Start the DNS lab with the custom domain on its old CNAME. */
  dns?: boolean;
  /** Emulator clock speed (virtual seconds per real second). */
  timeScale?: number;
  packageBytes?: number;
  archiveBytes?: number;
  /** Extra extension settings (the caller's win). */
  settings?: Record<string, unknown>;
}

export interface World {
  readonly name: string;
  readonly emulator: RunningEmulator;
  readonly lab: DnsLab | undefined;
  readonly server: CodeServer;
  readonly wb: Workbench;
  readonly portal: PortalPage;
  /** The workspace folder (journals live in .mendix-migrations/). */
  readonly folder: string;
  readonly downloads: string;
  /** Saves a screenshot of the workbench as <journey>-<nn>-<label>.png; returns its file name. */
  shot(label: string): Promise<string>;
  /** The file names of the screenshots taken so far. */
  readonly shots: readonly string[];
  /** POSTs to the emulator's control API (test setup only: faults, clock, config). */
  control(path: string, body: unknown): Promise<unknown>;
  /** Removes every injected fault that has not fired yet. */
  clearFaults(): Promise<void>;
  close(): Promise<void>;
}

export async function startWorld(opts: WorldOptions): Promise<World> {
  mkdirSync(journeyResults, { recursive: true });
  const cleanups: (() => Promise<void>)[] = [];
  const close = async (): Promise<void> => {
    for (const c of cleanups.reverse()) await c().catch(() => undefined);
    cleanups.length = 0;
  };
  try {
    let lab: DnsLab | undefined;
    if (opts.dns) {
      lab = new DnsLab(ZONES, 2);
      const l = lab;
      cleanups.push(() => l.stop());
      await lab.start(domainRecords(OLD_CNAME));
    }
    const emulator = await startEmulator({
      seed: 'demo',
      quiet: true,
      timeScale: opts.timeScale ?? 600,
      packageBytes: opts.packageBytes ?? 2_000_000,
      archiveBytes: opts.archiveBytes ?? 1_000_000,
    });
    cleanups.push(() => emulator.close());
    // The emulator's call log, kept for reading after a failed journey.
    cleanups.push(async () => {
      const r = await fetch(`${emulator.baseUrl}/_emulator/calls`);
      writeFileSync(join(journeyResults, `${opts.name}-calls.json`), await r.text());
    });
    const control = async (path: string, body: unknown): Promise<unknown> => {
      const r = await fetch(`${emulator.baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
      const text = await r.text();
      if (!r.ok) throw new Error(`emulator ${path} answered ${r.status}: ${text}`);
      return text ? (JSON.parse(text) as unknown) : undefined;
    };
    const clearFaults = async (): Promise<void> => {
      const r = await fetch(`${emulator.baseUrl}/_emulator/faults`, { method: 'DELETE' });
      if (!r.ok) throw new Error(`emulator DELETE /_emulator/faults answered ${r.status}`);
    };
    // Legacy HR runs Mendix 7: the v3 → v4 guide allows 6 and up (as `npm start` sets it).
    await control('/_emulator/config', { minSupportedMajor: 6 });

    const folder = mkdtempSync(join(tmpdir(), `journey-${opts.name}-`));
    cleanups.push(() => Promise.resolve(rmSync(folder, { recursive: true, force: true })));
    const downloads = join(folder, 'downloads');
    mkdirSync(downloads, { recursive: true });
    const dnsSettings = lab
      ? {
          'mendixMigration.dns.resolvers': lab.resolverHosts.map((h, i) => `unbound-${i + 1}=${lab.resolverAddress(i) || h}`),
          'mendixMigration.dns.authoritative': [lab.authAddress],
          'mendixMigration.dns.minIntervalMs': 500,
          'mendixMigration.dns.timeoutMs': 1000,
        }
      : {};
    const server = await startCodeServer({
      folder,
      keepLogsAs: `journey-${opts.name}`,
      settings: {
        'mendixMigration.api.deployBaseUrl': emulator.baseUrl,
        'mendixMigration.api.cloudPortalBaseUrl': emulator.baseUrl,
        'mendixMigration.api.homeBaseUrl': emulator.baseUrl,
        'mendixMigration.downloadFolder': downloads,
        'mendixMigration.migration.pollIntervalMs': 200,
        // As `npm start` sets them: app URLs are answered by the emulator, Open Portal opens its page.
        'mendixMigration.migration.appUrlCheck': 'https',
        'mendixMigration.migration.appUrlGateway': emulator.baseUrl,
        'mendixMigration.portal.baseUrl': `${emulator.baseUrl}/_emulator/portal`,
        ...dnsSettings,
        ...opts.settings,
      },
    });
    cleanups.push(() => server.stop());
    const wb = await openWorkbench(server, { viewport: { width: 1500, height: 950 } });
    cleanups.push(() => wb.close());
    const portal = await PortalPage.open(wb.context, emulator.baseUrl);

    const shots: string[] = [];
    const shot = async (label: string): Promise<string> => {
      const file = `${opts.name}-${String(shots.length + 1).padStart(2, '0')}-${label}.png`;
      await wb.page.screenshot({ path: join(journeyResults, file) });
      shots.push(file);
      return file;
    };
    return { name: opts.name, emulator, lab, server, wb, portal, folder, downloads, shot, shots, control, clearFaults, close };
  } catch (e) {
    await close();
    throw e;
  }
}

/** Records a journey's wall time (and whether it finished) in test-results/journey/timings.json. */
export function recordWallTime(name: string, ms: number, outcome: string, shots: readonly string[]): void {
  const file = join(journeyResults, 'timings.json');
  let all: Record<string, unknown> = {};
  try {
    all = JSON.parse(readFileSync(file, 'utf8')) as Record<string, unknown>;
  } catch {
    all = {};
  }
  all[name] = { seconds: Math.round(ms / 100) / 10, outcome, at: new Date().toISOString(), screenshots: shots };
  mkdirSync(journeyResults, { recursive: true });
  writeFileSync(file, `${JSON.stringify(all, null, 2)}\n`);
}
