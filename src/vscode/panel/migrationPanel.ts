/**
 * The migration panel in VS Code: a webview per journal with a strict CSP (nonce from
 * `crypto.randomBytes`), narrow resource roots, every inbound message validated (in the core
 * controller), DNS watching paused while hidden, and a serializer that brings it back after a reload.
 * Its buttons run commands through the one command table and wrapper, as the palette and trees do.
 */
import { randomBytes } from 'node:crypto';
import * as vscode from 'vscode';
import { isKnownJournal } from '../../core/ui/migrations/journalList';
import type { MigrationController } from '../../core/ui/migrations/migrationController';
import type { MigrationDeps } from '../../core/ui/migrations/migrationDeps';
import { REDEPLOY } from '../../core/migration/steps/finishStepIds';
import { DnsWatch, withTargetHost, type DnsWatchConfig } from '../../core/ui/panel/dnsWatch';
import { PanelController } from '../../core/ui/panel/panelController';
import { panelHtml } from '../../core/ui/panel/panelHtml';
import { parseViewState, type HostMessage } from '../../core/ui/panel/protocol';
import { PANEL_VIEW_TYPE } from '../../core/ui/panel/viewType';
import type { Logger } from '../../core/shared/logger';

export interface PanelHostDeps {
  extensionUri: vscode.Uri;
  migrations: MigrationDeps;
  log: Logger;
  dnsConfig: () => DnsWatchConfig;
}

/** One open panel: the webview, its controller and its DNS watch. */
class MigrationPanel implements vscode.Disposable {
  private readonly controller: PanelController;
  private readonly dns: DnsWatch | undefined;
  private readonly subs: vscode.Disposable[] = [];
  private disposed = false;

  constructor(
    readonly file: string,
    readonly panel: vscode.WebviewPanel,
    deps: PanelHostDeps,
    mc: MigrationController,
    onDispose: () => void,
  ) {
    const log = deps.log.child('panel');
    const webview = panel.webview;
    webview.options = { enableScripts: true, localResourceRoots: [vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview'), vscode.Uri.joinPath(deps.extensionUri, 'media')] };
    this.controller = new PanelController({
      source: { journalFile: file, journal: () => mc.peek(file), plan: () => mc.planLines(file), busy: () => mc.busy(file), saying: () => mc.saying(file) },
      actions: {
        command: (id, arg) => Promise.resolve(vscode.commands.executeCommand(id, arg)),
        dns: (watch) => (watch ? this.dns?.start() : this.dns?.stop()),
      },
      post: (m: HostMessage) => void webview.postMessage(m),
      log,
    });
    const domain = mc.peek(file)?.input.customDomains[0];
    // The redeploy step records the target environment's URL: from then on the chain end is judged.
    const dnsConfig = () => withTargetHost(deps.dnsConfig(), mc.peek(file)?.steps[REDEPLOY]?.outputs.url);
    if (domain) this.dns = new DnsWatch(domain, dnsConfig, (m) => this.controller.dns(m), log);
    if (this.dns) this.controller.dns(this.dns.model);
    for (const row of mc.transfers(file)) this.controller.transfer(row);

    const change = mc.onDidChange((c) => {
      if (c.file !== file) return;
      if (c.kind === 'transfer') this.controller.transfer(c.row);
      else if (c.kind === 'journal' || c.kind === 'busy') {
        this.controller.refresh();
        if (c.kind === 'journal' && this.dns && !this.dns.running && mc.peek(file)?.steps['domain.dns']?.status === 'waiting-for-person' && panel.visible) this.dns.start();
      }
    });
    this.subs.push(
      { dispose: () => change.dispose() },
      webview.onDidReceiveMessage((raw: unknown) => void this.controller.receive(raw)),
      panel.onDidChangeViewState(() => {
        if (panel.visible) this.dns?.resume();
        else this.dns?.pause();
      }),
      panel.onDidDispose(() => {
        this.dispose();
        onDispose();
      }),
    );
    panel.title = `Migration: ${mc.peek(file)?.name ?? 'migration'}`;
    panel.iconPath = vscode.Uri.joinPath(deps.extensionUri, 'media', 'mendix-cloud.svg');
    webview.html = panelHtml({
      cspSource: webview.cspSource,
      nonce: randomBytes(16).toString('base64'),
      scriptUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'dist', 'webview', 'panel.js')).toString(),
      styleUri: webview.asWebviewUri(vscode.Uri.joinPath(deps.extensionUri, 'media', 'panel.css')).toString(),
      title: panel.title,
    });
  }

  dispose(): void {
    if (this.disposed) return;
    this.disposed = true;
    this.dns?.stop();
    this.controller.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}

/** Opens, reveals and revives migration panels (one per journal). Loaded on first use. */
export class MigrationPanels implements vscode.Disposable {
  private readonly open = new Map<string, MigrationPanel>();

  constructor(private readonly deps: PanelHostDeps) {}

  /** Brings back a panel VS Code restored after a reload (called by the serializer). */
  async revive(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const view = parseViewState(state);
    if (!view) {
      this.deps.log.warn('panel: could not restore a migration panel (no journal in its state)');
      panel.dispose();
      return;
    }
    try {
      // The saved state comes from the webview: only a journal of this workspace's migrations list is opened.
      if (!isKnownJournal(await this.deps.migrations.journals(), view.journalFile)) {
        this.deps.log.warn(`panel: not restoring ${view.journalFile}: it is not one of this workspace's migrations`);
        panel.dispose();
        return;
      }
      await this.attach(view.journalFile, panel);
    } catch (e) {
      this.deps.log.warn(`panel: could not restore ${view.journalFile}: ${e instanceof Error ? e.message : String(e)}`);
      panel.dispose();
    }
  }

  visible(file: string): boolean {
    return this.open.get(file)?.panel.visible ?? false;
  }

  async show(file: string): Promise<void> {
    const existing = this.open.get(file);
    if (existing) {
      existing.panel.reveal();
      return;
    }
    const panel = vscode.window.createWebviewPanel(PANEL_VIEW_TYPE, 'Migration', vscode.ViewColumn.Active, { enableScripts: true, retainContextWhenHidden: false });
    await this.attach(file, panel);
  }

  dispose(): void {
    for (const p of [...this.open.values()]) p.dispose();
    this.open.clear();
  }

  private async attach(file: string, panel: vscode.WebviewPanel): Promise<void> {
    const mc = this.deps.migrations.controller;
    await mc.load(file);
    const p = new MigrationPanel(file, panel, this.deps, mc, () => this.open.delete(file));
    this.open.set(file, p);
  }
}
