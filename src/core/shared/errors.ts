/** What anything thrown says, read the same way by the tree, the notifications, the journal and the logs. */

export interface ErrorDescription {
  message: string;
  /** The Mendix error code (`APP_IS_RUNNING`) when the API client gave one. */
  errorCode?: string;
  /** What a person can do about it, when the API client knows (`MendixApiError.hint`). */
  hint?: string;
}

/**
 * Message, Mendix error code and hint of anything thrown. Duck-typed on `errorCode` and `hint` so this
 * floor does not depend on the API client's classes (and test doubles' errors read the same way).
 */
export function describeError(e: unknown): ErrorDescription {
  if (e instanceof Error) {
    const { errorCode, hint } = e as { errorCode?: unknown; hint?: unknown };
    const d: ErrorDescription = { message: e.message || e.name };
    if (typeof errorCode === 'string') d.errorCode = errorCode;
    if (typeof hint === 'string' && hint.length > 0) d.hint = hint;
    return d;
  }
  if (typeof e === 'string') return { message: e };
  return { message: 'Unknown error' };
}

/** The system's short code for a failure (`ECONNRESET`, `ETIMEDOUT`), else its message: for retry logs. */
export function failureCode(e: unknown): string {
  const code = (e as { code?: unknown } | null)?.code;
  return typeof code === 'string' ? code : describeError(e).message;
}
