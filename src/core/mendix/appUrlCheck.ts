/**
 * How the engine checks that an app URL answers (the "start and check its URL" steps):
 * - `https`: GET the URL itself; with a gateway, the request goes to the gateway instead and names
 *   the app in its Host header (a proxy, or the local emulator, which answers for its app hosts);
 * - `api`: no request to the app; the environment serving the URL must run (Deploy API);
 * - `off`: not checked (the step says so).
 */
import axios from 'axios';
import type { MendixClient } from './api/mendixClient';
import { apiStatusHttpCheck } from './clientAdapter';

export type AppUrlCheckMode = 'https' | 'api' | 'off';
export const APP_URL_CHECK_MODES: readonly AppUrlCheckMode[] = ['https', 'api', 'off'];

export interface HttpCheckResult {
  ok: boolean;
  status: number;
  detail: string;
}
export type HttpCheck = (url: string) => Promise<HttpCheckResult>;

export function isAppUrlCheckMode(value: unknown): value is AppUrlCheckMode {
  return typeof value === 'string' && (APP_URL_CHECK_MODES as readonly string[]).includes(value);
}

/** GETs `url` through `gateway` (an http(s) base URL): same path, the app's host in the Host header. */
export function gatewayHttpCheck(gateway: string): HttpCheck {
  const base = new URL(gateway);
  return async (url) => {
    let target: URL;
    try {
      target = new URL(url);
    } catch {
      return { ok: false, status: 0, detail: `"${url}" is not a URL` };
    }
    const via = new URL(target.pathname + target.search, base);
    try {
      const res = await axios.get(via.toString(), {
        headers: { Host: target.host },
        timeout: 15_000,
        maxRedirects: 0,
        validateStatus: () => true,
        responseType: 'stream',
      });
      (res.data as { destroy?: () => void }).destroy?.();
      return { ok: res.status < 500, status: res.status, detail: `HTTP ${res.status} from ${target.host} (through ${base.host})` };
    } catch (e) {
      return { ok: false, status: 0, detail: `${target.host} through ${base.host}: ${e instanceof Error ? e.message : String(e)}` };
    }
  };
}

/**
 * The check for a mode; `undefined` means the adapter's own direct HTTPS GET. A gateway is only
 * used by `https`.
 */
export function appUrlCheck(mode: AppUrlCheckMode, opts: { client: MendixClient; gateway?: string }): HttpCheck | undefined {
  switch (mode) {
    case 'api':
      return apiStatusHttpCheck(opts.client);
    case 'off':
      return () => Promise.resolve({ ok: true, status: 0, detail: 'app URL check switched off (setting)' });
    case 'https':
      return opts.gateway ? gatewayHttpCheck(opts.gateway) : undefined;
  }
}
