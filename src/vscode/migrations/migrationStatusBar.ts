/** A status bar entry for the workspace's current migration: its phase and progress; a click opens the panel. */
import * as vscode from 'vscode';
import type { JournalSummary } from '../../core/ui/migrations/journalList';
import { COMMANDS } from '../../core/ui/kit/commandIds';
import { RUN_STATE_LABELS } from '../../core/migration/progress';
import { RUN_STATE_ICON } from '../../core/ui/migrations/runStateIcons';

export class MigrationStatusBar implements vscode.Disposable {
  private readonly item = vscode.window.createStatusBarItem('mendixMigration.migration', vscode.StatusBarAlignment.Left, 49);

  constructor() {
    this.item.name = 'Mendix migration';
  }

  /** Shows the most recently updated active migration (or the busy one); hides when there is none. */
  show(list: readonly JournalSummary[], busy: (file: string) => string | undefined, saying: (file: string) => string | undefined = () => undefined): void {
    const active = list.filter((j) => !j.error && j.status === 'active');
    const running = active.find((j) => busy(j.file));
    const pick = running ?? [...active].sort((a, b) => b.updatedAt.localeCompare(a.updatedAt))[0];
    if (!pick) {
      this.item.hide();
      return;
    }
    const what = busy(pick.file);
    // The same reading as the panel header and the Migrations view (migrationProgress).
    const state = what ? 'running' : pick.state;
    const label = RUN_STATE_LABELS[state];
    this.item.text = `$(${RUN_STATE_ICON[state].id}) ${pick.name}: ${pick.phase} (${pick.done}/${pick.total}) · ${label}`;
    this.item.tooltip = `Migration ${pick.name} — ${label}\nNow: ${saying(pick.file) ?? what ?? pick.now}\nClick to open its panel.`;
    this.item.backgroundColor = state === 'rolled-back' || state === 'failed' || state === 'interrupted' ? new vscode.ThemeColor('statusBarItem.errorBackground') : undefined;
    this.item.accessibilityInformation = { label: `Migration ${pick.name}, ${label}, ${pick.phase}, ${pick.done} of ${pick.total} steps done. Open the panel.` };
    // A Migrations-view row as the argument, so the command wrapper hands it over as the clicked node.
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const { MigrationRunNode } = require('../../core/ui/migrations/migrationNodes') as typeof import('../../core/ui/migrations/migrationNodes');
    this.item.command = { command: COMMANDS.openPanel, title: 'Open Migration Panel', arguments: [new MigrationRunNode(pick)] };
    this.item.show();
  }

  dispose(): void {
    this.item.dispose();
  }
}
