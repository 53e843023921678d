/**
 * Everything a command asks of the person or the editor, as small interfaces. VS Code implements
 * them in `src/vscode/`; tests script the answers. Prompts throw `UserCancelledError` when dismissed,
 * so commands read top to bottom without undefined checks.
 */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
}

export interface PickOptions {
  title: string;
  placeholder?: string;
}

export interface InputOptions {
  title: string;
  prompt?: string;
  placeholder?: string;
  value?: string;
  /** Masks what is typed (API keys, tokens). */
  password?: boolean;
  /** Returns an error text, or undefined when the value is fine. */
  validate?: (value: string) => string | undefined;
}

export interface UserInput {
  pick<T>(items: readonly PickItem<T>[], options: PickOptions): Promise<T>;
  input(options: InputOptions): Promise<string>;
  /** A modal question; resolves when the person chose `confirmLabel`, throws UserCancelledError otherwise. */
  confirm(message: string, confirmLabel: string, detail?: string): Promise<void>;
  pickFolder(title: string): Promise<string>;
  /** A non-modal notification; resolves with the action chosen, if any. */
  info(message: string, ...actions: string[]): Promise<string | undefined>;
}

export interface ProgressReport {
  message?: string;
  /** 0–100 of the whole task, when known. */
  percent?: number;
}

export interface ProgressRunner {
  /** Shows a cancellable notification while `task` runs; cancelling aborts `signal`. */
  run<T>(title: string, task: (report: (p: ProgressReport) => void, signal: AbortSignal) => Promise<T>): Promise<T>;
}

/** Editor and OS actions commands need. */
export interface Host {
  copyToClipboard(text: string): Promise<void>;
  openExternal(url: string): Promise<void>;
  /** Opens a read-only-ish untitled document with the given content. */
  openDocument(content: string, language: 'markdown' | 'json'): Promise<void>;
  revealFile(path: string): Promise<void>;
  /** Opens a file from disk in an editor. */
  openFile(path: string): Promise<void>;
  showLog(): void;
  /** Registers a value the logger must mask from now on. */
  maskSecret(value: string): void;
}
