/**
 * The Start Migration wizard: every question first (source app and environment, flavour, target
 * node and environment, temporary apps, custom domains, backups to keep, download folder, name),
 * then one summary to confirm. Nothing runs until the answers are complete and valid. The questions
 * are steps (wizardSteps.ts) with Back; the summary's "Back" returns to the last question.
 */
import { validateCustomDomain } from '../../dns/domain';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { runSteps, type Step } from '../kit/steps';
import { validateInput } from '../../migration/session';
import { hintItems } from '../../migration/preflight';
import type { MigrationInput } from '../../migration/types';
import { newWizardState, questionSteps, title, TOTAL, type WizardState } from './wizardSteps';

export const PORTAL_URL = 'https://sprintr.home.mendix.com';

export interface WizardAnswers {
  accountId: string;
  input: MigrationInput;
}

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

/** The preflight's settings hints (mail, FTP, private network), read fresh, shown before the journal is written. */
async function settingsWarnings(s: WizardState): Promise<string[]> {
  const { source, env, account } = s;
  if (!source || !env || !account) return [];
  try {
    const settings = await account.service.getSettings(source.appId, env.mode);
    return hintItems(settings)
      .filter((i) => i.result !== 'pass')
      .map((i) => `Warning: ${i.title}: ${i.detail}${i.id === 'vpn' && s.flavour === 'v3-to-v4' ? ' (Mendix Cloud v4 offers no VPN)' : ''}.`);
  } catch {
    return ['The source’s settings could not be read here: the preflight checks mail server, FTP and private-network use.'];
  }
}

/** The answers as the engine takes them; throws when they do not validate. */
export function migrationInput(s: WizardState): MigrationInput {
  const { source, env, target, targetEnv, tempA, tempB, flavour, name, downloadFolder } = s;
  if (!source || !env || !target || !targetEnv || !tempA || !tempB || !flavour || !name || !downloadFolder) throw new Error('wizard: a question is not answered');
  const parsed = parseDomains(s.domainText);
  const customDomains = 'domains' in parsed ? parsed.domains : [];
  return validateInput({
    name,
    flavour,
    source: { projectId: source.projectId, name: source.name, appId: source.appId, environment: env.mode, nodeSubdomain: source.appId },
    target: {
      nodeSubdomain: target.app.appId,
      environment: targetEnv,
      tempAppA: { projectId: tempA.projectId, name: tempA.name },
      tempAppB: { projectId: tempB.projectId, name: tempB.name },
    },
    downloadFolder,
    keepBackups: s.keep ? [s.keep] : [],
    customDomains,
    certificate: customDomains.length ? s.certificate : 'none',
    portalUrl: s.deps.settings.portalBaseUrl?.() ?? PORTAL_URL,
  } satisfies MigrationInput);
}

/** The summary the confirmation shows: what moves where, the kind (and whether it was inferred), every warning. */
export function summaryLines(s: WizardState, input: MigrationInput, warnings: readonly string[], today: string): string[] {
  const { customDomains, certificate, flavour } = input;
  return [
    `${input.source.name} ${input.source.environment} (${input.source.appId}) → ${input.target.nodeSubdomain} ${input.target.environment}`,
    `Temporary apps: A = ${input.target.tempAppA.name}, B = ${input.target.tempAppB.name}`,
    `Kind: ${flavour === 'v3-to-v4' ? 'Mendix Cloud v3 → v4' : 'node / region move'}${flavour === s.inferred ? ' (inferred from the API)' : ' (chosen, not the inferred one)'}`,
    customDomains.length ? `Custom domains: ${customDomains.join(', ')} (certificate: ${certificate})` : 'No custom domain',
    ...(customDomains.length
      ? [`Warning: lower the DNS TTL of ${customDomains.join(', ')} to 300 s today (by ${today}), at least a week before the cutover, so the switch spreads within minutes.`]
      : []),
    ...warnings,
    `Downloads: ${input.downloadFolder}`,
    `(${title(TOTAL).replace('Mendix: Start Migration ', '')} Nothing changes on the source until the cutover, which asks again.)`,
  ];
}

const confirmStep: Step<WizardState> = {
  id: 'confirm',
  async ask(s, { back }) {
    const input = migrationInput(s);
    const warnings = await settingsWarnings(s);
    const detail = summaryLines(s, input, warnings, new Date().toISOString().slice(0, 10)).join('\n');
    await s.deps.ui.confirm(`Start migration "${input.name}"?`, 'Start', detail, { back });
    return true;
  },
};

export async function askMigrationInput(deps: CommandDeps, node: ExplorerNode | undefined, existingNames: readonly string[]): Promise<WizardAnswers> {
  const state = await runSteps([...questionSteps(parseDomains, slug), confirmStep], newWizardState(deps, node, existingNames));
  if (!state.account) throw new Error('wizard: no account');
  return { accountId: state.account.account.id, input: migrationInput(state) };
}
