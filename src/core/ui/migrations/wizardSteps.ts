/**
 * The Start Migration wizard's questions, one step each, over one state: the source app and
 * environment, the flavour, the target node (picked from the nodes the account sees) and its
 * environment, temporary apps A and B, custom domains, an older backup to keep, the folder and the
 * name. Lists are read fresh from the cloud port (not the tree's cache) and show "Loading…" until
 * they arrive; every step after the first has Back, and going back shows the earlier answer.
 */
import { UserFacingError } from '../kit/errors';
import type { PickItem } from '../kit/userInput';
import type { Step, StepContext } from '../kit/steps';
import type { CommandDeps } from '../explorer/commands/commandDeps';
import { appOf, environmentOf } from '../explorer/commands/resolveNodes';
import type { AccountContext } from '../explorer/nodes/explorerNode';
import type { ExplorerNode } from '../explorer/nodes/explorerNode';
import { appDescription } from '../explorer/presentation';
import { describeError } from '../../shared/errors';
import type { CloudApp, EnvironmentInfo, SnapshotInfo } from '../../mendix/services';
import type { Flavour, MigrationInput } from '../../migration/types';
import { nodeCandidates, targetNodeRows, targetRefusal, tempAppRows, type NodeCandidate } from './wizardLists';

export const TOTAL = 11;
export const title = (n: number) => `Mendix: Start Migration (${n}/${TOTAL})`;
const NAME = /^[a-z0-9][a-z0-9-]{0,62}$/;
/** Nodes whose environments are read before the list shows; the others are checked once picked. */
const PRECHECKED_NODES = 40;

export interface WizardState {
  readonly deps: CommandDeps;
  readonly node: ExplorerNode | undefined;
  readonly existingNames: readonly string[];
  account?: AccountContext;
  /** The account's apps, read once per wizard from the cloud port. */
  apps?: Promise<CloudApp[]>;
  nodeChecks: Map<string, Promise<NodeCandidate>>;
  source?: CloudApp;
  env?: EnvironmentInfo;
  inferred?: Flavour;
  flavour?: Flavour;
  target?: NodeCandidate;
  targetEnv?: string;
  tempA?: CloudApp;
  tempB?: CloudApp;
  domainText: string;
  certificate: MigrationInput['certificate'];
  /** The older backup to keep ('' for none); undefined when there was none to choose. */
  keep?: string;
  downloadFolder?: string;
  name?: string;
}

export function newWizardState(deps: CommandDeps, node: ExplorerNode | undefined, existingNames: readonly string[]): WizardState {
  return { deps, node, existingNames, nodeChecks: new Map(), domainText: '', certificate: 'none' };
}

const need = <T>(v: T | undefined, what: string): T => {
  if (v === undefined) throw new Error(`wizard: ${what} is not answered yet`);
  return v;
};

/** Fresh from the API (once per wizard); a failed read is forgotten so Back and again retries it. */
function freshApps(s: WizardState): Promise<CloudApp[]> {
  const account = need(s.account, 'account');
  s.apps ??= account.service.listAccountApps().catch((e: unknown) => {
    s.apps = undefined;
    throw e;
  });
  return s.apps;
}

function checkNode(s: WizardState, app: CloudApp): Promise<NodeCandidate> {
  const service = need(s.account, 'account').service;
  let check = s.nodeChecks.get(app.projectId);
  if (!check) {
    check = service.listAppEnvironments(app).then(
      (envs) => ({ app, envs }),
      (e: unknown) => ({ app, envError: describeError(e).message }),
    );
    s.nodeChecks.set(app.projectId, check);
  }
  return check;
}

const accountStep: Step<WizardState> = {
  id: 'account',
  async ask(s, { back }) {
    const preset = appOf(s.node);
    if (preset) {
      s.account = preset.parent;
      return false;
    }
    const accounts = await s.deps.root.accountNodes();
    if (accounts.length === 0) throw new UserFacingError('You are not signed in.', 'Run "Mendix: Sign In" first.');
    if (accounts.length === 1) {
      s.account = accounts[0];
      return false;
    }
    const before = s.account;
    s.account = await s.deps.ui.pick(
      accounts.map((a) => ({ label: a.account.name, description: a.account.username, value: a })),
      { title: 'Mendix account', back, isActive: (a) => a === before },
    );
    if (s.account !== before) s.apps = undefined;
    return true;
  },
};

const sourceStep: Step<WizardState> = {
  id: 'source',
  async ask(s, { back }) {
    const preset = appOf(s.node);
    if (preset) {
      s.source = preset.app;
      if (s.source.generation === 'none') throw new UserFacingError(`${s.source.name} is not linked to a node; there is nothing to migrate.`);
      return false;
    }
    const rows = freshApps(s).then((apps) =>
      apps.map((a) => ({
        label: a.name,
        description: appDescription(a),
        detail: a.projectId,
        value: a,
        disabled: a.generation === 'none' ? 'not linked to a node: there is nothing to migrate' : a.licenseType === 'free' ? 'a free app: only licensed apps move between nodes' : undefined,
      })),
    );
    const before = s.source?.projectId;
    s.source = await s.deps.ui.pick(rows, { title: 'Mendix app', placeholder: 'Which app moves? Type to filter by name', back, isActive: (a) => a.projectId === before });
    return true;
  },
};

const environmentStep: Step<WizardState> = {
  id: 'environment',
  async ask(s, { back }) {
    const source = need(s.source, 'source');
    const preset = environmentOf(s.node)?.environment;
    if (preset) {
      s.env = preset;
      return false;
    }
    const rows = need(s.account, 'account')
      .service.listAppEnvironments(source)
      .then((envs) =>
        [...envs]
          .sort((a, b) => Number(b.production ?? b.mode === 'Production') - Number(a.production ?? a.mode === 'Production'))
          .map((e) => ({ label: e.mode, description: `${e.status}${e.modelVersion ? ` · model ${e.modelVersion}` : ''}`, value: e })),
      );
    const before = s.env?.mode;
    s.env = await s.deps.ui.pick(rows, { title: title(1), placeholder: `Which environment of ${source.name} moves?`, back, isActive: (e) => e.mode === before });
    return true;
  },
};

const flavourStep: Step<WizardState> = {
  id: 'flavour',
  async ask(s, { back }) {
    const source = need(s.source, 'source');
    const flavours: PickItem<Flavour>[] = [
      { label: 'Node or region move', description: 'Mendix Cloud v4 to another v4 node or region', value: 'node-move' },
      { label: 'Mendix Cloud v3 → v4', description: 'adds the v4 considerations (TLS, connections, debugger, …)', value: 'v3-to-v4' },
    ];
    // Inferred from what the API shows (a v3 node), offered first and marked; the person chooses.
    s.inferred = source.generation === 'v3' ? 'v3-to-v4' : 'node-move';
    if (s.inferred === 'v3-to-v4') flavours.reverse();
    flavours[0].description = `${flavours[0].description} — inferred from the API (${source.generation === 'v3' ? 'a Mendix Cloud v3 node' : 'a v4 node'})`;
    const chosen = s.flavour ?? s.inferred;
    s.flavour = await s.deps.ui.pick(flavours, { title: title(2), placeholder: 'What kind of migration?', back, isActive: (f) => f === chosen });
    return true;
  },
};

async function targetRows(s: WizardState): Promise<PickItem<NodeCandidate>[]> {
  const source = need(s.source, 'source');
  const candidates = nodeCandidates(await freshApps(s), source);
  const checked = await Promise.all(
    candidates.map((app, i) => s.nodeChecks.get(app.projectId) ?? (i < PRECHECKED_NODES && app.generation !== 'v3' ? checkNode(s, app) : Promise.resolve({ app }))),
  );
  return targetNodeRows(source, need(s.flavour, 'flavour'), checked);
}

const targetStep: Step<WizardState> = {
  id: 'target',
  async ask(s, { back }) {
    const question = 'Which node does the app move to? (the target node: a licensed node the account sees, empty or prepared for the move)';
    for (;;) {
      const before = s.target?.app.projectId;
      const rows = targetRows(s).then((r) =>
        r.some((x) => x.disabled === undefined)
          ? r
          : r.concat({ label: 'No node can receive the app', description: 'a new node shows only once an app is linked to it', value: { app: need(s.source, 'source') }, disabled: 'link temporary app A to the new node in the portal first, then start again' }),
      );
      const picked = await s.deps.ui.pick(rows, { title: title(3), placeholder: question, back, isActive: (c) => c.app.projectId === before });
      // A node listed without its environments is checked now: one in use is never a target.
      const checked = picked.envs || picked.envError !== undefined ? picked : await checkNode(s, picked.app);
      const refusal = targetRefusal(checked);
      if (refusal === undefined) {
        s.target = checked;
        return true;
      }
      // A notification (not awaited: it resolves only when it closes) while the list opens again.
      void s.deps.ui.info(`${checked.app.appId} cannot receive the app: ${refusal}. Pick another node.`);
    }
  },
};

const targetEnvStep: Step<WizardState> = {
  id: 'targetEnv',
  async ask(s, { back }) {
    const target = need(s.target, 'target');
    const sourceMode = need(s.env, 'environment').mode;
    const modes = target.envs && target.envs.length > 0 ? target.envs.map((e) => e.mode) : ['Production', 'Acceptance', 'Test'];
    const rows = modes
      .map((m) => ({ label: m, value: m, description: m === sourceMode ? 'same as the source' : undefined }))
      .sort((a) => (a.value === sourceMode ? -1 : 0));
    const before = s.targetEnv ?? sourceMode;
    s.targetEnv = await s.deps.ui.pick(rows, { title: title(4), placeholder: `Environment on ${target.app.appId} that receives the app`, back, isActive: (m) => m === before });
    return true;
  },
};

function tempStep(role: 'A' | 'B'): Step<WizardState> {
  return {
    id: `temp${role}`,
    async ask(s: WizardState, { back }: StepContext) {
      const source = need(s.source, 'source');
      const target = need(s.target, 'target').app.appId;
      const tempA = role === 'B' ? need(s.tempA, 'temporary app A') : undefined;
      const rows = freshApps(s).then((apps) => tempAppRows(apps, { role, source, target, tempA }));
      const before = (role === 'A' ? s.tempA : s.tempB)?.projectId;
      const placeholder =
        role === 'A'
          ? `Temporary app A: linked to ${target} to prepare it (a free app without a node)`
          : `Temporary app B: linked to ${source.appId} to free the app (a free app without a node)`;
      const picked = await s.deps.ui.pick(rows, { title: title(role === 'A' ? 5 : 6), placeholder, back, isActive: (a) => a.projectId === before });
      if (role === 'A') s.tempA = picked;
      else s.tempB = picked;
      return true;
    },
  };
}

export interface DomainParser {
  (text: string): { domains: string[] } | { error: string };
}

function domainStep(parse: DomainParser): Step<WizardState> {
  return {
    id: 'domains',
    async ask(s, { back }) {
      s.domainText = await s.deps.ui.input({
        title: title(7),
        prompt: 'Custom domains of the app, comma-separated (empty for none)',
        placeholder: 'orders.example.com',
        value: s.domainText,
        back,
        validate: (v) => {
          const r = parse(v);
          return 'error' in r ? r.error : undefined;
        },
      });
      return true;
    },
  };
}

function certificateStep(parse: DomainParser): Step<WizardState> {
  return {
    id: 'certificate',
    async ask(s, { back }) {
      const r = parse(s.domainText);
      if (!('domains' in r) || r.domains.length === 0) {
        s.certificate = 'none';
        return false;
      }
      const before = s.certificate;
      s.certificate = await s.deps.ui.pick<MigrationInput['certificate']>(
        [
          { label: 'Our own private key', description: 'upload the certificate again for the target', value: 'own-key' },
          { label: 'Mendix keystore', description: 'Support moves it (pre-filled request)', value: 'mendix-keystore' },
          { label: 'No certificate to move', value: 'none' },
        ],
        { title: title(8), placeholder: 'Where does the custom-domain certificate’s private key live?', back, isActive: (c) => c === before },
      );
      return true;
    },
  };
}

async function completedSnapshots(s: WizardState): Promise<SnapshotInfo[]> {
  const source = need(s.source, 'source');
  const env = need(s.env, 'environment');
  try {
    const page = await need(s.account, 'account').service.listSnapshotPage(source.projectId, env.environmentId, 0, 100);
    return page.items.filter((x) => x.state === 'completed');
  } catch {
    // Listing backups needs Access to Backups; without it nothing can be kept, which preflight reports.
    return [];
  }
}

const backupStep: Step<WizardState> = {
  id: 'keepBackup',
  async ask(s, { back }) {
    const snapshots = await completedSnapshots(s);
    if (snapshots.length === 0) {
      s.keep = undefined;
      return false;
    }
    const before = s.keep ?? '';
    s.keep = await s.deps.ui.pick(
      [{ label: 'None', description: 'keep no older backup', value: '' }, ...snapshots.map((x) => ({ label: x.createdAt ?? x.snapshotId, description: x.comment, detail: x.snapshotId, value: x.snapshotId }))],
      { title: title(9), placeholder: 'An older backup of the source to download and verify before offboarding', back, isActive: (v) => v === before },
    );
    return true;
  },
};

const folderStep: Step<WizardState> = {
  id: 'folder',
  async ask(s) {
    const configured = s.deps.settings.downloadFolder();
    if (configured) {
      s.downloadFolder = configured;
      return false;
    }
    s.downloadFolder = await s.deps.ui.pickFolder('Folder for the package and backup downloads');
    return true;
  },
};

export function nameStep(slug: (text: string) => string): Step<WizardState> {
  return {
    id: 'name',
    async ask(s, { back }) {
      const suggested = slug(`${need(s.source, 'source').name}-to-${need(s.target, 'target').app.appId}`);
      s.name = (
        await s.deps.ui.input({
          title: title(10),
          prompt: 'Name of this migration (its journal is .mendix-migrations/<name>.json)',
          value: s.name ?? suggested,
          back,
          validate: (v) => (!NAME.test(v.trim()) ? 'Lower-case letters, digits and dashes.' : s.existingNames.includes(v.trim()) ? 'A migration with this name exists; resume it or choose another name.' : undefined),
        })
      ).trim();
      return true;
    },
  };
}

/** Every question before the final confirmation, in order. */
export function questionSteps(parse: DomainParser, slug: (text: string) => string): Step<WizardState>[] {
  return [accountStep, sourceStep, environmentStep, flavourStep, targetStep, targetEnvStep, tempStep('A'), tempStep('B'), domainStep(parse), certificateStep(parse), backupStep, folderStep, nameStep(slug)];
}
