/**
 * Keeps the Migrations view, the migration status bar and the Apps tree in step with the runs:
 * the view redraws at once, the status bar (read from the journal files) and the Apps tree
 * (after a step that links, renames, starts or stops something) once a burst of changes settles.
 */
import * as vscode from 'vscode';
import { COMMANDS } from '../../core/ui/kit/commandIds';
import type { JournalSummary } from '../../core/ui/migrations/journalList';
import type { ControllerChange, MigrationController } from '../../core/ui/migrations/migrationController';
import type { Logger } from '../../core/shared/logger';
import type { MigrationStatusBar } from './migrationStatusBar';
import type { MigrationsTreeProvider } from './migrationsTree';

/** Phases whose steps change links, URLs or running states the Apps tree shows. */
const TREE_PHASES: ReadonlySet<string> = new Set(['link-target', 'carry-package', 'prepare-target', 'restore', 'test', 'cutover', 'relink', 'url', 'offboard']);

export interface ViewUpdatesOptions {
  tree: MigrationsTreeProvider;
  statusBar: MigrationStatusBar;
  journals: () => Promise<JournalSummary[]>;
  /** What this window is driving (undefined until the engine was needed once). */
  controller: () => MigrationController | undefined;
  log: Logger;
}

export class ViewUpdates implements vscode.Disposable {
  private statusTimer: ReturnType<typeof setTimeout> | undefined;
  private appsTimer: ReturnType<typeof setTimeout> | undefined;

  constructor(private readonly o: ViewUpdatesOptions) {}

  /** Redraws the view and (coalesced, from the journal files) the status bar entry. */
  changed(): void {
    this.o.tree.refresh();
    if (this.statusTimer) return;
    this.statusTimer = setTimeout(() => {
      this.statusTimer = undefined;
      void this.o.journals().then(
        (list) => this.o.statusBar.show(list, (f) => this.o.controller()?.busy(f), (f) => this.o.controller()?.saying(f)),
        (e: unknown) => this.o.log.debug(`migration status: ${String(e)}`),
      );
    }, 300);
  }

  /** What a controller change means for the views. */
  follow(mc: MigrationController, c: ControllerChange): void {
    if (c.kind === 'busy' || (c.kind === 'runner' && c.event.type !== 'progress')) this.changed();
    const phase = c.kind === 'runner' && c.event.type === 'step-done' ? mc.planLines(c.file).find((l) => l.id === c.event.stepId)?.phase : undefined;
    if ((phase !== undefined && TREE_PHASES.has(phase)) || (c.kind === 'busy' && !c.busy)) this.refreshApps();
  }

  dispose(): void {
    if (this.statusTimer) clearTimeout(this.statusTimer);
    if (this.appsTimer) clearTimeout(this.appsTimer);
  }

  /** Refreshes the Apps tree once things settle (one refresh for a burst of changes). */
  private refreshApps(): void {
    if (this.appsTimer) clearTimeout(this.appsTimer);
    this.appsTimer = setTimeout(() => {
      this.appsTimer = undefined;
      void vscode.commands.executeCommand(COMMANDS.refreshApps).then(undefined, (e: unknown) => this.o.log.debug(`apps refresh: ${String(e)}`));
    }, 1000);
  }
}
