/**
 * Errors and their bodies. Each API family has its own error shape (contract §1.3): v1/Build/v2/
 * Backups use `{errorCode, errorMessage}`, v4 `{error:{code,message,invalid-params}}`, the
 * Certificate API `{error:{message,code,detail?}}`, downloads an S3-like XML document.
 */
export type Family = 'deploy' | 'v4' | 'certificates' | 'downloads' | 'control';

export function familyOf(path: string): Family {
  if (path.startsWith('/api/v4/') || path === '/api/v4') return 'v4';
  if (path.startsWith('/v1/certificates')) return 'certificates';
  if (path.startsWith('/_downloads/')) return 'downloads';
  if (path.startsWith('/_emulator')) return 'control';
  return 'deploy';
}

export interface InvalidParam {
  name: string;
  reason: string;
}

export interface ErrorExtra {
  invalidParams?: InvalidParam[];
  detail?: string;
  headers?: Record<string, string>;
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly extra: ErrorExtra = {},
  ) {
    super(message);
  }
}

/** v4 errors carry the HTTP status as code; the symbolic code is unused there. */
export function v4Error(status: number, message: string, invalidParams: InvalidParam[] = []): ApiError {
  return new ApiError(status, String(status), message, { invalidParams });
}

export interface RenderedError {
  contentType: string;
  body: string;
}

const S3_CODES: Record<number, string> = { 403: 'AccessDenied', 404: 'NoSuchKey', 416: 'InvalidRange' };

export function renderError(family: Family, status: number, code: string, message: string, extra: ErrorExtra = {}): RenderedError {
  switch (family) {
    case 'v4':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { code: status, message, 'invalid-params': extra.invalidParams ?? [] } }),
      };
    case 'certificates':
      return {
        contentType: 'application/json; charset=utf-8',
        body: JSON.stringify({ error: { message, code: status, ...(extra.detail ? { detail: extra.detail } : {}) } }),
      };
    case 'downloads': {
      const s3 = S3_CODES[status] ?? 'InternalError';
      return {
        contentType: 'application/xml',
        body: `<?xml version="1.0" encoding="UTF-8"?>\n<Error><Code>${s3}</Code><Message>${message}</Message></Error>`,
      };
    }
    default:
      return { contentType: 'application/json; charset=utf-8', body: JSON.stringify({ errorCode: code, errorMessage: message }) };
  }
}

/** Default symbolic code for an injected status fault. */
export function defaultCodeFor(status: number): string {
  const codes: Record<number, string> = {
    400: 'INVALID_PARAMETERS',
    401: 'UNAUTHORIZED',
    403: 'NO_ACCESS',
    404: 'NOT_FOUND',
    409: 'CONFLICT',
    429: 'TOO_MANY_REQUESTS',
    500: 'INTERNAL_ERROR',
    502: 'BAD_GATEWAY',
    503: 'SERVICE UNAVAILABLE',
    504: 'GATEWAY_TIMEOUT',
  };
  return codes[status] ?? `HTTP_${status}`;
}

export function defaultMessageFor(status: number): string {
  const messages: Record<number, string> = {
    400: 'Bad Request',
    401: 'Unauthorized',
    403: 'Forbidden',
    404: 'Not Found',
    409: 'Conflict',
    429: 'Too Many Requests',
    500: 'Internal system error',
    502: 'Bad Gateway',
    503: 'Service Unavailable',
    504: 'Gateway Timeout',
  };
  return messages[status] ?? `HTTP ${status}`;
}
