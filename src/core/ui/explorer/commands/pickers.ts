/** Quick picks that stand in for a tree node when a command runs from the palette. */
import { UserFacingError } from '../../kit/errors';
import type { AccountNode } from '../nodes/accountNode';
import type { AppNode } from '../nodes/appNode';
import { EnvironmentNode } from '../nodes/environmentNode';
import type { SnapshotNode } from '../nodes/snapshotNode';
import { appDescription, environmentDescription, sortEnvironments } from '../presentation';
import { formatTimestamp } from '../../../shared/format';
import type { CommandDeps } from './commandDeps';

export async function pickAccount(deps: CommandDeps): Promise<AccountNode> {
  const accounts = await deps.root.accountNodes();
  if (accounts.length === 0) throw new UserFacingError('You are not signed in.', 'Run "Mendix: Sign In" first.');
  if (accounts.length === 1) return accounts[0];
  return deps.ui.pick(
    accounts.map((a) => ({ label: a.account.name, description: a.account.username, value: a })),
    { title: 'Mendix account' },
  );
}

export async function pickApp(deps: CommandDeps): Promise<AppNode> {
  const account = await pickAccount(deps);
  const apps = await account.loadApps();
  if (apps.length === 0) throw new UserFacingError(`No apps in account ${account.account.name}.`);
  const app = await deps.ui.pick(
    apps.map((a) => ({ label: a.name, description: appDescription(a), detail: a.projectId, value: a })),
    { title: 'Mendix app', placeholder: 'Type to filter by name' },
  );
  return account.appNodeFor(app);
}

export async function pickEnvironment(deps: CommandDeps, filter?: (e: EnvironmentNode) => boolean): Promise<EnvironmentNode> {
  const app = await pickApp(deps);
  const envs = sortEnvironments(await app.loadEnvironments());
  const nodes = (await app.getChildren()).filter((n): n is EnvironmentNode => n instanceof EnvironmentNode);
  const candidates = nodes.filter((n) => !filter || filter(n));
  if (envs.length === 0 || candidates.length === 0) throw new UserFacingError(`${app.app.name} has no environment this command applies to.`);
  return deps.ui.pick(
    candidates.map((n) => ({ label: n.environment.mode, description: `${n.environment.status.toLowerCase()} · ${environmentDescription(n.environment, undefined)}`, value: n })),
    { title: `Environment of ${app.app.name}` },
  );
}

export async function pickSnapshot(deps: CommandDeps, env?: EnvironmentNode): Promise<SnapshotNode> {
  const envNode = env ?? (await pickEnvironment(deps));
  await envNode.backupsNode.loadSnapshots();
  const nodes = (await envNode.backupsNode.getChildren()).filter((n): n is SnapshotNode => n.kind === 'snapshot');
  const usable = nodes.filter((n) => n.snapshot.state === 'completed');
  if (usable.length === 0) throw new UserFacingError(`${envNode.app.name} ${envNode.environment.mode} has no completed backup.`, 'Create one first (Mendix: Create Backup).');
  return deps.ui.pick(
    usable.map((n) => ({
      label: formatTimestamp(n.snapshot.createdAt) ?? n.snapshot.snapshotId,
      description: n.snapshot.comment,
      detail: n.snapshot.snapshotId,
      value: n,
    })),
    { title: `Backup of ${envNode.app.name} ${envNode.environment.mode}` },
  );
}

