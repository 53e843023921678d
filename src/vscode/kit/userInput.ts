/** The VS Code implementation of the explorer's prompts: quick picks, input boxes, modal questions. */
import * as vscode from 'vscode';
import { UserCancelledError } from '../../core/ui/kit/errors';
import type { InputOptions, PickItem, PickOptions, ProgressRunner, ProgressReport, UserInput } from '../../core/ui/kit/userInput';

export class VsCodeUserInput implements UserInput {
  async pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T> {
    const chosen = await vscode.window.showQuickPick(
      items.map((i) => ({ label: i.label, description: i.description, detail: i.detail, item: i })),
      { title: options.title, placeHolder: options.placeholder, ignoreFocusOut: true, matchOnDescription: true },
    );
    if (!chosen) throw new UserCancelledError(options.title);
    return chosen.item.value;
  }

  async input(options: InputOptions): Promise<string> {
    const value = await vscode.window.showInputBox({
      title: options.title,
      prompt: options.prompt,
      placeHolder: options.placeholder,
      value: options.value,
      password: options.password,
      ignoreFocusOut: true,
      validateInput: options.validate ? (v) => options.validate?.(v) : undefined,
    });
    if (value === undefined) throw new UserCancelledError(options.title);
    return value;
  }

  async confirm(message: string, confirmLabel: string, detail?: string): Promise<void> {
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, confirmLabel);
    if (answer !== confirmLabel) throw new UserCancelledError(message);
  }

  async pickFolder(title: string): Promise<string> {
    const picked = await vscode.window.showOpenDialog({ title, canSelectFiles: false, canSelectFolders: true, canSelectMany: false, openLabel: 'Download Here' });
    if (!picked || picked.length === 0) throw new UserCancelledError(title);
    return picked[0].fsPath;
  }

  async info(message: string, ...actions: string[]): Promise<string | undefined> {
    return vscode.window.showInformationMessage(message, ...actions);
  }
}

/** One cancellable notification; VS Code wants increments, the explorer reports absolute percent. */
export class VsCodeProgressRunner implements ProgressRunner {
  run<T>(title: string, task: (report: (p: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T> {
    return Promise.resolve(
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title, cancellable: true }, async (progress, token) => {
        const abort = new AbortController();
        const sub = token.onCancellationRequested(() => abort.abort());
        let done = 0;
        try {
          return await task((p) => {
            const increment = p.percent !== undefined && p.percent > done ? p.percent - done : undefined;
            if (increment !== undefined) done = p.percent ?? done;
            progress.report({ message: p.message, increment });
          }, abort.signal);
        } finally {
          sub.dispose();
        }
      }),
    );
  }
}
