/** The VS Code implementation of the explorer's prompts: quick picks, input boxes, modal questions. */
import * as vscode from 'vscode';
import { UserCancelledError } from '../../core/ui/kit/errors';
import {
  BACK_LABEL,
  DISABLED_SEPARATOR,
  GoBackError,
  activeIndex,
  arrangeRows,
  refusalText,
  type ConfirmOptions,
  type InputOptions,
  type PickItem,
  type PickOptions,
  type PickSource,
  type ProgressRunner,
  type ProgressReport,
  type UserInput,
} from '../../core/ui/kit/userInput';

interface Row<T> extends vscode.QuickPickItem {
  item?: PickItem<T>;
}

function toRows<T>(arranged: readonly PickItem<T>[], separatorAt: number | undefined): Row<T>[] {
  const out: Row<T>[] = arranged.map((i) => ({
    label: i.label,
    description: i.description,
    // A disabled row says why on its own line, so a person reads the reason before choosing.
    detail: i.disabled !== undefined ? `$(circle-slash) ${i.disabled}` : i.detail,
    item: i,
  }));
  if (separatorAt !== undefined) out.splice(separatorAt, 0, { label: DISABLED_SEPARATOR, kind: vscode.QuickPickItemKind.Separator });
  return out;
}

/** Settles once: the first of accept, Back, Escape (or a failed load) wins, and the widget goes away. */
function settleOnce<R>(widget: vscode.QuickInput, resolve: (r: R) => void, reject: (e: unknown) => void) {
  let done = false;
  return {
    get done() {
      return done;
    },
    ok(r: R) {
      if (done) return;
      done = true;
      resolve(r);
      widget.hide();
    },
    fail(e: unknown) {
      if (done) return;
      done = true;
      reject(e);
      widget.hide();
    },
  };
}

export class VsCodeUserInput implements UserInput {
  pick<T>(items: PickSource<T>, options: PickOptions<T>): Promise<T> {
    const qp = vscode.window.createQuickPick<Row<T>>();
    qp.title = options.title;
    qp.ignoreFocusOut = true;
    qp.matchOnDescription = true;
    if (options.back) qp.buttons = [vscode.QuickInputButtons.Back];
    const question = options.placeholder;
    return new Promise<T>((resolve, reject) => {
      const s = settleOnce<T>(qp, resolve, reject);
      const subs: vscode.Disposable[] = [];
      const fill = (list: readonly PickItem<T>[]) => {
        const { rows: arranged, separatorAt } = arrangeRows(list);
        const rows = toRows(arranged, separatorAt);
        qp.items = rows;
        const usable = arranged.some((r) => r.disabled === undefined);
        const focus = usable ? rows.find((r) => r.item === arranged[activeIndex(arranged, options.isActive)]) : undefined;
        if (focus) qp.activeItems = [focus];
        qp.placeholder = usable || !question ? question : `${question} — nothing here can be chosen (the reasons are listed)`;
        qp.busy = false;
      };
      subs.push(
        qp.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) s.fail(new GoBackError(options.title));
        }),
        qp.onDidAccept(() => {
          const chosen = qp.selectedItems[0] ?? qp.activeItems[0];
          if (!chosen?.item) return;
          if (chosen.item.disabled !== undefined) {
            // No disabled rows in VS Code's quick pick: say why here, and keep asking.
            qp.value = '';
            qp.placeholder = refusalText(chosen.item);
            return;
          }
          s.ok(chosen.item.value);
        }),
        qp.onDidHide(() => {
          s.fail(new UserCancelledError(options.title));
          for (const d of subs) d.dispose();
          qp.dispose();
        }),
      );
      if (Array.isArray(items)) {
        fill(items as readonly PickItem<T>[]);
      } else {
        qp.busy = true;
        qp.placeholder = `Loading… ${question ?? ''}`.trim();
        Promise.resolve(items).then(
          (list) => {
            if (!s.done) fill(list);
          },
          (e: unknown) => s.fail(e),
        );
      }
      qp.show();
    });
  }

  input(options: InputOptions): Promise<string> {
    const box = vscode.window.createInputBox();
    box.title = options.title;
    box.prompt = options.prompt;
    box.placeholder = options.placeholder;
    box.value = options.value ?? '';
    box.password = options.password ?? false;
    box.ignoreFocusOut = true;
    if (options.back) box.buttons = [vscode.QuickInputButtons.Back];
    return new Promise<string>((resolve, reject) => {
      const s = settleOnce<string>(box, resolve, reject);
      const subs: vscode.Disposable[] = [
        box.onDidChangeValue((v) => {
          box.validationMessage = options.validate?.(v);
        }),
        box.onDidTriggerButton((b) => {
          if (b === vscode.QuickInputButtons.Back) s.fail(new GoBackError(options.title));
        }),
        box.onDidAccept(() => {
          const error = options.validate?.(box.value);
          box.validationMessage = error;
          if (error === undefined) s.ok(box.value);
        }),
        box.onDidHide(() => end()),
      ];
      const close = (): void => box.hide();
      const end = (): void => {
        s.fail(new UserCancelledError(options.title));
        for (const d of subs) d.dispose();
        options.signal?.removeEventListener('abort', close);
        box.dispose();
      };
      // A question that no longer stands is never shown (a box never shown fires no hide event).
      if (options.signal?.aborted) return end();
      options.signal?.addEventListener('abort', close, { once: true });
      box.show();
    });
  }

  async confirm(message: string, confirmLabel: string, detail?: string, options?: ConfirmOptions): Promise<void> {
    const buttons = options?.back ? [confirmLabel, BACK_LABEL] : [confirmLabel];
    const answer = await vscode.window.showWarningMessage(message, { modal: true, detail }, ...buttons);
    if (answer === BACK_LABEL && options?.back) throw new GoBackError(message);
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
