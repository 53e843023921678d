/** Turns whatever row a command was invoked on into the node it works on, or asks with a quick pick. */
import { AppNode } from '../nodes/appNode';
import { EnvironmentNode } from '../nodes/environmentNode';
import type { ExplorerNode } from '../nodes/explorerNode';
import type { CommandDeps } from './commandDeps';
import { pickApp, pickEnvironment } from './pickers';

/** The environment a row belongs to (the environment itself, or its package/backups/settings/snapshot row). */
export function environmentOf(node: ExplorerNode | undefined): EnvironmentNode | undefined {
  for (let n = node; n; n = n.parent) if (n instanceof EnvironmentNode) return n;
  return undefined;
}

export function appOf(node: ExplorerNode | undefined): AppNode | undefined {
  for (let n = node; n; n = n.parent) if (n instanceof AppNode) return n;
  return undefined;
}

export async function resolveEnvironment(
  deps: CommandDeps,
  node: ExplorerNode | undefined,
  filter?: (e: EnvironmentNode) => boolean,
): Promise<EnvironmentNode> {
  return environmentOf(node) ?? pickEnvironment(deps, filter);
}

export async function resolveApp(deps: CommandDeps, node: ExplorerNode | undefined): Promise<AppNode> {
  return appOf(node) ?? pickApp(deps);
}
