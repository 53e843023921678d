/** Typed reads of the extension's settings. Secrets never live here. */
import * as vscode from 'vscode';
import type { MendixApiConfig } from '../core/api/config';

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

/** Connections per download when the server honours ranges (1–32, default 8). */
export function downloadConnections(): number {
  const n = get('transfer.connections', 8);
  return Number.isInteger(n) && n >= 1 ? Math.min(n, 32) : 8;
}

export function affectsApi(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.api`);
}

export function affectsTree(e: vscode.ConfigurationChangeEvent): boolean {
  return e.affectsConfiguration(`${SECTION}.tree`);
}
