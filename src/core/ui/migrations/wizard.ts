/**
 * The Start Migration wizard: every question first (source app and environment, flavour, target
 * node and environment, temporary apps, custom domains, backups to keep, download folder, name),
 * then one summary to confirm. Nothing runs until the answers are complete and valid.
 */
import { validateCustomDomain } from '../../dns/domain';
import { UserFacingError } from '../kit/errors';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { appOf, environmentOf } from '../explorer/commands/resolveNodes';
import { pickApp } from '../explorer/commands/pickers';
import type { CloudApp, SnapshotInfo as Snapshot } from '../../mendix/services';
import { SnapshotNode } from '../explorer/nodes/snapshotNode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { appDescription } from '../explorer/presentation';
import { validateInput } from '../../migration/session';
import { hintItems } from '../../migration/preflight';
import type { Flavour, MigrationInput } from '../../migration/types';

export const PORTAL_URL = 'https://sprintr.home.mendix.com';
const TOTAL = 11;
const title = (n: number) => `Mendix: Start Migration (${n}/${TOTAL})`;

export interface WizardAnswers {
  accountId: string;
  input: MigrationInput;
}

const SUBDOMAIN = /^[a-z0-9]([a-z0-9-]{0,61}[a-z0-9])?$/;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;

export function slug(text: string): string {
  return (
    text
      .toLowerCase()
      .replace(/[^a-z0-9]+/g, '-')
      .replace(/^-+|-+$/g, '')
      .slice(0, 50) || 'migration'
  );
}

/** Parses "a.example.com, b.example.com"; returns the ASCII domains or an error text. */
export function parseDomains(text: string): { domains: string[] } | { error: string } {
  const parts = text
    .split(/[\s,;]+/)
    .map((p) => p.trim())
    .filter((p) => p.length > 0);
  const out: string[] = [];
  for (const p of parts) {
    const v = validateCustomDomain(p);
    if (!v.ok) return { error: `${p}: ${v.message}${v.suggestion ? ` (${v.suggestion})` : ''}` };
    out.push(v.domain);
  }
  return { domains: [...new Set(out)] };
}

function tempCandidates(apps: readonly CloudApp[], exclude: readonly string[]) {
  // Apps without a node first: those are what the guides mean by "temporary app".
  return apps
    .filter((a) => !exclude.includes(a.projectId))
    .sort((a, b) => Number(b.generation === 'none') - Number(a.generation === 'none') || a.name.localeCompare(b.name))
    .map((a) => ({ label: a.name, description: appDescription(a), detail: a.projectId, value: a }));
}

export async function askMigrationInput(deps: CommandDeps, node: ExplorerNode | undefined, existingNames: readonly string[]): Promise<WizardAnswers> {
  const { ui } = deps;
  const appNode = appOf(node) ?? (await pickApp(deps));
  const account = appNode.parent;
  const source = appNode.app;
  if (source.generation === 'none') throw new UserFacingError(`${source.name} is not linked to a node; there is nothing to migrate.`);

  const envs = await appNode.loadEnvironments();
  const preset = environmentOf(node)?.environment;
  const env =
    preset ??
    (await ui.pick(
      [...envs].sort((a, b) => Number(b.production) - Number(a.production)).map((e) => ({ label: e.mode, description: `${e.status}${e.modelVersion ? ` · model ${e.modelVersion}` : ''}`, value: e })),
      { title: title(1), placeholder: `Which environment of ${source.name} moves?` },
    ));

  const flavours: { label: string; description: string; value: Flavour }[] = [
    { label: 'Node or region move', description: 'Mendix Cloud v4 to another v4 node or region', value: 'node-move' },
    { label: 'Mendix Cloud v3 → v4', description: 'adds the v4 considerations (TLS, connections, debugger, …)', value: 'v3-to-v4' },
  ];
  // Inferred from what the API shows (a v3 node), offered first and marked; the person chooses.
  const inferred: Flavour = source.generation === 'v3' ? 'v3-to-v4' : 'node-move';
  if (inferred === 'v3-to-v4') flavours.reverse();
  flavours[0].description = `${flavours[0].description} — inferred from the API (${source.generation === 'v3' ? 'a Mendix Cloud v3 node' : 'a v4 node'})`;
  const flavour = await ui.pick(flavours, { title: title(2), placeholder: 'What kind of migration?' });

  const targetNode = (
    await ui.input({
      title: title(3),
      prompt: 'Sub-domain of the licensed node the app moves to (it must be empty)',
      placeholder: `${source.appId}-new`,
      validate: (v) => (SUBDOMAIN.test(v.trim()) ? (v.trim() === source.appId ? 'That is the source node.' : undefined) : 'Lower-case letters, digits and dashes.'),
    })
  ).trim();
  const targetEnv = await ui.pick(
    ['Production', 'Acceptance', 'Test'].map((m) => ({ label: m, value: m, description: m === env.mode ? 'same as the source' : undefined })).sort((a) => (a.value === env.mode ? -1 : 0)),
    { title: title(4), placeholder: `Environment on ${targetNode} that receives the app` },
  );

  const apps = await account.loadApps();
  const tempA = await ui.pick(tempCandidates(apps, [source.projectId]), { title: title(5), placeholder: `Temporary app A: linked to ${targetNode} to prepare it` });
  const tempB = await ui.pick(tempCandidates(apps, [source.projectId, tempA.projectId]), { title: title(6), placeholder: `Temporary app B: linked to ${source.appId} to free the app` });

  const domainText = await ui.input({
    title: title(7),
    prompt: 'Custom domains of the app, comma-separated (empty for none)',
    placeholder: 'orders.example.com',
    validate: (v) => {
      const r = parseDomains(v);
      return 'error' in r ? r.error : undefined;
    },
  });
  const parsed = parseDomains(domainText);
  const customDomains = 'domains' in parsed ? parsed.domains : [];
  const certificate =
    customDomains.length === 0
      ? 'none'
      : await ui.pick(
          [
            { label: 'Our own private key', description: 'upload the certificate again for the target', value: 'own-key' as const },
            { label: 'Mendix keystore', description: 'Support moves it (pre-filled request)', value: 'mendix-keystore' as const },
            { label: 'No certificate to move', value: 'none' as const },
          ],
          { title: title(8), placeholder: 'Where does the custom-domain certificate’s private key live?' },
        );

  const envNode = environmentOf(node) ?? (await appNode.getChildren()).map((n) => environmentOf(n)).find((n) => n?.environment.environmentId === env.environmentId);
  // The preflight's settings hints (mail, FTP, private network), shown before the journal is written.
  let settingsWarnings: string[];
  try {
    const settings = envNode ? await envNode.settingsNode.loadSettings() : undefined;
    settingsWarnings = settings
      ? hintItems(settings)
          .filter((i) => i.result !== 'pass')
          .map((i) => `Warning: ${i.title}: ${i.detail}${i.id === 'vpn' && flavour === 'v3-to-v4' ? ' (Mendix Cloud v4 offers no VPN)' : ''}.`)
      : ['The source’s settings were not read here: the preflight checks mail server, FTP and private-network use.'];
  } catch {
    settingsWarnings = ['The source’s settings could not be read here: the preflight checks mail server, FTP and private-network use.'];
  }
  let keepBackups: string[] = [];
  if (envNode) {
    let snapshots: Snapshot[] = [];
    try {
      await envNode.backupsNode.loadSnapshots();
      snapshots = (await envNode.backupsNode.getChildren()).filter((n): n is SnapshotNode => n instanceof SnapshotNode).map((n) => n.snapshot).filter((s) => s.state === 'completed');
    } catch {
      // Listing backups needs Access to Backups; without it nothing can be kept, which preflight reports.
      snapshots = [];
    }
    if (snapshots.length > 0) {
      const keep = await ui.pick(
        [{ label: 'None', description: 'keep no older backup', value: '' }, ...snapshots.map((s) => ({ label: s.createdAt ?? s.snapshotId, description: s.comment, detail: s.snapshotId, value: s.snapshotId }))],
        { title: title(9), placeholder: 'An older backup of the source to download and verify before offboarding' },
      );
      keepBackups = keep ? [keep] : [];
    }
  }

  const downloadFolder = deps.settings.downloadFolder() ?? (await ui.pickFolder('Folder for the package and backup downloads'));
  const name = (
    await ui.input({
      title: title(10),
      prompt: 'Name of this migration (its journal is .mendix-migrations/<name>.json)',
      value: slug(`${source.name}-to-${targetNode}`),
      validate: (v) => (!NAME.test(v.trim()) ? 'Lower-case letters, digits and dashes.' : existingNames.includes(v.trim()) ? 'A migration with this name exists; resume it or choose another name.' : undefined),
    })
  ).trim();

  const input = validateInput({
    name,
    flavour,
    source: { projectId: source.projectId, name: source.name, appId: source.appId, environment: env.mode, nodeSubdomain: source.appId },
    target: {
      nodeSubdomain: targetNode,
      environment: targetEnv,
      tempAppA: { projectId: tempA.projectId, name: tempA.name },
      tempAppB: { projectId: tempB.projectId, name: tempB.name },
    },
    downloadFolder,
    keepBackups,
    customDomains,
    certificate,
    portalUrl: deps.settings.portalBaseUrl?.() ?? PORTAL_URL,
  } satisfies MigrationInput);

  await ui.confirm(
    `Start migration "${name}"?`,
    'Start',
    [
      `${source.name} ${env.mode} (${source.appId}) → ${targetNode} ${targetEnv}`,
      `Temporary apps: A = ${tempA.name}, B = ${tempB.name}`,
      `Kind: ${flavour === 'v3-to-v4' ? 'Mendix Cloud v3 → v4' : 'node / region move'}${flavour === inferred ? ' (inferred from the API)' : ' (chosen, not the inferred one)'}`,
      customDomains.length ? `Custom domains: ${customDomains.join(', ')} (certificate: ${certificate})` : 'No custom domain',
      ...(customDomains.length
        ? [`Warning: lower the DNS TTL of ${customDomains.join(', ')} to 300 s today (by ${new Date().toISOString().slice(0, 10)}), at least a week before the cutover, so the switch spreads within minutes.`]
        : []),
      ...settingsWarnings,
      `Downloads: ${downloadFolder}`,
      `(${title(11).replace('Mendix: Start Migration ', '')} Nothing changes on the source until the cutover, which asks again.)`,
    ].join('\n'),
  );
  return { accountId: account.account.id, input };
}
