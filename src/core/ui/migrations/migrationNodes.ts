/**
 * Rows of the Migrations view: one per journal (its phase and progress), with its phases as
 * children. Plain data over `TreeItemSpec`, so the view is testable without VS Code.
 */
import type { TreeItemSpec } from '../kit/treeSpec';
import { RUN_STATE_LABELS } from '../../migration/progress';
import { RUN_STATE_ICON } from './runStateIcons';
import type { Journal, RunState } from '../../migration/types';
import type { PlanLine } from '../../migration/plan';
import { phaseGroups } from '../panel/panelModel';
import type { JournalSummary } from './journalList';
import { COMMANDS } from '../kit/commandIds';

export type MigrationNodeKind = 'migration' | 'phase' | 'message';

export interface MigrationTreeNode {
  readonly kind: MigrationNodeKind;
  readonly id: string;
  getTreeItem(): TreeItemSpec;
  getChildren(): MigrationTreeNode[];
}

const STATUS_ICON: Readonly<Record<string, { id: string; color?: string }>> = {
  completed: { id: 'pass-filled', color: 'testing.iconPassed' },
  aborted: { id: 'circle-slash', color: 'testing.iconFailed' },
  failed: { id: 'error', color: 'testing.iconFailed' },
  'waiting-for-person': { id: 'person', color: 'editorWarning.foreground' },
  running: { id: 'sync~spin' },
  active: { id: 'rocket' },
};

export class MigrationRunNode implements MigrationTreeNode {
  readonly kind = 'migration';

  constructor(
    readonly summary: JournalSummary,
    private readonly detail?: { journal: Readonly<Journal>; lines: readonly PlanLine[] },
    private readonly busy?: string,
    /** The controller's "Now:" line while the run waits for an answer or rolls back. */
    private readonly saying?: string,
  ) {}

  get journalFile(): string {
    return this.summary.file;
  }

  get id(): string {
    return `migration:${this.summary.file}`;
  }

  getTreeItem(): TreeItemSpec {
    const s = this.summary;
    // The same reading as the panel and the status bar (migrationProgress); "running" only while this window drives it.
    const state: RunState = this.busy ? 'running' : s.state;
    const description = s.error ? 'cannot be read' : `${this.busy ? `${this.busy} · ` : ''}${s.phase} · ${s.done}/${s.total} · ${RUN_STATE_LABELS[state]}`;
    return {
      id: this.id,
      label: s.name,
      description,
      tooltip: s.error
        ? `**${s.name}**\n\n${s.error}`
        : `**${s.name}** — ${RUN_STATE_LABELS[state]}\n\nNow: ${this.saying ?? this.busy ?? s.now}  \nPhase: ${s.phase}  \nSteps done: ${s.done} of ${s.total}`,
      icon: s.error ? { id: 'warning', color: 'editorWarning.foreground' } : RUN_STATE_ICON[state],
      collapsible: this.detail ? 'collapsed' : 'none',
      contextValue: `migration ${s.status}${s.currentStep?.status === 'waiting-for-person' ? ' waiting' : ''}${this.busy ? ' busy' : ''} state-${state}`,
      command: { command: COMMANDS.openPanel, title: 'Open Migration Panel' },
      accessibilityLabel: `Migration ${s.name}, ${s.status}, ${description}`,
    };
  }

  getChildren(): MigrationTreeNode[] {
    if (!this.detail) return [];
    const { journal, lines } = this.detail;
    return phaseGroups(lines).map((g) => new MigrationPhaseNode(this.summary.file, g.phase, g.label, g.stepIds.map((id) => journal.steps[id]?.status ?? 'pending')));
  }
}

export class MigrationPhaseNode implements MigrationTreeNode {
  readonly kind = 'phase';

  constructor(
    readonly journalFile: string,
    private readonly phase: string,
    private readonly label: string,
    private readonly statuses: readonly string[],
  ) {}

  get id(): string {
    return `migration:${this.journalFile}:${this.phase}`;
  }

  getTreeItem(): TreeItemSpec {
    const done = this.statuses.filter((s) => s === 'done' || s === 'skipped').length;
    const state = this.statuses.find((s) => s === 'running' || s === 'failed' || s === 'waiting-for-person') ?? (done === this.statuses.length ? 'completed' : 'pending');
    return {
      id: this.id,
      label: this.label,
      description: `${done}/${this.statuses.length}${state === 'waiting-for-person' ? ' · waiting for you' : state === 'failed' ? ' · failed' : ''}`,
      icon: state === 'pending' ? { id: 'circle-outline' } : (STATUS_ICON[state] ?? { id: 'circle-outline' }),
      collapsible: 'none',
      contextValue: `migrationPhase ${state}`,
      command: { command: COMMANDS.openPanel, title: 'Open Migration Panel' },
    };
  }

  getChildren(): MigrationTreeNode[] {
    return [];
  }
}

export class MigrationMessageNode implements MigrationTreeNode {
  readonly kind = 'message';

  constructor(
    readonly id: string,
    private readonly text: string,
    private readonly icon: string,
  ) {}

  getTreeItem(): TreeItemSpec {
    return { id: this.id, label: this.text, icon: { id: this.icon }, collapsible: 'none', contextValue: 'migrationMessage' };
  }

  getChildren(): MigrationTreeNode[] {
    return [];
  }
}
