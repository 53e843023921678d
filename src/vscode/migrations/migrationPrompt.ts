/** The engine's questions while it runs (typed confirmations, apply-or-not), asked with VS Code's modal UI. */
import * as vscode from 'vscode';
import type { MigrationPrompt } from '../../core/migration/stepTypes';

export class VsCodeMigrationPrompt implements MigrationPrompt {
  constructor(readonly person: string) {}

  async confirmTyped(question: string, expected: string): Promise<boolean | undefined> {
    const typed = await vscode.window.showInputBox({
      title: 'Mendix migration',
      prompt: `${question} Type "${expected}" to confirm.`,
      placeHolder: expected,
      ignoreFocusOut: true,
    });
    // Escape cancels: the step waits for a person (it is not a "no").
    if (typed === undefined) return undefined;
    return typed === expected;
  }

  async confirm(question: string, detail?: string): Promise<boolean | undefined> {
    const answer = await vscode.window.showWarningMessage(question, { modal: true, detail }, 'Yes', 'No');
    // Cancel (or Escape) is not "No": the step waits for a person and asks again on the next run.
    return answer === undefined ? undefined : answer === 'Yes';
  }
}
