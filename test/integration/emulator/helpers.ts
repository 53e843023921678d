/** Shared plumbing for the emulator contract suite: one emulator per file, a small typed HTTP client. */
import { DEMO } from '../../emulator/seeds/demo';
import { startEmulator, type EmulatorOptions, type RunningEmulator } from '../../emulator/server';
import type { SeedName } from '../../emulator/context';

export type Auth = 'key' | 'viewerKey' | 'pat' | 'patRead' | 'viewerPat' | 'none' | Record<string, string>;

export interface Res<T = unknown> {
  status: number;
  headers: Headers;
  text: string;
  json: T;
}

function authHeaders(auth: Auth): Record<string, string> {
  switch (auth) {
    case 'key':
      return { 'Mendix-Username': DEMO.username, 'Mendix-ApiKey': DEMO.apiKey };
    case 'viewerKey':
      return { 'Mendix-Username': DEMO.viewer.username, 'Mendix-ApiKey': DEMO.viewer.apiKey };
    case 'pat':
      return { Authorization: `MxToken ${DEMO.pat}` };
    case 'patRead':
      return { Authorization: `MxToken ${DEMO.patRead}` };
    case 'viewerPat':
      return { Authorization: `MxToken ${DEMO.viewer.pat}` };
    case 'none':
      return {};
    default:
      return auth;
  }
}

export interface ReqOptions {
  auth?: Auth;
  body?: unknown;
  raw?: Buffer | FormData | Uint8Array;
  headers?: Record<string, string>;
}

export class Client {
  constructor(readonly base: string) {}

  async req<T = unknown>(method: string, path: string, opts: ReqOptions = {}): Promise<Res<T>> {
    const headers: Record<string, string> = { ...authHeaders(opts.auth ?? 'none'), ...(opts.headers ?? {}) };
    let body: BodyInit | undefined;
    if (opts.raw !== undefined) body = opts.raw as BodyInit;
    else if (opts.body !== undefined) {
      headers['Content-Type'] = 'application/json';
      body = JSON.stringify(opts.body);
    }
    const res = await fetch(this.base + path, { method, headers, body });
    const text = await res.text();
    let json: unknown = undefined;
    try {
      json = text === '' ? undefined : JSON.parse(text);
    } catch {
      json = undefined;
    }
    return { status: res.status, headers: res.headers, text, json: json as T };
  }

  v1<T = unknown>(method: string, path: string, body?: unknown, auth: Auth = 'key'): Promise<Res<T>> {
    return this.req<T>(method, `/api/1${path}`, { auth, body });
  }

  v2<T = unknown>(method: string, path: string, body?: unknown, auth: Auth = 'key'): Promise<Res<T>> {
    return this.req<T>(method, `/api/v2${path}`, { auth, body });
  }

  v4<T = unknown>(method: string, path: string, body?: unknown, auth: Auth = 'pat'): Promise<Res<T>> {
    return this.req<T>(method, `/api/v4${path}`, { auth, body });
  }

  control<T = unknown>(method: string, path: string, body?: unknown): Promise<Res<T>> {
    return this.req<T>(method, `/_emulator${path}`, { body });
  }

  async advance(seconds: number): Promise<void> {
    const r = await this.control('POST', '/clock/advance', { seconds });
    if (r.status !== 200) throw new Error(`clock advance failed: ${r.status} ${r.text}`);
  }

  async reset(seed: SeedName = 'demo'): Promise<void> {
    const r = await this.control('POST', '/reset', { seed });
    if (r.status !== 200) throw new Error(`reset failed: ${r.status} ${r.text}`);
  }
}

/**
 * Starts one emulator for the enclosing `describe` and resets it to the demo seed before each test.
 * Time scale 1 keeps the virtual clock still enough that tests move it only with `advance`.
 */
export function useEmulator(opts: EmulatorOptions = {}): { client: () => Client; emulator: () => RunningEmulator } {
  let emu: RunningEmulator | undefined;
  let client: Client | undefined;
  before(async () => {
    emu = await startEmulator({ quiet: true, timeScale: 1, packageBytes: 256 * 1024, archiveBytes: 512 * 1024, ...opts });
    client = new Client(emu.baseUrl);
  });
  beforeEach(async () => {
    await client!.reset(opts.seed ?? 'demo');
  });
  after(async () => {
    await emu?.close();
  });
  return {
    client: () => client!,
    emulator: () => emu!,
  };
}

export const E = DEMO.environments;
export const P = DEMO.projects;
export const N = DEMO.nodes;

export function errorCode(res: Res): string | undefined {
  return (res.json as { errorCode?: string } | undefined)?.errorCode;
}

/** Builds the multipart body of a package upload (field `file`). */
export function packageForm(bytes: Uint8Array, fileName = 'app.mda'): FormData {
  const form = new FormData();
  form.append('file', new Blob([new Uint8Array(bytes)]), fileName);
  return form;
}

/** Downloads a URL fully, returning the bytes. */
export async function download(url: string, headers: Record<string, string> = {}): Promise<{ status: number; headers: Headers; body: Buffer }> {
  const res = await fetch(url, { headers });
  return { status: res.status, headers: res.headers, body: Buffer.from(await res.arrayBuffer()) };
}
