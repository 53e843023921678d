/** Errors the command framework understands, and how any error becomes a message a person can act on. */

/** The user dismissed a prompt or cancelled progress: not a failure, nothing to report. */
export class UserCancelledError extends Error {
  constructor(step?: string) {
    super(step ? `Cancelled: ${step}` : 'Cancelled');
    this.name = 'UserCancelledError';
  }
}

/** A failure whose message is already written for the user (no stack trace needed in the popup). */
export class UserFacingError extends Error {
  constructor(
    message: string,
    readonly hint?: string,
  ) {
    super(message);
    this.name = 'UserFacingError';
  }
}

export function isCancellation(e: unknown): boolean {
  if (e instanceof UserCancelledError) return true;
  if (e instanceof Error) return e.name === 'AbortError' || e.name === 'CanceledError' || e.name === 'CancellationError';
  return false;
}

export interface DescribedError {
  message: string;
  hint?: string;
}

/**
 * Reads the message and, when present, the `hint` the API client attaches to `MendixApiError`.
 * Duck-typed so this module does not depend on the client's class identity.
 */
export function describeError(e: unknown): DescribedError {
  if (e instanceof Error) {
    const hint = (e as { hint?: unknown }).hint;
    return { message: e.message || e.name, hint: typeof hint === 'string' && hint.length > 0 ? hint : undefined };
  }
  if (typeof e === 'string') return { message: e };
  return { message: 'Unknown error' };
}

/**
 * One line for a notification. A UserFacingError reads as written; anything else is prefixed with
 * the action that failed. The hint is added unless the message already carries it.
 */
export function errorText(action: string, e: unknown): string {
  const d = describeError(e);
  const msg = d.message.trim().replace(/[.\s]+$/, '');
  const head = e instanceof UserFacingError ? `${msg}.` : `${action} failed: ${msg}.`;
  return d.hint && !d.message.includes(d.hint) ? `${head} ${d.hint}` : head;
}
