/**
 * The one HTTP layer under every Mendix API call: credentials per family, timeouts, cancellation,
 * retries that respect idempotency, error mapping, response validation and masked logging.
 */
import http from 'node:http';
import https from 'node:https';
import axios, { AxiosError, type AxiosInstance, type AxiosResponse } from 'axios';
import type * as z from '../../shared/zod';
import type { Logger } from '../../shared/logger';
import { Redactor } from '../../shared/redact';
import { abortReason, systemClock, type Clock, type RandomSource } from '../../shared/clock';
import { resolveConfig, type ApiFamily, type MendixApiConfig, type MendixCredentials } from './config';
import { parseErrorBody } from './errorBody';
import {
  MendixApiError,
  MendixMissingCredentialsError,
  MendixNetworkError,
  MendixOutcomeUnknownError,
  MendixResponseError,
  isAbortError,
} from './errors';
import { hintFor } from './hints';
import {
  DEFAULT_RETRY_POLICY,
  NOT_SENT_CODES,
  REFUSAL_STATUSES,
  RETRYABLE_NETWORK_CODES,
  TRANSIENT_STATUSES,
  backoffDelay,
  parseRetryAfter,
  type RetryPolicy,
} from './retry';

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

/** Per-call options every public method accepts. */
export interface CallOptions {
  signal?: AbortSignal;
  /** Idle timeout of one attempt; defaults to the client's `timeoutMs`. */
  timeoutMs?: number;
}

export interface MendixHttpOptions {
  credentials: MendixCredentials;
  config?: Partial<MendixApiConfig>;
  /** Receives one line per request; messages are masked before they get here. */
  logger?: Logger;
  /** Shared masker; the credentials' secrets are registered with it. */
  redactor?: Redactor;
  clock?: Clock;
  random?: RandomSource;
  retry?: Partial<RetryPolicy>;
  /** Idle timeout per attempt (default 60 s). */
  timeoutMs?: number;
  /**
   * Longest time one operation may take over all its attempts (default 150 s): past it no further
   * attempt starts, and the error names the endpoint. A silent API no longer costs 5 × the timeout.
   */
  operationDeadlineMs?: number;
  userAgent?: string;
}

/** A request body that must be rebuilt for every attempt (a multipart stream cannot be replayed). */
export interface BodyFactory {
  (): Promise<{ data: unknown; headers?: Record<string, string> }>;
}

export interface RequestSpec<T> {
  /** Public method name, e.g. `v1.startEnvironment`; used in errors and logs. */
  operation: string;
  family: ApiFamily;
  method: HttpMethod;
  /** Path below the family's base URL, segments already encoded, e.g. `/api/1/apps/calc`. */
  path: string;
  query?: Record<string, string | number | boolean | undefined>;
  /** JSON body. */
  body?: unknown;
  bodyFactory?: BodyFactory;
  /** Response schema; without one the body is ignored. */
  schema?: z.ZodMiniType<T>;
  /** Safe to send again after a lost connection (GET/PUT/DELETE and POSTs that set state). */
  idempotent: boolean;
  /** Extra statuses to treat as "try again later" (transport's 503 is already transient). */
  retryStatuses?: readonly number[];
  /**
   * Status + error code pairs that mean "try again later" on this endpoint only, e.g. Backups v2's
   * documented `500 SERVICE_UNAVAILABLE` (§14.4). Codes compare without regard to case. Honoured for
   * idempotent calls only: a create answered this way is not repeated blindly.
   */
  retryErrorCodes?: readonly { status: number; code: string }[];
  /** Overrides of the retry policy, plus an overall deadline for all attempts. */
  retry?: Partial<RetryPolicy> & { deadlineMs?: number };
  call?: CallOptions;
}

export interface HttpResult<T> {
  status: number;
  data: T;
  headers: Record<string, string>;
}

const REQUEST_ID_HEADERS = ['x-request-id', 'x-amzn-requestid', 'x-amz-request-id', 'x-correlation-id', 'request-id', 'x-mendix-request-id'];

function headerValue(h: AxiosResponse['headers'], name: string): string | undefined {
  const v: unknown = h[name];
  if (typeof v === 'string') return v;
  if (Array.isArray(v) && typeof v[0] === 'string') return v[0];
  if (typeof v === 'number') return String(v);
  return undefined;
}

function flatHeaders(h: AxiosResponse['headers']): Record<string, string> {
  const out: Record<string, string> = {};
  for (const k of Object.keys(h)) {
    const v = headerValue(h, k);
    if (v !== undefined) out[k.toLowerCase()] = v;
  }
  return out;
}

/** `a.b[2].c` from a zod issue path. */
export function formatFieldPath(path: readonly PropertyKey[]): string {
  let out = '';
  for (const p of path) {
    if (typeof p === 'number') out += `[${p}]`;
    else out += out === '' ? String(p) : `.${String(p)}`;
  }
  return out;
}

/** Validates parsed JSON against a schema, turning a mismatch into a MendixResponseError. */
export function validateResponse<T>(schema: z.ZodMiniType<T>, json: unknown, operation: string, endpoint: string): T {
  const r = schema.safeParse(json);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const path = issue ? formatFieldPath(issue.path) : '';
  const detail = issue ? issue.message : 'does not match the expected shape';
  return failResponse(operation, endpoint, path, detail);
}

function failResponse(operation: string, endpoint: string, path: string, detail: string): never {
  throw new MendixResponseError(operation, endpoint, path, detail);
}

export class MendixHttp {
  readonly config: MendixApiConfig;
  readonly redactor: Redactor;
  readonly clock: Clock;
  private readonly credentials: Readonly<MendixCredentials>;
  private readonly logger?: Logger;
  private readonly random: RandomSource;
  private readonly policy: RetryPolicy;
  private readonly timeoutMs: number;
  private readonly operationDeadlineMs: number;
  private readonly axios: AxiosInstance;
  private readonly httpAgent = new http.Agent({ keepAlive: true });
  private readonly httpsAgent = new https.Agent({ keepAlive: true });

  constructor(opts: MendixHttpOptions) {
    this.config = resolveConfig(opts.config);
    this.credentials = Object.freeze({ ...opts.credentials });
    this.redactor = opts.redactor ?? new Redactor();
    this.redactor.add(this.credentials.apiKey);
    this.redactor.add(this.credentials.pat);
    this.logger = opts.logger;
    this.clock = opts.clock ?? systemClock;
    this.random = opts.random ?? Math.random;
    this.policy = { ...DEFAULT_RETRY_POLICY, ...opts.retry };
    this.timeoutMs = opts.timeoutMs ?? 60_000;
    this.operationDeadlineMs = opts.operationDeadlineMs ?? 150_000;
    // One instance per account. No redirects: a redirect to another host would carry the
    // Mendix-ApiKey header along (only Authorization is dropped by follow-redirects).
    this.axios = axios.create({
      maxRedirects: 0,
      validateStatus: () => true,
      responseType: 'text',
      transformResponse: [(d: unknown) => d],
      decompress: true,
      // -1, not Infinity: any limit makes axios push a streamed body through one more Transform.
      maxBodyLength: -1,
      maxContentLength: 64 * 1024 * 1024,
      httpAgent: this.httpAgent,
      httpsAgent: this.httpsAgent,
      transitional: { clarifyTimeoutError: true, silentJSONParsing: false, forcedJSONParsing: false },
      headers: { 'User-Agent': opts.userAgent ?? 'mendix-cloud-migration', Accept: 'application/json' },
    });
  }

  hasFamily(family: ApiFamily): boolean {
    return family === 'apiKey' ? Boolean(this.credentials.username && this.credentials.apiKey) : Boolean(this.credentials.pat);
  }

  /** The user name of the API-key credentials (for permission lookups); never a secret. */
  get username(): string | undefined {
    return this.credentials.username;
  }

  baseUrlFor(family: ApiFamily): string {
    if (family === 'apiKey') return this.config.deployBaseUrl;
    if (family === 'v4') return this.config.cloudPortalBaseUrl;
    return this.config.homeBaseUrl;
  }

  /** Masks known secrets in any text (for callers building their own messages). */
  mask(text: string): string {
    return this.redactor.redact(text);
  }

  dispose(): void {
    this.httpAgent.destroy();
    this.httpsAgent.destroy();
  }

  private authHeaders(operation: string, family: ApiFamily): Record<string, string> {
    if (!this.hasFamily(family)) throw new MendixMissingCredentialsError(operation, family);
    if (family === 'apiKey') {
      return { 'Mendix-Username': this.credentials.username ?? '', 'Mendix-ApiKey': this.credentials.apiKey ?? '' };
    }
    return { Authorization: `MxToken ${this.credentials.pat ?? ''}` };
  }

  private log(level: 'debug' | 'info' | 'warn', message: string): void {
    this.logger?.[level](this.redactor.redact(message));
  }

  /** Sends a request with the spec's retry rules; returns the validated body. */
  async request<T>(spec: RequestSpec<T>): Promise<T> {
    return (await this.requestFull(spec)).data;
  }

  async requestFull<T>(spec: RequestSpec<T>): Promise<HttpResult<T>> {
    const auth = this.authHeaders(spec.operation, spec.family);
    const policy: RetryPolicy = { ...this.policy, ...spec.retry };
    const deadline = this.clock.now() + (spec.retry?.deadlineMs ?? this.operationDeadlineMs);
    const signal = spec.call?.signal;
    const query = new URLSearchParams();
    for (const [k, v] of Object.entries(spec.query ?? {})) if (v !== undefined) query.set(k, String(v));
    const qs = query.toString();
    const pathAndQuery = qs ? `${spec.path}?${qs}` : spec.path;
    const url = this.baseUrlFor(spec.family) + pathAndQuery;
    const endpoint = `${spec.method} ${spec.path}`;
    const extraRetry = new Set(spec.retryStatuses ?? []);
    // Wait before the next attempt, or report that no attempt is left.
    const canWait = (attempt: number, delay: number) => attempt < policy.maxAttempts && this.clock.now() + delay <= deadline;

    for (let attempt = 1; ; attempt++) {
      if (signal?.aborted) throw abortReason(signal);
      const started = this.clock.now();
      const { headers, data } = await requestBody(spec, auth);
      let res: AxiosResponse<string>;
      try {
        res = await this.axios.request<string>({
          url,
          method: spec.method,
          headers,
          data,
          signal,
          timeout: spec.call?.timeoutMs ?? this.timeoutMs,
        });
      } catch (e) {
        if (signal?.aborted || isAbortError(e)) throw abortReason(signal);
        const code = (e instanceof AxiosError ? e.code : undefined) ?? (e as { code?: string }).code ?? 'UNKNOWN';
        const ms = this.clock.now() - started;
        this.log('warn', `${spec.method} ${pathAndQuery} → ${code} after ${ms} ms (attempt ${attempt})`);
        if (!spec.idempotent && !NOT_SENT_CODES.has(code)) {
          throw new MendixOutcomeUnknownError(spec.operation, endpoint, `connection failed: ${code}`);
        }
        const delay = backoffDelay(attempt, policy, this.random);
        if (RETRYABLE_NETWORK_CODES.has(code) && canWait(attempt, delay)) {
          await this.clock.sleep(delay, signal);
          continue;
        }
        throw new MendixNetworkError(spec.operation, endpoint, code, attempt);
      }

      const ms = this.clock.now() - started;
      const status = res.status;
      const text = typeof res.data === 'string' ? res.data : '';
      const retryNote = attempt > 1 ? ` (attempt ${attempt})` : '';
      if (status >= 200 && status < 300) {
        this.log(spec.method === 'GET' ? 'debug' : 'info', `${spec.method} ${pathAndQuery} → ${status} in ${ms} ms${retryNote}`);
        return { status, data: this.parseBody(spec, endpoint, text), headers: flatHeaders(res.headers) };
      }

      const parsed = parseErrorBody(text);
      const codeUpper = parsed.errorCode?.toUpperCase();
      const retryableCode = spec.idempotent && (spec.retryErrorCodes ?? []).some((r) => r.status === status && r.code.toUpperCase() === codeUpper);
      const transient = TRANSIENT_STATUSES.has(status) || extraRetry.has(status) || retryableCode;
      if (transient) {
        if (!spec.idempotent && !REFUSAL_STATUSES.has(status)) {
          this.log('warn', `${spec.method} ${pathAndQuery} → ${status} in ${ms} ms${retryNote}; not repeated (outcome unknown)`);
          throw new MendixOutcomeUnknownError(spec.operation, endpoint, `gateway answered HTTP ${status}`);
        }
        const retryAfter = parseRetryAfter(headerValue(res.headers, 'retry-after'), this.clock.now());
        const delay = retryAfter !== undefined ? retryAfter : backoffDelay(attempt, policy, this.random);
        if ((retryAfter === undefined || retryAfter <= policy.maxRetryAfterMs) && canWait(attempt, delay)) {
          this.log('warn', `${spec.method} ${pathAndQuery} → ${status} in ${ms} ms${retryNote}; retrying in ${delay} ms`);
          await this.clock.sleep(delay, signal);
          continue;
        }
      }
      this.log('warn', `${spec.method} ${pathAndQuery} → ${status}${parsed.errorCode ? ` ${parsed.errorCode}` : ''} in ${ms} ms${retryNote}`);
      throw this.apiError(spec, res, parsed, attempt);
    }
  }

  /** The error for a refused call: the server's message masked, its request id, and a hint when we know one. */
  private apiError<T>(spec: RequestSpec<T>, res: AxiosResponse<string>, parsed: ReturnType<typeof parseErrorBody>, attempt: number): MendixApiError {
    let requestId: string | undefined;
    for (const h of REQUEST_ID_HEADERS) requestId ??= headerValue(res.headers, h);
    const status = res.status;
    return new MendixApiError({
      operation: spec.operation,
      endpoint: `${spec.method} ${spec.path}`,
      family: spec.family,
      status,
      errorCode: parsed.errorCode,
      serverMessage: parsed.message !== undefined ? this.redactor.redact(parsed.message) : undefined,
      requestId,
      hint: hintFor({ family: spec.family, method: spec.method, path: spec.path, status, errorCode: parsed.errorCode, serverMessage: parsed.message }),
      attempts: attempt,
    });
  }

  private parseBody<T>(spec: RequestSpec<T>, endpoint: string, text: string): T {
    if (!spec.schema) return undefined as T;
    let json: unknown;
    try {
      json = JSON.parse(text);
    } catch {
      return failResponse(spec.operation, endpoint, '', text.trim() === '' ? 'empty body where JSON was expected' : 'body is not valid JSON');
    }
    return validateResponse(spec.schema, json, spec.operation, endpoint);
  }
}

/** The headers and body of one attempt (a body factory is called per attempt: a stream is read once). */
async function requestBody<T>(spec: RequestSpec<T>, auth: Record<string, string>): Promise<{ headers: Record<string, string>; data: unknown }> {
  const headers: Record<string, string> = { ...auth };
  if (spec.bodyFactory) {
    const built = await spec.bodyFactory();
    return { headers: { ...headers, ...built.headers }, data: built.data };
  }
  if (spec.body !== undefined || spec.family === 'apiKey') headers['Content-Type'] = 'application/json';
  return { headers, data: spec.body !== undefined ? JSON.stringify(spec.body) : undefined };
}

/** Encodes one path segment (AppId, Mode, UUID). */
export function seg(value: string): string {
  return encodeURIComponent(value);
}
