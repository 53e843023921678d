/**
 * The migration panel in a real VS Code (code-server) against the emulator's demo and a loopback
 * DNS lab (nsd + unbound): a demo migration of "Order Portal" is started, a step is run from the
 * webview and its state changes, a throttled package download shows a moving progress bar, the DNS
 * section shows the resolvers on the old answer and then flipping, an axe-core scan finds no
 * serious or critical problem, the panel is photographed in dark and light themes, and after a
 * window reload it comes back in the same state.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request, type Server } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { Transform, type TransformCallback } from 'node:stream';
import type { Frame } from 'playwright-core';
import { createJournal } from '../../src/core/migration/session';
import { startEmulator, type RunningEmulator } from '../emulator/server';
import { DEMO } from '../emulator/seeds/demo';
import { DnsLab, type LabRecord } from '../integration/dns/dnsLab';
import { demoInput } from '../integration/migration/harness';
import { openWorkbench, type Workbench } from './browser';
import { readExtensionHostLog, readOutputChannelLog, startCodeServer, type CodeServer } from './codeServer';
import { signInDemo } from './quickInput';

const ZONE = 'example.com';
const TTL = 5;
const OLD_TARGET = 'orderportal.apps.eu-1c.mendixcloud.com.';
const NEW_TARGET = `${DEMO.customDomain}.cname.mendix.net.`;
const records = (target: string): LabRecord[] => [{ owner: DEMO.customDomain.replace(`.${ZONE}`, ''), type: 'CNAME', ttl: TTL, data: target }];
/** Slow enough that a 6 MB package takes a few seconds: the bar has to be seen moving. */
const DOWNLOAD_BYTES_PER_SECOND = 1_500_000;

/** Paces a response body to a byte rate. */
class Throttle extends Transform {
  constructor(private readonly rate: number) {
    super();
  }
  override _transform(chunk: Buffer, _enc: BufferEncoding, cb: TransformCallback): void {
    this.push(chunk);
    setTimeout(cb, (chunk.length / this.rate) * 1000);
  }
}

/** A loopback proxy in front of the emulator that slows down the `/_downloads/` bodies only. */
async function startThrottlingProxy(targetPort: number, rate: number): Promise<{ url: string; close(): Promise<void> }> {
  const server: Server = createServer((req, res) => {
    const up = request({ host: '127.0.0.1', port: targetPort, method: req.method, path: req.url, headers: req.headers }, (ur) => {
      res.writeHead(ur.statusCode ?? 502, ur.headers);
      if ((req.url ?? '').startsWith('/_downloads/')) ur.pipe(new Throttle(rate)).pipe(res);
      else ur.pipe(res);
    });
    up.on('error', () => res.destroy());
    req.pipe(up);
  });
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', r));
  const addr = server.address();
  const port = typeof addr === 'object' && addr ? addr.port : 0;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () =>
      new Promise<void>((r) => {
        server.closeAllConnections();
        server.close(() => r());
      }),
  };
}

describe('migration panel in code-server (emulator + loopback DNS)', function () {
  let emulator: RunningEmulator | undefined;
  let proxy: { url: string; close(): Promise<void> } | undefined;
  let lab: DnsLab | undefined;
  let server: CodeServer | undefined;
  let wb: Workbench | undefined;
  let folder: string | undefined;
  let frame: Frame | undefined;

  before(async function () {
    this.timeout(240_000);
    lab = new DnsLab(ZONE, 2);
    await lab.start(records(OLD_TARGET));
    // Jobs (snapshots, starts) take virtual minutes; time runs 600x faster.
    emulator = await startEmulator({ seed: 'demo', quiet: true, timeScale: 600, packageBytes: 6_000_000, archiveBytes: 1_000_000 });
    proxy = await startThrottlingProxy(emulator.port, DOWNLOAD_BYTES_PER_SECOND);
    folder = mkdtempSync(join(tmpdir(), 'panel-e2e-'));
    const input = demoInput('orderPortal', join(folder, 'downloads'));
    mkdirSync(input.downloadFolder, { recursive: true });
    // The demo migration is started as the wizard would leave it (the wizard itself is unit-tested).
    await createJournal(join(folder, '.mendix-migrations', `${input.name}.json`), input);
    server = await startCodeServer({
      folder,
      keepLogsAs: 'e2e-panel',
      settings: {
        'mendixMigration.api.deployBaseUrl': proxy.url,
        'mendixMigration.api.cloudPortalBaseUrl': proxy.url,
        'mendixMigration.api.homeBaseUrl': proxy.url,
        'mendixMigration.migration.pollIntervalMs': 200,
        'mendixMigration.dns.resolvers': lab.resolverHosts.map((h, i) => `unbound-${i + 1}=${lab?.resolverAddress(i) ?? h}`),
        'mendixMigration.dns.authoritative': [lab.authAddress],
        'mendixMigration.dns.minIntervalMs': 500,
        'mendixMigration.dns.timeoutMs': 1000,
        'workbench.colorTheme': 'Default Dark Modern',
        'workbench.startupEditor': 'none',
      },
    });
    wb = await openWorkbench(server);
    await wb.clickActivityBarItem('Mendix Cloud');
    await signIn(wb);
  });

  after(async function () {
    this.timeout(60_000);
    await wb?.close();
    await server?.stop();
    await proxy?.close();
    await emulator?.close();
    await lab?.stop();
    if (folder) rmSync(folder, { recursive: true, force: true });
  });

  function ready(): { wb: Workbench; server: CodeServer } {
    assert.ok(wb && server, 'code-server, the emulator and the workbench are up');
    return { wb, server };
  }

  async function signIn(w: Workbench): Promise<void> {
    await signInDemo(w);
    await w.page.locator('.part.sidebar .monaco-list-row', { hasText: 'Order Portal' }).first().waitFor({ timeout: 30_000 }).catch(async (e: unknown) => {
      await w.screenshot('panel-debug-signin');
      throw e;
    });
  }

  async function panelFrame(w: Workbench): Promise<Frame> {
    const found = await w.findInFrames('#checklist', 60_000);
    return found.frame;
  }

  const status = (f: Frame, stepId: string) => f.getAttribute(`#step-${stepId.replace(/[^a-z0-9-]/gi, '_')}`, 'data-status');

  async function waitForStatus(f: Frame, stepId: string, wanted: string, timeoutMs = 90_000): Promise<string[]> {
    const seen: string[] = [];
    const deadline = Date.now() + timeoutMs;
    while (Date.now() < deadline) {
      const s = (await status(f, stepId).catch(() => null)) ?? '';
      if (seen[seen.length - 1] !== s) seen.push(s);
      if (s === wanted) return seen;
      if (s === 'failed') {
        const text = await f.textContent(`#step-${stepId.replace(/[^a-z0-9-]/gi, '_')}`).catch(() => '');
        assert.fail(`${stepId} failed: ${text ?? ''}`);
      }
      await f.page().waitForTimeout(100);
    }
    assert.fail(`${stepId} did not reach ${wanted} (seen: ${seen.join(' → ')})`);
  }

  it('opens the panel for the demo migration with its steps grouped by phase', async function () {
    this.timeout(120_000);
    const { wb: w } = ready();
    await w.runCommand('Mendix: Open Migration Panel');
    frame = await panelFrame(w);
    assert.equal(await status(frame, 'preflight'), 'pending');
    const phases = await frame.$$eval('section.phase', (els) => els.map((e) => e.getAttribute('data-phase')));
    assert.deepEqual(phases.slice(0, 3), ['preflight', 'link-target', 'carry-package']);
    assert.ok(phases.includes('custom-domain'));
    assert.match((await frame.textContent('#run-header h1')) ?? '', /order-portal/);
    assert.equal(await frame.locator('#diagram svg [data-box="app"]').count(), 1);
    // The Migrations view lists the run with its phase; the status bar names it too.
    const row = w.page.locator('.part.sidebar .monaco-list-row', { hasText: 'order-portal' }).first();
    await row.waitFor({ timeout: 30_000 });
    assert.match((await row.textContent()) ?? '', /Preflight · 0\/31/);
    await w.page.locator('.part.statusbar .statusbar-item', { hasText: 'order-portal: Preflight' }).first().waitFor({ timeout: 30_000 });
  });

  it('runs a step from the webview and shows its state change', async function () {
    this.timeout(120_000);
    assert.ok(frame);
    await frame.click('[data-action="run"][data-step="preflight"]');
    const seen = await waitForStatus(frame, 'preflight', 'done');
    assert.ok(seen.length >= 2, `the row changed state (${seen.join(' → ')})`);
    const meta = (await frame.textContent('#step-preflight .step-meta')) ?? '';
    assert.match(meta, /started .* · took /);
    assert.ok(await frame.locator('[data-action="verify"][data-step="preflight"]').count());
    // The next steps became runnable: their Run buttons appeared without reloading the page.
    await frame.waitForSelector('[data-action="run"][data-step="package.download"]', { timeout: 15_000 });
  });

  it('shows a moving progress bar while the package downloads', async function () {
    this.timeout(120_000);
    const { wb: w } = ready();
    assert.ok(frame);
    // Count the host's messages as the page receives them, to check the ≤ 10 a second budget.
    await frame.evaluate(() => {
      const w = window as unknown as { panelMessageTimes: number[] };
      w.panelMessageTimes = [];
      window.addEventListener('message', (e: MessageEvent<{ type?: string }>) => {
        if (e.data?.type === 'update' || e.data?.type === 'init') w.panelMessageTimes.push(performance.now());
      });
    });
    await frame.click('[data-action="run"][data-step="package.download"]');
    const bar = '#step-package_download .transfer progress';
    await frame.waitForSelector(bar, { timeout: 60_000 });
    const values: number[] = [];
    const deadline = Date.now() + 60_000;
    let shot = false;
    while (Date.now() < deadline) {
      const v = await frame.$eval(bar, (el) => (el as HTMLProgressElement).value).catch(() => -1);
      if (v >= 0 && values[values.length - 1] !== v) values.push(v);
      if (!shot && v > 20 && v < 90) {
        await w.screenshot('panel-transfer-dark');
        shot = true;
      }
      if ((await status(frame, 'package.download')) === 'done') break;
      await w.page.waitForTimeout(150);
    }
    await waitForStatus(frame, 'package.download', 'done');
    const moving = values.filter((v) => v > 0 && v < 100);
    assert.ok(moving.length >= 2, `the bar moved through intermediate values: ${values.join(', ')}`);
    for (let i = 1; i < values.length; i++) assert.ok(values[i] >= values[i - 1], `never goes back: ${values.join(', ')}`);
    const text = (await frame.textContent('#step-package_download .transfer-text')) ?? '';
    assert.match(text, /MB of .*MB/);
    const times = await frame.evaluate(() => (window as unknown as { panelMessageTimes: number[] }).panelMessageTimes);
    const busiest = Math.max(...times.map((t) => times.filter((u) => u >= t && u < t + 1000).length));
    assert.ok(times.length >= 5, `updates arrived during the transfer (${times.length})`);
    assert.ok(busiest <= 10, `at most 10 messages in any second (busiest: ${busiest})`);
  });

  it('shows resolvers on the old answer, then flipping to the new CNAME', async function () {
    this.timeout(120_000);
    const { wb: w } = ready();
    assert.ok(frame && lab);
    await frame.click('[data-run-action="watchDns"]');
    await frame.waitForSelector('#dns-table tr[data-resolver]', { timeout: 30_000 });
    const oks = () => frame!.$$eval('#dns-table tr[data-resolver]', (rows) => rows.map((r) => r.getAttribute('data-ok')));
    assert.deepEqual(await oks(), ['false', 'false'], 'both resolvers hold the old answer');
    assert.match((await frame.textContent('#dns-authoritative')) ?? '', /mendixcloud\.com/);
    await frame.$eval('#dns', (el) => el.scrollIntoView({ block: 'start' }));
    await w.screenshot('panel-dns-old-dark');
    lab.changeRecords(records(NEW_TARGET));
    const deadline = Date.now() + 60_000;
    let last: (string | null)[] = [];
    while (Date.now() < deadline) {
      last = await oks().catch(() => []);
      if (last.length === 2 && last.every((x) => x === 'true')) break;
      await w.page.waitForTimeout(250);
    }
    assert.deepEqual(last, ['true', 'true'], 'every resolver flipped to the new CNAME');
    assert.match((await frame.textContent('#dns-percentage')) ?? '', /^100 %/);
    assert.ok(await frame.locator('#ttl-banner').count(), 'the TTL-readiness banner is shown');
    await frame.$eval('#dns', (el) => el.scrollIntoView({ block: 'start' }));
    await w.screenshot('panel-dns-flipped-dark');
    await frame.$eval('#run-header', (el) => el.scrollIntoView({ block: 'start' }));
    await w.screenshot('panel-dark');
  });

  /** Runs axe-core in the panel's frame; writes every violation to test-results/<name>.json. */
  async function axeScan(f: Frame, name: string): Promise<{ id: string; impact: string | null; targets: string[] }[]> {
    const axeSource = readFileSync(require.resolve('axe-core/axe.min.js'), 'utf8');
    // Evaluated through the debugger protocol, which the page's CSP does not govern.
    await f.evaluate(axeSource);
    const violations = await f.evaluate(async () => {
      const axe = (window as unknown as { axe: { run(ctx: Document, opts: unknown): Promise<{ violations: { id: string; impact: string | null; nodes: { target: string[] }[] }[] }> } }).axe;
      const r = await axe.run(document, { resultTypes: ['violations'] });
      return r.violations.map((v) => ({ id: v.id, impact: v.impact, targets: v.nodes.slice(0, 3).map((n) => n.target.join(' ')) }));
    });
    mkdirSync(join(__dirname, '..', '..', 'test-results'), { recursive: true });
    writeFileSync(join(__dirname, '..', '..', 'test-results', `${name}.json`), JSON.stringify(violations, null, 2));
    return violations.filter((v) => v.impact === 'serious' || v.impact === 'critical');
  }

  it('has no serious or critical accessibility violations (axe-core, dark theme)', async function () {
    this.timeout(60_000);
    assert.ok(frame);
    const bad = await axeScan(frame, 'panel-axe-dark');
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
  });

  it('follows the light theme (screenshot, axe-core again)', async function () {
    this.timeout(60_000);
    const { wb: w } = ready();
    assert.ok(frame);
    await w.runCommand('Preferences: Toggle between Light/Dark Themes');
    await w.page.locator('.monaco-workbench.vs:not(.vs-dark)').waitFor({ timeout: 20_000 });
    await w.page.waitForTimeout(1000);
    const bg = await frame.evaluate(() => getComputedStyle(document.body).backgroundColor);
    const [r, g, b] = (bg.match(/\d+/g) ?? []).map(Number);
    assert.ok(r + g + b > 600, `the panel background is light now (${bg})`);
    await w.screenshot('panel-light');
    const bad = await axeScan(frame, 'panel-axe-light');
    assert.deepEqual(bad, [], JSON.stringify(bad, null, 1));
  });

  it('refuses a malformed message from the page: logged, and nothing changes', async function () {
    this.timeout(60_000);
    const { wb: w, server: s } = ready();
    assert.ok(frame && folder);
    const journalFile = join(folder, '.mendix-migrations', 'order-portal.json');
    const before = readFileSync(journalFile, 'utf8');
    // Exactly what the page's postMessage hands to the webview host frame, with a shape the protocol does not allow.
    const host = frame.parentFrame();
    assert.ok(host, 'the webview host frame');
    await host.evaluate(() => {
      const send = (window as unknown as Record<string, (channel: string, data: unknown) => void>).__vscode_post_message__;
      send('onmessage', { message: { type: 'stepAction', action: 'deleteEverything', stepId: 'preflight' } });
    });
    const deadline = Date.now() + 20_000;
    while (Date.now() < deadline && !/refused a malformed message/.test(readOutputChannelLog(s, 'Mendix Cloud Migration'))) await w.page.waitForTimeout(250);
    assert.match(readOutputChannelLog(s, 'Mendix Cloud Migration'), /panel: refused a malformed message \(action: /);
    await w.page.waitForTimeout(500);
    assert.equal(readFileSync(journalFile, 'utf8'), before, 'the journal did not change');
    assert.equal(await status(frame, 'preflight'), 'done');
  });

  it('comes back in the same state after a window reload', async function () {
    this.timeout(120_000);
    const { wb: w, server: s } = ready();
    // With another view in the sidebar, nothing but the panel itself can activate the extension after the reload.
    await w.clickActivityBarItem('Explorer');
    await w.page.locator('.part.sidebar .composite.title', { hasText: /explorer/i }).first().waitFor({ timeout: 15_000 });
    // The workbench saves which view is open shortly after the change.
    await w.page.waitForTimeout(2000);
    await w.page.reload({ waitUntil: 'domcontentloaded' });
    await w.page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
    frame = await panelFrame(w);
    // Finished phases are folded, so the row is in the page but may be hidden.
    await frame.waitForSelector('#step-preflight[data-status="done"]', { state: 'attached', timeout: 30_000 });
    assert.equal(await status(frame, 'package.download'), 'done');
    assert.equal(await status(frame, 'backup.snapshot'), 'pending');
    await w.screenshot('panel-after-reload-light');
    // Restored by its serializer; the extension woke up for the panel itself.
    assert.match(readExtensionHostLog(s), /mendix-cloud-migration, .*activationEvent: 'onWebviewPanel:mendixMigration\.migrationPanel'/);
    const log = readOutputChannelLog(s, 'Mendix Cloud Migration');
    assert.doesNotMatch(log, new RegExp(`${DEMO.apiKey}|${DEMO.pat}`), 'no secret in the log');
  });
});
