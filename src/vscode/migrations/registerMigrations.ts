/**
 * Wires migrations into VS Code: the Migrations view, the panel (and its serializer), the status
 * bar phase and the workbench the migration commands use. The engine and the API client are loaded
 * on first use; activation only registers things.
 */
import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import { AccountStore } from '../../core/ui/accounts/accounts';
import { COMMANDS, VIEWS } from '../../core/ui/kit/commandIds';
import { UserFacingError } from '../../core/ui/kit/errors';
import type { MigrationServices } from '../../core/mendix/services';
import type { Journal } from '../../core/migration/types';
import type { MigrationController } from '../../core/ui/migrations/migrationController';
import type { MigrationWorkbench } from '../../core/ui/migrations/migrationDeps';
import type { DnsWatchConfig } from '../../core/ui/panel/dnsWatch';
import type { Logger } from '../../core/shared/logger';
import type { Redactor } from '../../core/shared/redact';
import { VsCodeHost } from '../kit/host';
import type { AccountStatusBar } from '../explorer/accountStatusBar';
import type { MigrationPanels } from '../panel/migrationPanel';
import { PANEL_VIEW_TYPE } from '../../core/ui/panel/viewType';
import { secretBackend } from '../kit/secrets';
import { apiConfig, appUrlCheckSettings } from '../kit/settings';
import { VsCodeProgressRunner, VsCodeUserInput } from '../kit/userInput';
import { VsCodeMigrationPrompt } from './migrationPrompt';
import { MigrationStatusBar } from './migrationStatusBar';
import { MigrationsTreeProvider } from './migrationsTree';

export interface MigrationsOptions {
  context: vscode.ExtensionContext;
  channel: vscode.LogOutputChannel;
  log: Logger;
  redactor: Redactor;
  /** The explorer's account store (SecretStorage); its own one when not given. */
  accounts?: AccountStore;
}

export interface Migrations {
  workbench: MigrationWorkbench;
  /** Shows a running migration's step next to the account, too. */
  attachStatusBar(statusBar: AccountStatusBar): void;
}

const ACCOUNTS_KEY = 'mendixMigration.journalAccounts';

/** Phases whose steps change links, URLs or running states the Apps tree shows. */
const TREE_PHASES: ReadonlySet<string> = new Set(['link-target', 'carry-package', 'prepare-target', 'restore', 'test', 'cutover', 'relink', 'url', 'offboard']);

function setting<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration('mendixMigration').get<T>(key) ?? fallback;
}

/** DNS settings: resolver and authoritative lists (`ip[:port]`, or `name=ip[:port]`) replace or extend the defaults when given. */
function dnsConfig(): DnsWatchConfig {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const r = require('../../core/dns/resolvers') as typeof import('../../core/dns/resolvers');
  const resolvers = setting<string[]>('dns.resolvers', []).filter((x) => typeof x === 'string' && x.trim() !== '');
  const authoritative = setting<string[]>('dns.authoritative', []).filter((x) => typeof x === 'string' && x.trim() !== '');
  const custom = resolvers.map((x) => {
    const [name, addr] = x.includes('=') ? x.split('=', 2) : [undefined, x];
    return r.resolverFromAddress(addr.trim(), name?.trim());
  });
  const mode = setting<string>('dns.resolversMode', 'replace') === 'extend' ? 'extend' : 'replace';
  return {
    resolvers: custom.length ? r.mergeResolvers(r.DEFAULT_PUBLIC_RESOLVERS, custom, mode) : [...r.DEFAULT_PUBLIC_RESOLVERS],
    authoritative: authoritative.length ? authoritative : 'discover',
    // The panel checks the CNAME itself (✓ against <domain>.cname.mendix.net), not where it leads.
    recordType: 'CNAME',
    timeoutMs: setting<number>('dns.timeoutMs', 2000),
    minIntervalMs: setting<number>('dns.minIntervalMs', 2000),
  };
}

export function registerMigrations(opts: MigrationsOptions): Migrations {
  const { context, log, redactor } = opts;
  const accounts = opts.accounts ?? new AccountStore(secretBackend(context.secrets));
  const folder = (): string | undefined => vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const ui = new VsCodeUserInput();
  const ops = { ui, progress: new VsCodeProgressRunner(), host: new VsCodeHost(opts.channel, redactor) };
  let controller: MigrationController | undefined;
  const statusBar = new MigrationStatusBar();
  let accountBar: AccountStatusBar | undefined;

  const accountFor = async (file: string, journal: Readonly<Journal>): Promise<string> => {
    const remembered = context.workspaceState.get<Record<string, string>>(ACCOUNTS_KEY, {})[file];
    const list = await accounts.list();
    if (remembered && list.some((a) => a.id === remembered)) return remembered;
    if (list.length === 0) throw new UserFacingError('Sign in to Mendix Cloud first: the migration needs an account.', 'Run "Mendix: Sign In".');
    const id = list.length === 1 ? list[0].id : await ui.pick(list.map((a) => ({ label: a.name, description: a.username, value: a.id })), { title: `Account for migration ${journal.name}` });
    await workbench.rememberAccount(file, id);
    return id;
  };

  const services = async (file: string, journal: Readonly<Journal>): Promise<MigrationServices> => {
    const id = await accountFor(file, journal);
    const credentials = await accounts.credentials(id);
    if (!credentials) throw new UserFacingError('The account of this migration has no stored credentials.', 'Sign in again.');
    redactor.add(credentials.apiKey);
    redactor.add(credentials.pat);
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const api = require('../../core/mendix/api/mendixClient') as typeof import('../../core/mendix/api/mendixClient');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const adapter = require('../../core/mendix/clientAdapter') as typeof import('../../core/mendix/clientAdapter');
    const client = new api.MendixClient({ credentials, config: apiConfig(), logger: log.child('api'), redactor });
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const urls = require('../../core/mendix/appUrlCheck') as typeof import('../../core/mendix/appUrlCheck');
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const domains = require('../../core/migration/domainCheck') as typeof import('../../core/migration/domainCheck');
    const summary = (await accounts.list()).find((a) => a.id === id);
    const check = appUrlCheckSettings();
    const dns = dnsConfig();
    const connections = setting<number>('transfer.connections', 8);
    return new adapter.ClientMigrationServices({
      client,
      username: credentials.username ?? summary?.username ?? '',
      logger: log.child('migration'),
      httpCheck: urls.appUrlCheck(check.mode, { client, gateway: check.gateway }),
      // The same custom-domain check the CLI's --dns-check wires, over the DNS settings.
      checkCustomDomain: domains.dnsDomainCheck({
        resolvers: dns.resolvers,
        authoritative: dns.authoritative === 'discover' ? undefined : dns.authoritative,
        timeoutMs: dns.timeoutMs,
        // As the CLI: with a PAT the certificate is looked up through the Certificate API first.
        certificates: credentials.pat ? client.certificates : undefined,
      }),
      connections: Number.isInteger(connections) && connections >= 1 ? Math.min(connections, 32) : 8,
    });
  };

  const tree = new MigrationsTreeProvider(folder, () => controller, log.child('migrations'));
  const view = vscode.window.createTreeView(VIEWS.migrations, { treeDataProvider: tree });
  let statusTimer: ReturnType<typeof setTimeout> | undefined;
  /** Redraws the view and (coalesced, from the journal files) the status bar entry. */
  const changed = (): void => {
    tree.refresh();
    if (statusTimer) return;
    statusTimer = setTimeout(() => {
      statusTimer = undefined;
      void workbench.journals().then(
        (list) => statusBar.show(list, (f) => controller?.busy(f)),
        (e: unknown) => log.debug(`migration status: ${String(e)}`),
      );
    }, 300);
  };

  let appsTimer: ReturnType<typeof setTimeout> | undefined;
  /** Refreshes the Apps tree once things settle (one refresh for a burst of changes). */
  const refreshApps = (): void => {
    if (appsTimer) clearTimeout(appsTimer);
    appsTimer = setTimeout(() => {
      appsTimer = undefined;
      void vscode.commands.executeCommand(COMMANDS.refresh).then(undefined, (e: unknown) => log.debug(`apps refresh: ${String(e)}`));
    }, 1000);
  };

  const getController = (): MigrationController => {
    if (controller) return controller;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('../../core/ui/migrations/migrationController') as typeof import('../../core/ui/migrations/migrationController');
    const raw = setting<number>('migration.pollIntervalMs', 0);
    // settings.json can hold anything: outside 10 ms…10 min the engine's default is used, and the log says why.
    const poll = Number.isInteger(raw) && raw >= 10 && raw <= 600_000 ? raw : 0;
    if (raw !== 0 && poll === 0) log.warn(`mendixMigration.migration.pollIntervalMs = ${String(raw)} is outside 10…600000 ms; using the default`);
    const mc = new m.MigrationController({
      services,
      prompt: new VsCodeMigrationPrompt(userInfo().username || 'person'),
      logger: log,
      planOptions: () => (poll > 0 ? { pollIntervalMs: poll } : {}),
    });
    mc.onDidChange((c) => {
      if (c.kind === 'busy' || (c.kind === 'runner' && c.event.type !== 'progress')) changed();
      // A step that links, renames, starts or stops something changes what the Apps tree shows.
      if ((c.kind === 'runner' && c.event.type === 'step-done' && TREE_PHASES.has(mc.planLines(c.file).find((l) => l.id === c.event.stepId)?.phase ?? '')) || (c.kind === 'busy' && !c.busy)) {
        refreshApps();
      }
      if (c.kind === 'busy') {
        const name = mc.peek(c.file)?.name;
        accountBar?.setMigrationPhase(c.busy && name ? `${name}: ${c.busy}` : undefined);
      } else if (c.kind === 'runner' && c.event.type === 'step-started' && mc.busy(c.file)) {
        accountBar?.setMigrationPhase(`${mc.peek(c.file)?.name ?? 'migration'}: ${c.event.title}`);
      }
    });
    controller = mc;
    return mc;
  };

  let panels: MigrationPanels | undefined;
  const getPanels = (): MigrationPanels => {
    if (panels) return panels;
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const m = require('../panel/migrationPanel') as typeof import('../panel/migrationPanel');
    panels = new m.MigrationPanels({ extensionUri: context.extensionUri, workbench: () => workbench, ops, log, dnsConfig });
    return panels;
  };

  const workbench: MigrationWorkbench = {
    kind: 'migrationWorkbench',
    get controller() {
      return getController();
    },
    workspaceFolder: folder,
    journals: async () => {
      const f = folder();
      if (!f) return [];
      // eslint-disable-next-line @typescript-eslint/no-require-imports
      const j = require('../../core/ui/migrations/journalList') as typeof import('../../core/ui/migrations/journalList');
      return j.listJournals(f);
    },
    openPanel: (file) => getPanels().show(file),
    rememberAccount: async (file, accountId) => {
      const map = { ...context.workspaceState.get<Record<string, string>>(ACCOUNTS_KEY, {}), [file]: accountId };
      await context.workspaceState.update(ACCOUNTS_KEY, map);
    },
    refreshView: changed,
    // The explorer's "Start Migration from Here" hands over the app; the wizard asks the rest.
    start: async () => {
      await vscode.commands.executeCommand(COMMANDS.startMigration);
    },
  };

  const watcher = vscode.workspace.createFileSystemWatcher('**/.mendix-migrations/*.json');
  const onFile = (uri: vscode.Uri) => {
    changed();
    if (controller) void controller.reload(uri.fsPath).catch((e: unknown) => log.debug(`reload ${uri.fsPath}: ${String(e)}`));
  };
  context.subscriptions.push(
    tree,
    view,
    { dispose: () => panels?.dispose() },
    // Registered now so a panel left open comes back after a reload; the panel code loads with it.
    vscode.window.registerWebviewPanelSerializer(PANEL_VIEW_TYPE, { deserializeWebviewPanel: (panel, state) => getPanels().revive(panel, state) }),
    watcher,
    watcher.onDidCreate(onFile),
    watcher.onDidChange(onFile),
    watcher.onDidDelete(changed),
    statusBar,
    { dispose: () => statusTimer && clearTimeout(statusTimer) },
    { dispose: () => appsTimer && clearTimeout(appsTimer) },
    // Nothing is read at activation: the first look at the journals happens when the view is shown.
    view.onDidChangeVisibility((e) => e.visible && changed()),
    context.secrets.onDidChange(() => accounts.reset()),
  );
  if (view.visible) setTimeout(changed, 1000);
  return { workbench, attachStatusBar: (sb) => (accountBar = sb) };
}
