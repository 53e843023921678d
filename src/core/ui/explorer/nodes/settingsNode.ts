/** Level 4: an environment's constants and scheduled events (v1 settings), loaded when expanded. */
import type { EnvironmentSettings, NamedValue } from '../../../mendix/services';
import type { TreeItemSpec } from '../../kit/treeSpec';
import type { EnvironmentContext, ExplorerEnv, ExplorerNode } from './explorerNode';
import { EnvironmentPartNode } from './environmentPartNode';
import { DetailNode, EmptyNode } from './leafNodes';

export class SettingsNode extends EnvironmentPartNode<EnvironmentSettings> {
  readonly kind = 'settings';

  constructor(env: ExplorerEnv, parent: ExplorerNode, context: EnvironmentContext) {
    super(env, parent, context, 'settings', 'settings');
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
    const { app, environment, service } = this.context;
    return this.env.limiter.run(() => service.getSettings(app.appId, environment.mode));
  }

  protected build(s: EnvironmentSettings): ExplorerNode[] {
    const nodes = [
      ...s.constants.map((c) =>
        this.row('constant', c, 'symbol-constant', (pending) => `Constant \`${c.name}\`${c.dataType ? ` (${c.dataType})` : ''}${pending ? '  \nThe new value applies at the next restart.' : ''}`),
      ),
      ...s.scheduledEvents.map((ev) => this.row('event', ev, 'watch', () => `Scheduled event \`${ev.name}\``)),
    ];
    return nodes.length > 0 ? nodes : [new EmptyNode(this, 'No constants or scheduled events')];
  }

  /** One setting; a value set but not yet deployed shows both. */
  private row(key: string, v: NamedValue, icon: string, tooltip: (pending: boolean) => string): DetailNode {
    const pending = v.deployedValue !== undefined && v.deployedValue !== null && v.deployedValue !== v.value;
    const value = pending ? `${shown(v.value)} (now: ${shown(v.deployedValue)})` : shown(v.value);
    return new DetailNode(this, `${key}:${v.name}`, v.name, value, { kind: 'setting', icon, tooltip: tooltip(pending) });
  }
}

/** A value the API reports as null is not set, which is not the same as an empty string. */
function shown(v: string | null | undefined): string {
  return v ?? '(not set)';
}
