import { rememberRecent } from "../recent-map.ts";
import type { Store, StoreWrite } from "./store.ts";

/** Freezes a JSON-shaped value all the way down, so a cached value can be shared without copies. */
export function deepFreeze<T>(value: T): T {
  if (value !== null && typeof value === "object" && !Object.isFrozen(value)) {
    Object.freeze(value);
    for (const child of Object.values(value)) deepFreeze(child);
  }
  return value;
}

/**
 * Read-through, write-through cache for a store that this process owns alone (an SQLite file is
 * never shared between processes). A hit saves a round trip on every read-modify-write, so a
 * `done` costs one write, like a bare keyv set. Never put it in front of a shared store.
 * Values it returns, and values given to set, are frozen: callers copy before they change anything.
 */
export class CachedStore implements Store {
  private readonly cache = new Map<string, unknown>();
  /** Reads on their way from the store; a write to the key cancels their right to fill the cache. */
  private readonly loading = new Map<string, Promise<unknown>>();
  /** Writes in flight per key: a read that starts meanwhile may see either value, so it is not cached. */
  private readonly writing = new Map<string, number>();

  constructor(
    private readonly inner: Store,
    private readonly maxEntries = 10_000,
  ) {}

  get kind(): string {
    return this.inner.kind;
  }

  async get(key: string): Promise<unknown> {
    if (this.cache.has(key)) {
      const value = this.cache.get(key);
      this.remember(key, value);
      return value;
    }
    if (this.writing.has(key)) return deepFreeze(await this.inner.get(key));
    let pending = this.loading.get(key);
    if (!pending) {
      pending = this.inner.get(key).then(deepFreeze);
      this.loading.set(key, pending);
    }
    try {
      const value = await pending;
      // A write that started while this read was in flight has removed the marker: the value
      // read may be older than that write, so it must not fill the cache.
      if (this.loading.get(key) === pending) this.remember(key, value);
      return value;
    } finally {
      if (this.loading.get(key) === pending) this.loading.delete(key);
    }
  }

  async set(key: string, value: unknown): Promise<void> {
    await this.writeThrough([{ key, value }], () => this.inner.set(key, value));
  }

  async writeAll(writes: readonly StoreWrite[]): Promise<void> {
    await this.writeThrough(writes, () => this.inner.writeAll(writes));
  }

  async delete(key: string): Promise<void> {
    this.loading.delete(key);
    this.cache.delete(key);
    await this.inner.delete(key);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  close(): Promise<void> {
    this.cache.clear();
    return this.inner.close();
  }

  /**
   * Runs a write of the given keys, then caches what it wrote. Forget first: if the write fails
   * (none of it applied), the next read goes to the store rather than trusting the cache; while
   * it is in flight, reads of its keys are not cached either.
   */
  private async writeThrough(writes: readonly StoreWrite[], write: () => Promise<void>): Promise<void> {
    const keys = [...new Set(writes.map((one) => one.key))];
    for (const key of keys) {
      this.loading.delete(key);
      this.cache.delete(key);
      this.writing.set(key, (this.writing.get(key) ?? 0) + 1);
    }
    try {
      await write();
      // The written object itself is kept, frozen: no copy, and a reader that decoded it once
      // (the progress repository keys its decoding by identity) recognizes it on the next read.
      // A removed key is not cached: the next read asks the store, like after delete().
      const last = new Map(writes.map((one) => [one.key, one.value]));
      for (const [key, value] of last) if (value !== undefined) this.remember(key, deepFreeze(value));
    } finally {
      for (const key of keys) {
        const left = (this.writing.get(key) ?? 1) - 1;
        if (left > 0) this.writing.set(key, left);
        else this.writing.delete(key);
      }
    }
  }

  private remember(key: string, value: unknown): void {
    rememberRecent(this.cache, key, value, this.maxEntries);
  }
}
