/**
 * Typed errors of the Mendix API client. Messages name the operation and endpoint (method + path,
 * never a query string that might carry a token, never a header) so they are safe to show and log.
 */
import type { ApiFamily } from './config';
import { API_FAMILY_LABEL } from './config';

/**
 * Base class so callers can tell our errors from anything else with one `instanceof`. Every error of
 * the family names itself (`name`) and says what kind it is (`kind`); the fields a caller reads are
 * the constructor's parameters.
 */
export abstract class MendixError extends Error {
  abstract readonly kind: string;

  protected constructor(name: string, message: string) {
    super(message);
    this.name = name;
  }
}

export interface MendixApiErrorInit {
  operation: string;
  /** `METHOD /path` without query string. */
  endpoint: string;
  family: ApiFamily;
  status: number;
  /** Mendix error code such as `APP_IS_RUNNING` (v1 family) or the v4/Certificate numeric code as text. */
  errorCode?: string;
  serverMessage?: string;
  requestId?: string;
  /** What a person can do about it, when we know. */
  hint?: string;
  attempts: number;
}

/** The service answered with an error status (after any retries that were allowed). */
export class MendixApiError extends MendixError implements MendixApiErrorInit {
  readonly kind = 'api';
  readonly operation: string;
  readonly endpoint: string;
  readonly family: ApiFamily;
  readonly status: number;
  readonly errorCode?: string;
  readonly serverMessage?: string;
  readonly requestId?: string;
  readonly hint?: string;
  readonly attempts: number;

  constructor(init: MendixApiErrorInit) {
    const code = init.errorCode ? ` ${init.errorCode}` : '';
    const msg = init.serverMessage ? `: ${init.serverMessage}` : '';
    const hint = init.hint ? ` — ${init.hint}` : '';
    super('MendixApiError', `${init.operation} failed (${init.endpoint} → HTTP ${init.status}${code})${msg}${hint}`);
    ({
      operation: this.operation,
      endpoint: this.endpoint,
      family: this.family,
      status: this.status,
      errorCode: this.errorCode,
      serverMessage: this.serverMessage,
      requestId: this.requestId,
      hint: this.hint,
      attempts: this.attempts,
    } = init);
  }
}

/** The service answered 2xx but the body does not fit what we rely on. */
export class MendixResponseError extends MendixError {
  readonly kind = 'response';

  constructor(
    readonly operation: string,
    readonly endpoint: string,
    /** Dotted path of the first offending field, e.g. `[2].Status`; empty for the body as a whole. */
    readonly fieldPath: string,
    readonly detail: string,
  ) {
    super('MendixResponseError', `${operation}: unexpected response from ${endpoint}${fieldPath ? ` at field "${fieldPath}"` : ''}: ${detail}`);
  }
}

/**
 * A non-idempotent call (start, upload, snapshot/archive/restore create, build, clean) lost its
 * connection or got a gateway error after the request may have reached the service. It is NOT
 * repeated: the caller must look at the current state (jobs, snapshots, packages) before retrying.
 */
export class MendixOutcomeUnknownError extends MendixError {
  readonly kind = 'outcomeUnknown';

  constructor(
    readonly operation: string,
    readonly endpoint: string,
    readonly reason: string,
  ) {
    super(
      'MendixOutcomeUnknownError',
      `${operation}: the outcome of ${endpoint} is unknown (${reason}); it was not repeated automatically — check the current state before trying again`,
    );
  }
}

/** The service could not be reached (or kept timing out) for a call that was safe to retry. */
export class MendixNetworkError extends MendixError {
  readonly kind = 'network';

  constructor(
    readonly operation: string,
    readonly endpoint: string,
    /** Node/axios error code such as `ECONNREFUSED`, or `TIMEOUT`. */
    readonly code: string,
    readonly attempts: number,
  ) {
    super('MendixNetworkError', `${operation}: could not reach ${endpoint} (${code}) after ${attempts} attempt(s)`);
  }
}

/** The account lacks the credential a family needs; nothing was sent. */
export class MendixMissingCredentialsError extends MendixError {
  readonly kind = 'missingCredentials';

  constructor(
    readonly operation: string,
    readonly family: ApiFamily,
  ) {
    const need = family === 'apiKey' ? 'a username and an API key' : 'a Personal Access Token';
    super('MendixMissingCredentialsError', `${operation} needs ${need} for the ${API_FAMILY_LABEL[family]}; sign in with one (Mendix: Sign In)`);
  }
}

/** Polling an asynchronous job ran past its deadline. Carries the last state seen. */
export class MendixWaitTimeoutError<T = unknown> extends MendixError {
  readonly kind = 'waitTimeout';

  constructor(
    readonly what: string,
    readonly elapsedMs: number,
    readonly lastValue: T | undefined,
  ) {
    super('MendixWaitTimeoutError', `${what}: still not done after ${Math.round(elapsedMs / 1000)} s`);
  }
}

/** An asynchronous job reached a failed terminal state (package build/upload job, snapshot, archive, restore). */
export class MendixJobFailedError extends MendixError {
  readonly kind = 'jobFailed';

  constructor(
    readonly what: string,
    readonly state: string,
    readonly statusMessage?: string,
  ) {
    super('MendixJobFailedError', `${what} ended in state ${state}${statusMessage ? `: ${statusMessage}` : ''}`);
  }
}

/** True for the error an aborted `AbortSignal` produces, whichever layer threw it. */
export function isAbortError(e: unknown): boolean {
  return e instanceof Error && (e.name === 'AbortError' || e.name === 'CanceledError' || (e as { code?: unknown }).code === 'ERR_CANCELED');
}
