/** Level 3: an environment, with its deployed package, backups and settings below it. */
import type { EnvironmentInfo } from '../../../mendix/services';
import {
  environmentContextValue,
  environmentDescription,
  environmentIcon,
  environmentStatusText,
  environmentTooltip,
  type BusyState,
} from '../presentation';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { BackupsNode } from './backupsNode';
import type { AppContext, EnvironmentContext, ExplorerEnv, ExplorerNode } from './explorerNode';
import { PackageNode } from './packageNode';
import { SettingsNode } from './settingsNode';

export class EnvironmentNode implements ExplorerNode, EnvironmentContext {
  readonly kind = 'environment';
  /** Set while a start or stop runs, so the row shows a spinner instead of a stale status. */
  busy: BusyState;
  readonly packageNode: PackageNode;
  readonly backupsNode: BackupsNode;
  readonly settingsNode: SettingsNode;

  constructor(
    env: ExplorerEnv,
    readonly parent: ExplorerNode,
    /** The app (and its port) the environment belongs to, fixed at construction. */
    readonly context: AppContext,
    public environment: EnvironmentInfo,
  ) {
    // This node is the context of the rows below it: they read the environment as it is now.
    this.packageNode = new PackageNode(env, this, this);
    this.backupsNode = new BackupsNode(env, this, this);
    this.settingsNode = new SettingsNode(env, this, this);
  }

  get id(): string {
    return `${this.parent.id}/env:${this.environment.environmentId || this.environment.mode}`;
  }

  get app(): AppContext['app'] {
    return this.context.app;
  }

  get service(): AppContext['service'] {
    return this.context.service;
  }

  setEnvironment(e: EnvironmentInfo): void {
    const redeployed = e.modelVersion !== this.environment.modelVersion || e.status !== this.environment.status;
    this.environment = e;
    // What hangs below depends on what is deployed; reload it on the next expansion.
    if (redeployed) {
      this.packageNode.invalidate();
      this.settingsNode.invalidate();
    }
  }

  getTreeItem(): TreeItemSpec {
    const e = this.environment;
    return {
      id: this.id,
      label: e.mode,
      description: environmentDescription(e, this.busy),
      tooltip: environmentTooltip(this.app, e, this.busy),
      icon: environmentIcon(e.status, this.busy),
      collapsible: 'collapsed',
      contextValue: environmentContextValue(e, this.busy),
      accessibilityLabel: `${e.mode}, ${environmentStatusText(e, this.busy)}${e.mendixVersion ? `, Mendix ${e.mendixVersion}` : ''}`,
    };
  }

  getChildren(): Promise<ExplorerNode[]> {
    return Promise.resolve([this.packageNode, this.backupsNode, this.settingsNode]);
  }
}
