/** Level 4: an environment's constants and scheduled events (v1 settings), loaded when expanded. */
import type { EnvironmentSettings } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import { LoadingNode, type EnvironmentContext, type ExplorerEnv, type ExplorerNode } from './explorerNode';
import { DetailNode, EmptyNode, ErrorNode } from './leafNodes';

export class SettingsNode extends LoadingNode<EnvironmentSettings> {
  readonly kind = 'settings';

  constructor(
    env: ExplorerEnv,
    readonly parent: ExplorerNode & EnvironmentContext,
  ) {
    super(env);
  }

  get id(): string {
    return `${this.parent.id}/settings`;
  }

  /** The loaded settings (for the Show Settings document). Throws on failure, unlike getChildren. */
  async loadSettings(): Promise<EnvironmentSettings> {
    return this.loadData();
  }

  getTreeItem(): TreeItemSpec {
    return {
      id: this.id,
      label: 'Settings',
      description: 'constants, scheduled events',
      icon: { id: 'settings-gear' },
      collapsible: 'collapsed',
      contextValue: 'settings',
    };
  }

  protected load(): Promise<EnvironmentSettings> {
    const { app, environment, service } = this.parent;
    return this.env.limiter.run(() => service.getSettings(app.appId, environment.mode));
  }

  protected build(s: EnvironmentSettings): ExplorerNode[] {
    const nodes: ExplorerNode[] = [];
    for (const c of s.constants) {
      const pending = c.deployedValue !== undefined && c.deployedValue !== null && c.deployedValue !== c.value;
      nodes.push(
        new DetailNode(this, `constant:${c.name}`, c.name, pending ? `${shown(c.value)} (now: ${shown(c.deployedValue)})` : shown(c.value), {
          kind: 'setting',
          icon: 'symbol-constant',
          tooltip: `Constant \`${c.name}\`${c.dataType ? ` (${c.dataType})` : ''}${pending ? '  \nThe new value applies at the next restart.' : ''}`,
        }),
      );
    }
    for (const ev of s.scheduledEvents) {
      const pending = ev.deployedValue !== undefined && ev.deployedValue !== null && ev.deployedValue !== ev.value;
      nodes.push(
        new DetailNode(this, `event:${ev.name}`, ev.name, pending ? `${shown(ev.value)} (now: ${shown(ev.deployedValue)})` : shown(ev.value), {
          kind: 'setting',
          icon: 'watch',
          tooltip: `Scheduled event \`${ev.name}\``,
        }),
      );
    }
    return nodes.length > 0 ? nodes : [new EmptyNode(this, 'No constants or scheduled events')];
  }

  protected errorChildren(e: unknown): ExplorerNode[] {
    return [new ErrorNode(this, 'settings', e)];
  }

  protected describe(): string {
    return `settings of ${this.parent.app.name} ${this.parent.environment.mode}`;
  }
}

/** A value the API reports as null is not set, which is not the same as an empty string. */
function shown(v: string | null | undefined): string {
  return v ?? '(not set)';
}
