/** Typed reads of the extension's settings. Secrets never live here. */
import * as vscode from 'vscode';
import type { MendixApiConfig } from '../../core/mendix/api/config';
import type { AppUrlCheckMode } from '../../core/mendix/appUrlCheck';

const SECTION = 'mendixMigration';

function get<T>(key: string, fallback: T): T {
  return vscode.workspace.getConfiguration(SECTION).get<T>(key) ?? fallback;
}

export function apiConfig(): Partial<MendixApiConfig> {
  return {
    deployBaseUrl: get('api.deployBaseUrl', ''),
    cloudPortalBaseUrl: get('api.cloudPortalBaseUrl', ''),
    homeBaseUrl: get('api.homeBaseUrl', ''),
  };
}

export function downloadFolder(): string | undefined {
  const v = get('downloadFolder', '').trim();
  return v === '' ? undefined : v;
}

export function treePageSize(): number {
  const n = get('tree.pageSize', 100);
  return Number.isInteger(n) && n >= 10 ? Math.min(n, 1000) : 100;
}

export function affectsApi(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.api`);
}

export function affectsTree(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.tree`);
}

/** How app URLs are checked after a start, and through which gateway (see appUrlCheck.ts). */
export function appUrlCheckSettings(): { mode: AppUrlCheckMode; gateway: string | undefined } {
  const mode = get<string>('migration.appUrlCheck', 'https');
  const gateway = get('migration.appUrlGateway', '').trim();
  return { mode: mode === 'api' || mode === 'off' ? mode : 'https', gateway: gateway === '' ? undefined : gateway };
}

/** The portal base URL "Open Portal" uses (the emulator's portal page in the demo). */
export function portalBaseUrl(): string {
  const v = get('portal.baseUrl', '').trim();
  return v === '' ? 'https://cloud.home.mendix.com' : v;
}
