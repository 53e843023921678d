/**
 * A small keyed cache whose entries expire after a time-to-live. Concurrent loads of the same key
 * share one promise so a burst of tree expansions makes one request, and failures are not cached.
 */
export class TtlCache<V> {
  private readonly entries = new Map<string, { value: V; at: number }>();
  private readonly inflight = new Map<string, Promise<V>>();

  constructor(
    private readonly ttlMs: number,
    private readonly now: () => number = Date.now,
  ) {}

  get(key: string): V | undefined {
    const e = this.entries.get(key);
    if (!e) return undefined;
    if (this.now() - e.at >= this.ttlMs) {
      this.entries.delete(key);
      return undefined;
    }
    return e.value;
  }

  set(key: string, value: V): void {
    this.entries.set(key, { value, at: this.now() });
  }

  async getOrLoad(key: string, load: () => Promise<V>): Promise<V> {
    const hit = this.get(key);
    if (hit !== undefined) return hit;
    const pending = this.inflight.get(key);
    if (pending) return pending;
    const p = load().then(
      (v) => {
        this.inflight.delete(key);
        this.set(key, v);
        return v;
      },
      (e: unknown) => {
        this.inflight.delete(key);
        throw e;
      },
    );
    this.inflight.set(key, p);
    return p;
  }

  /** Drops one key, or every key starting with `prefix` followed by `/` when `prefix` is true. */
  delete(key: string, withDescendants = false): void {
    this.entries.delete(key);
    this.inflight.delete(key);
    if (!withDescendants) return;
    for (const k of [...this.entries.keys()]) if (k.startsWith(`${key}/`)) this.entries.delete(k);
  }

  clear(): void {
    this.entries.clear();
    this.inflight.clear();
  }
}
