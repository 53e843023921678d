/**
 * Typed errors of the Mendix API client. Messages name the operation and endpoint (method + path,
 * never a query string that might carry a token, never a header) so they are safe to show and log.
 */
import type { ApiFamily } from './config';
import { API_FAMILY_LABEL } from './config';

/** Base class so callers can tell our errors from anything else with one `instanceof`. */
export abstract class MendixError extends Error {
  abstract readonly kind: string;
}

export interface MendixApiErrorInit {
  operation: string;
  endpoint: string;
  family: ApiFamily;
  status: number;
  errorCode?: string;
  serverMessage?: string;
  requestId?: string;
  hint?: string;
  attempts: number;
}

/** The service answered with an error status (after any retries that were allowed). */
export class MendixApiError extends MendixError {
  readonly kind = 'api';
  readonly operation: string;
  /** `METHOD /path` without query string. */
  readonly endpoint: string;
  readonly family: ApiFamily;
  readonly status: number;
  /** Mendix error code such as `APP_IS_RUNNING` (v1 family) or the v4/Certificate numeric code as text. */
  readonly errorCode?: string;
  readonly serverMessage?: string;
  readonly requestId?: string;
  /** What a person can do about it, when we know. */
  readonly hint?: string;
  readonly attempts: number;

  constructor(init: MendixApiErrorInit) {
    const code = init.errorCode ? ` ${init.errorCode}` : '';
    const msg = init.serverMessage ? `: ${init.serverMessage}` : '';
    const hint = init.hint ? ` — ${init.hint}` : '';
    super(`${init.operation} failed (${init.endpoint} → HTTP ${init.status}${code})${msg}${hint}`);
    this.name = 'MendixApiError';
    this.operation = init.operation;
    this.endpoint = init.endpoint;
    this.family = init.family;
    this.status = init.status;
    this.errorCode = init.errorCode;
    this.serverMessage = init.serverMessage;
    this.requestId = init.requestId;
    this.hint = init.hint;
    this.attempts = init.attempts;
  }
}

/** The service answered 2xx but the body does not fit what we rely on. */
export class MendixResponseError extends MendixError {
  readonly kind = 'response';
  readonly operation: string;
  readonly endpoint: string;
  /** Dotted path of the first offending field, e.g. `[2].Status`; empty for the body as a whole. */
  readonly fieldPath: string;
  readonly detail: string;

  constructor(operation: string, endpoint: string, fieldPath: string, detail: string) {
    super(`${operation}: unexpected response from ${endpoint}${fieldPath ? ` at field "${fieldPath}"` : ''}: ${detail}`);
    this.name = 'MendixResponseError';
    this.operation = operation;
    this.endpoint = endpoint;
    this.fieldPath = fieldPath;
    this.detail = detail;
  }
}

/**
 * A non-idempotent call (start, upload, snapshot/archive/restore create, build, clean) lost its
 * connection or got a gateway error after the request may have reached the service. It is NOT
 * repeated: the caller must look at the current state (jobs, snapshots, packages) before retrying.
 */
export class MendixOutcomeUnknownError extends MendixError {
  readonly kind = 'outcomeUnknown';
  readonly operation: string;
  readonly endpoint: string;
  readonly reason: string;

  constructor(operation: string, endpoint: string, reason: string) {
    super(
      `${operation}: the outcome of ${endpoint} is unknown (${reason}); it was not repeated automatically — check the current state before trying again`,
    );
    this.name = 'MendixOutcomeUnknownError';
    this.operation = operation;
    this.endpoint = endpoint;
    this.reason = reason;
  }
}

/** The service could not be reached (or kept timing out) for a call that was safe to retry. */
export class MendixNetworkError extends MendixError {
  readonly kind = 'network';
  readonly operation: string;
  readonly endpoint: string;
  /** Node/axios error code such as `ECONNREFUSED`, or `TIMEOUT`. */
  readonly code: string;
  readonly attempts: number;

  constructor(operation: string, endpoint: string, code: string, attempts: number) {
    super(`${operation}: could not reach ${endpoint} (${code}) after ${attempts} attempt(s)`);
    this.name = 'MendixNetworkError';
    this.operation = operation;
    this.endpoint = endpoint;
    this.code = code;
    this.attempts = attempts;
  }
}

/** The account lacks the credential a family needs; nothing was sent. */
export class MendixMissingCredentialsError extends MendixError {
  readonly kind = 'missingCredentials';
  readonly family: ApiFamily;
  readonly operation: string;

  constructor(operation: string, family: ApiFamily) {
    const need = family === 'apiKey' ? 'a username and an API key' : 'a Personal Access Token';
    super(`${operation} needs ${need} for the ${API_FAMILY_LABEL[family]}; sign in with one (Mendix: Sign In)`);
    this.name = 'MendixMissingCredentialsError';
    this.family = family;
    this.operation = operation;
  }
}

/** Polling an asynchronous job ran past its deadline. Carries the last state seen. */
export class MendixWaitTimeoutError<T = unknown> extends MendixError {
  readonly kind = 'waitTimeout';
  readonly what: string;
  readonly lastValue: T | undefined;
  readonly elapsedMs: number;

  constructor(what: string, elapsedMs: number, lastValue: T | undefined) {
    super(`${what}: still not done after ${Math.round(elapsedMs / 1000)} s`);
    this.name = 'MendixWaitTimeoutError';
    this.what = what;
    this.elapsedMs = elapsedMs;
    this.lastValue = lastValue;
  }
}

/** An asynchronous job reached a failed terminal state (package build/upload job, snapshot, archive, restore). */
export class MendixJobFailedError extends MendixError {
  readonly kind = 'jobFailed';
  readonly what: string;
  readonly state: string;
  readonly statusMessage?: string;

  constructor(what: string, state: string, statusMessage?: string) {
    super(`${what} ended in state ${state}${statusMessage ? `: ${statusMessage}` : ''}`);
    this.name = 'MendixJobFailedError';
    this.what = what;
    this.state = state;
    this.statusMessage = statusMessage;
  }
}

/** True for the error an aborted `AbortSignal` produces, whichever layer threw it. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'CanceledError' || (e as { code?: unknown }).code === 'ERR_CANCELED');
}
