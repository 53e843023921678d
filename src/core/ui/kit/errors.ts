/** Errors the command framework understands, and how any error becomes a message a person can act on. */
import { describeError } from '../../shared/errors';

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
