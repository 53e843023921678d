/**
 * Everything a command asks of the person or the editor, as small interfaces. VS Code implements
 * them in `src/vscode/`; tests script the answers. Prompts throw `UserCancelledError` when dismissed
 * (Escape is never an answer), and `GoBackError` when the person pressed Back, so commands read top
 * to bottom without undefined checks.
 */
export interface PickItem<T> {
  label: string;
  description?: string;
  detail?: string;
  value: T;
  /**
   * Shown but not choosable, with the reason: listed after the usable rows under a separator, and
   * picking one says why and asks again.
   */
  disabled?: string;
}

export interface PickOptions<T = unknown> {
  title: string;
  placeholder?: string;
  /** Shows a Back button in the title bar; pressing it throws `GoBackError`. */
  back?: boolean;
  /** The row focused first: the previous answer when going back, else the most sensible row. */
  isActive?: (value: T) => boolean;
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
  /** Shows a Back button in the title bar; pressing it throws `GoBackError`. */
  back?: boolean;
  /** Closes the box (as a cancel) when the question no longer stands. */
  signal?: AbortSignal;
}

export interface ConfirmOptions {
  /** Adds a "Back" button to the dialog; choosing it throws `GoBackError`. */
  back?: boolean;
}

/** Rows to pick from: a list, or one still loading (the pick shows "Loading…" until it arrives). */
export type PickSource<T> = readonly PickItem<T>[] | Promise<readonly PickItem<T>[]>;

export interface UserInput {
  /** Resolves with the value of a usable row (never a disabled one). A failed load rejects with its error. */
  pick<T>(items: PickSource<T>, options: PickOptions<T>): Promise<T>;
  input(options: InputOptions): Promise<string>;
  /** A modal question; resolves when the person chose `confirmLabel`, throws UserCancelledError otherwise. */
  confirm(message: string, confirmLabel: string, detail?: string, options?: ConfirmOptions): Promise<void>;
  pickFolder(title: string): Promise<string>;
  /** A non-modal notification; resolves with the action chosen, if any. */
  info(message: string, ...actions: string[]): Promise<string | undefined>;
}

/** The person pressed Back: the caller asks the previous question again. */
export class GoBackError extends Error {
  constructor(step?: string) {
    super(step ? `Back from: ${step}` : 'Back');
    this.name = 'GoBackError';
  }
}

export const BACK_LABEL = 'Back';

/** The separator's label above the rows that cannot be chosen. */
export const DISABLED_SEPARATOR = 'Not usable here';

/** Usable rows first (in their order), then the disabled ones; `separatorAt` is where the separator goes, if any. */
export function arrangeRows<T>(items: readonly PickItem<T>[]): { rows: PickItem<T>[]; separatorAt: number | undefined } {
  const usable = items.filter((i) => i.disabled === undefined);
  const disabled = items.filter((i) => i.disabled !== undefined);
  return { rows: [...usable, ...disabled], separatorAt: disabled.length > 0 ? usable.length : undefined };
}

/** What picking a disabled row says (the pick stays open and asks again). */
export function refusalText(item: PickItem<unknown>): string {
  const reason = (item.disabled ?? '').replace(/[.\s]+$/, '');
  return `${item.label} cannot be chosen: ${reason}. Pick another.`;
}

/** The index of the row to focus first: the one `isActive` names, else the first usable row. */
export function activeIndex<T>(rows: readonly PickItem<T>[], isActive?: (value: T) => boolean): number {
  const named = isActive ? rows.findIndex((r) => r.disabled === undefined && isActive(r.value)) : -1;
  if (named >= 0) return named;
  return Math.max(0, rows.findIndex((r) => r.disabled === undefined));
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
