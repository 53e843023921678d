/**
 * Injected faults for tests: a failing status, a reset connection, a delay, a malformed 200, or
 * `drop` (the request is handled — the service acts — and then the connection is reset instead of
 * answering: a lost answer), for the next `count` requests whose method and path match.
 */
import { ApiError } from './errors';

export type FaultKind = 'status' | 'reset' | 'delay' | 'malformed' | 'drop';

export interface Fault {
  id: number;
  method: string;
  path: string;
  kind: FaultKind;
  status?: number;
  headers?: Record<string, string>;
  errorCode?: string;
  errorMessage?: string;
  afterBytes?: number;
  ms?: number;
  body?: string;
  /** Requests still to be affected. */
  count: number;
}

const KINDS: FaultKind[] = ['status', 'reset', 'delay', 'malformed', 'drop'];

/** `*` matches one path segment; a trailing `/**` matches any rest (also nothing). */
export function pathMatches(pattern: string, path: string): boolean {
  const p = pattern.split('/');
  const s = path.split('/');
  const rest = p[p.length - 1] === '**';
  const fixed = rest ? p.slice(0, -1) : p;
  if (rest ? s.length < fixed.length : s.length !== fixed.length) return false;
  return fixed.every((seg, i) => seg === '*' || seg === s[i]);
}

export class FaultRegistry {
  private faults: Fault[] = [];
  private nextId = 1;

  add(input: unknown): Fault {
    if (typeof input !== 'object' || input === null) throw new ApiError(400, 'INVALID_FAULT', 'Body must be a JSON object');
    const o = input as Record<string, unknown>;
    const kind = o.kind as FaultKind;
    if (!KINDS.includes(kind)) throw new ApiError(400, 'INVALID_FAULT', `kind must be one of ${KINDS.join(', ')}`);
    if (typeof o.path !== 'string' || !o.path.startsWith('/')) throw new ApiError(400, 'INVALID_FAULT', 'path must start with /');
    const count = o.count === undefined ? 1 : Number(o.count);
    if (!Number.isInteger(count) || count < 1) throw new ApiError(400, 'INVALID_FAULT', 'count must be a positive integer');
    const status = o.status === undefined ? undefined : Number(o.status);
    if (kind === 'status' && (status === undefined || !Number.isInteger(status) || status < 400 || status > 599)) {
      throw new ApiError(400, 'INVALID_FAULT', 'a status fault needs status 400..599');
    }
    const ms = o.ms === undefined ? undefined : Number(o.ms);
    if (kind === 'delay' && (ms === undefined || !(ms >= 0))) throw new ApiError(400, 'INVALID_FAULT', 'a delay fault needs ms >= 0');
    const afterBytes = o.afterBytes === undefined ? undefined : Number(o.afterBytes);
    if (afterBytes !== undefined && !(afterBytes >= 0)) throw new ApiError(400, 'INVALID_FAULT', 'afterBytes must be >= 0');
    const headers = typeof o.headers === 'object' && o.headers !== null ? Object.fromEntries(Object.entries(o.headers).map(([k, v]) => [k, String(v)])) : undefined;
    const fault: Fault = {
      id: this.nextId++,
      method: typeof o.method === 'string' ? o.method.toUpperCase() : '*',
      path: o.path,
      kind,
      status,
      headers,
      errorCode: typeof o.errorCode === 'string' ? o.errorCode : undefined,
      errorMessage: typeof o.errorMessage === 'string' ? o.errorMessage : undefined,
      afterBytes,
      ms,
      body: typeof o.body === 'string' ? o.body : undefined,
      count,
    };
    this.faults.push(fault);
    return fault;
  }

  clear(): void {
    this.faults = [];
  }

  list(): Fault[] {
    return this.faults.map((f) => ({ ...f }));
  }

  /** The first fault matching the request, with one use consumed. */
  take(method: string, path: string): Fault | undefined {
    const m = method.toUpperCase();
    const f = this.faults.find((x) => (x.method === '*' || x.method === m) && pathMatches(x.path, path));
    if (!f) return undefined;
    f.count -= 1;
    if (f.count <= 0) this.faults = this.faults.filter((x) => x !== f);
    return { ...f };
  }
}
