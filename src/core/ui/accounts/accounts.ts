/**
 * Named Mendix accounts and their credentials. Everything lives under one SecretStorage key (a
 * closed key set of one): names are not secret, but keeping them next to the keys means the
 * account list and its secrets cannot drift apart, and nothing lands in settings or globalState.
 */
import type { Credentials } from '../../mendix/services';

/** The only keys this extension ever writes to SecretStorage. */
export const SECRET_KEYS = { accounts: 'mendixMigration.accounts.v1' } as const;
export type SecretKey = (typeof SECRET_KEYS)[keyof typeof SECRET_KEYS];

/** The subset of VS Code's SecretStorage we use, typed to our keys. */
export interface SecretBackend {
  get(key: SecretKey): Promise<string | undefined>;
  store(key: SecretKey, value: string): Promise<void>;
  delete(key: SecretKey): Promise<void>;
}

/** What the UI may show about an account: never the secrets themselves. */
export interface AccountSummary {
  id: string;
  name: string;
  username?: string;
  hasApiKey: boolean;
  hasPat: boolean;
}

interface StoredAccount {
  id: string;
  name: string;
  credentials: Credentials;
}

function isStoredAccount(v: unknown): v is StoredAccount {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return typeof o.id === 'string' && typeof o.name === 'string' && typeof o.credentials === 'object' && o.credentials !== null;
}

/** Lower-case, dash-separated id derived from the display name; stable for a given name. */
export function accountIdFor(name: string): string {
  const slug = name
    .trim()
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '');
  return slug || 'account';
}

export class AccountStore {
  private cache: StoredAccount[] | undefined;
  /** The raw secret as last read or written, to tell our own writes from another window's. */
  private raw: string | undefined;
  private readonly listeners = new Set<() => void>();

  constructor(private readonly backend: SecretBackend) {}

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => this.listeners.delete(listener) };
  }

  async list(): Promise<AccountSummary[]> {
    return (await this.load()).map((a) => ({
      id: a.id,
      name: a.name,
      username: a.credentials.username,
      hasApiKey: Boolean(a.credentials.apiKey),
      hasPat: Boolean(a.credentials.pat),
    }));
  }

  async credentials(id: string): Promise<Credentials | undefined> {
    const a = (await this.load()).find((x) => x.id === id);
    return a ? { ...a.credentials } : undefined;
  }

  /** Adds the account, or replaces the one with the same name (signing in again updates the keys). */
  async save(name: string, credentials: Credentials): Promise<AccountSummary> {
    const id = accountIdFor(name);
    const all = (await this.load()).filter((a) => a.id !== id);
    all.push({ id, name: name.trim(), credentials: { ...credentials } });
    all.sort((a, b) => a.name.localeCompare(b.name));
    await this.write(all);
    return (await this.list()).find((a) => a.id === id) as AccountSummary;
  }

  async remove(id: string): Promise<boolean> {
    const all = await this.load();
    const rest = all.filter((a) => a.id !== id);
    if (rest.length === all.length) return false;
    await this.write(rest);
    return true;
  }

  /** Forgets the in-memory copy, e.g. when another window changed the secret. */
  reset(): void {
    this.cache = undefined;
    this.raw = undefined;
  }

  /**
   * After SecretStorage reports a change: reloads when the stored accounts differ from ours (another
   * window signed in or out) and says so; our own writes report false.
   */
  async reloadIfChanged(): Promise<boolean> {
    // Read our state before the first await: other listeners of the same event may reset() us.
    const known = this.cache !== undefined;
    const before = this.raw;
    const now = await this.backend.get(SECRET_KEYS.accounts);
    if (known && now === before) return false;
    this.reset();
    await this.load();
    for (const l of this.listeners) l();
    return true;
  }

  private async load(): Promise<StoredAccount[]> {
    if (this.cache) return this.cache;
    const raw = await this.backend.get(SECRET_KEYS.accounts);
    this.raw = raw;
    let parsed: unknown = [];
    if (raw) {
      try {
        parsed = JSON.parse(raw);
      } catch {
        // A corrupt entry is treated as no accounts; the next save overwrites it.
        parsed = [];
      }
    }
    this.cache = Array.isArray(parsed) ? parsed.filter(isStoredAccount) : [];
    return this.cache;
  }

  private async write(all: StoredAccount[]): Promise<void> {
    const raw = all.length === 0 ? undefined : JSON.stringify(all);
    if (raw === undefined) await this.backend.delete(SECRET_KEYS.accounts);
    else await this.backend.store(SECRET_KEYS.accounts, raw);
    this.cache = all;
    this.raw = raw;
    for (const l of this.listeners) l();
  }
}
