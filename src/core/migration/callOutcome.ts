/**
 * How a failed call ended, as far as the engine can tell: `refused` when the service answered that it
 * did not act (a 4xx, or 429/503), `unknown` when the request may have reached it (a lost answer: a
 * reset connection, a timeout, a gateway error), `other` for everything else (a 500 with an error code).
 * An intent is resolved only by evidence: a refused call resolves it as refused, a lost answer leaves
 * it open until the state is looked up.
 */
import { MendixApiError, MendixNetworkError, MendixOutcomeUnknownError } from '../mendix/api/errors';

/** Statuses after which the service has certainly not acted (mirrors the API client's refusal set). */
const REFUSED_5XX: ReadonlySet<number> = new Set([503]);

export type CallOutcome = 'refused' | 'unknown' | 'other';

export function callOutcome(e: unknown): CallOutcome {
  if (e instanceof MendixOutcomeUnknownError || e instanceof MendixNetworkError) return 'unknown';
  if (!(e instanceof Error)) return 'other';
  if (e instanceof MendixApiError) {
    if ((e.status >= 400 && e.status < 500) || REFUSED_5XX.has(e.status)) return 'refused';
    return 'other';
  }
  const code = (e as { code?: unknown }).code;
  if (typeof code === 'string' && /^(ECONNRESET|ECONNABORTED|ETIMEDOUT|EPIPE|ESOCKETTIMEDOUT)$/.test(code)) return 'unknown';
  return 'other';
}

/** The Mendix error code of an API error, when it has one. */
export function errorCodeOf(e: unknown): string | undefined {
  const c = (e as { errorCode?: unknown } | undefined)?.errorCode;
  return typeof c === 'string' ? c : undefined;
}
