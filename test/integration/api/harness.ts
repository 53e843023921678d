/** Starts the emulator in-process for one suite and builds clients and control helpers around it. */
import { startEmulator } from '../../emulator/server';
import { DEMO } from '../../emulator/seeds/demo';
import type { MendixCredentials } from '../../../src/core/mendix/api/config';
import { MendixClient } from '../../../src/core/mendix/api/mendixClient';
import { createLogger } from '../../../src/core/shared/logger';
import { MemoryLogSink } from '../../support/memoryLogSink';
import { Redactor } from '../../../src/core/shared/redact';

export { DEMO };

export interface Harness {
  baseUrl: string;
  logs: MemoryLogSink;
  redactor: Redactor;
  client(credentials?: MendixCredentials): MendixClient;
  control<T = unknown>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T>;
  fault(f: Record<string, unknown>): Promise<void>;
  advance(seconds: number): Promise<void>;
  close(): Promise<void>;
}

export const DEMO_CREDENTIALS: MendixCredentials = { username: DEMO.username, apiKey: DEMO.apiKey, pat: DEMO.pat };

/** Fast polling for jobs on a sped-up emulator clock. */
export const FAST = { intervalMs: 20, timeoutMs: 30_000 } as const;

export async function startHarness(timeScale = 1000): Promise<Harness> {
  const emu = await startEmulator({ port: 0, host: '127.0.0.1', seed: 'demo', timeScale, quiet: true });
  const logs = new MemoryLogSink();
  const redactor = new Redactor();
  const clients: MendixClient[] = [];
  const control = async <T>(method: 'GET' | 'POST' | 'DELETE', path: string, body?: unknown): Promise<T> => {
    const res = await fetch(emu.baseUrl + path, {
      method,
      headers: body !== undefined ? { 'content-type': 'application/json' } : {},
      body: body !== undefined ? JSON.stringify(body) : undefined,
    });
    if (!res.ok) throw new Error(`${method} ${path} → ${res.status} ${await res.text()}`);
    const text = await res.text();
    return (text ? JSON.parse(text) : undefined) as T;
  };
  return {
    baseUrl: emu.baseUrl,
    logs,
    redactor,
    client(credentials = DEMO_CREDENTIALS) {
      const c = new MendixClient({
        credentials,
        config: { deployBaseUrl: emu.baseUrl, cloudPortalBaseUrl: emu.baseUrl, homeBaseUrl: emu.baseUrl },
        logger: createLogger(logs.sink, (t) => redactor.redact(t)),
        redactor,
        retry: { baseDelayMs: 20, maxDelayMs: 200 },
      });
      clients.push(c);
      return c;
    },
    control,
    fault: async (f) => {
      await control('POST', '/_emulator/faults', { count: 1, ...f });
    },
    advance: async (seconds) => {
      await control('POST', '/_emulator/clock/advance', { seconds });
    },
    close: async () => {
      for (const c of clients) c.dispose();
      await emu.close();
    },
  };
}

export interface CallRecord {
  method: string;
  path: string;
  status?: number;
}

export async function calls(h: Harness): Promise<CallRecord[]> {
  return h.control<CallRecord[]>('GET', '/_emulator/calls');
}
