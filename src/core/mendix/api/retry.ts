/** Retry policy: exponential backoff with full jitter, capped, honouring Retry-After. */
import type { RandomSource } from '../../shared/clock';

export interface RetryPolicy {
  /** Total attempts including the first one. */
  maxAttempts: number;
  /** Base of the exponential backoff. */
  baseDelayMs: number;
  /** Cap of one backoff delay. */
  maxDelayMs: number;
  /** A Retry-After longer than this is not waited for; the error is surfaced instead. */
  maxRetryAfterMs: number;
}

export const DEFAULT_RETRY_POLICY: Readonly<RetryPolicy> = Object.freeze({
  maxAttempts: 5,
  baseDelayMs: 500,
  maxDelayMs: 30_000,
  maxRetryAfterMs: 120_000,
});

/** Statuses that mean "try again later" on any endpoint. */
export const TRANSIENT_STATUSES: ReadonlySet<number> = new Set([429, 502, 503, 504]);

/**
 * Statuses after which the service has certainly not acted on the request, so even a
 * non-idempotent POST may be sent again: 429 and 503 are refusals. 502/504 come from a gateway
 * that may have forwarded the request, so the outcome of a POST is unknown.
 */
export const REFUSAL_STATUSES: ReadonlySet<number> = new Set([429, 503]);

/** Network error codes raised before the request left this machine: always safe to retry. */
export const NOT_SENT_CODES: ReadonlySet<string> = new Set(['ECONNREFUSED', 'ENOTFOUND', 'EAI_AGAIN', 'EHOSTUNREACH', 'ENETUNREACH']);

/** Network error codes that are worth retrying for idempotent calls. */
export const RETRYABLE_NETWORK_CODES: ReadonlySet<string> = new Set([
  ...NOT_SENT_CODES,
  'ECONNRESET',
  'ECONNABORTED',
  'ETIMEDOUT',
  'EPIPE',
  'ERR_BAD_RESPONSE',
  'TIMEOUT',
  'ERR_STREAM_PREMATURE_CLOSE',
]);

/** Full-jitter backoff for retry number `retry` (1-based): uniform in [0, min(cap, base·2^(retry-1))]. */
export function backoffDelay(retry: number, policy: RetryPolicy, random: RandomSource): number {
  const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** Math.max(0, retry - 1));
  return Math.floor(random() * ceiling);
}

/** Parses a Retry-After header: delta seconds or an HTTP date. Returns milliseconds, or undefined. */
export function parseRetryAfter(value: string | undefined, nowMs: number): number | undefined {
  if (value === undefined) return undefined;
  const v = value.trim();
  if (v === '') return undefined;
  if (/^\d+(\.\d+)?$/.test(v)) return Math.round(Number(v) * 1000);
  const at = Date.parse(v);
  if (Number.isNaN(at)) return undefined;
  return Math.max(0, at - nowMs);
}
