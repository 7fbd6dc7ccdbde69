import type { Store } from "./store.ts";

/**
 * Read-through, write-through cache for a store that this process owns alone (an SQLite file is
 * never shared between processes). A hit saves a round trip on every read-modify-write, so a
 * `done` costs one write, like a bare keyv set. Never put it in front of a shared store.
 */
export class CachedStore implements Store {
  private readonly cache = new Map<string, unknown>();

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
      return structuredClone(value);
    }
    const value = await this.inner.get(key);
    this.remember(key, value);
    return structuredClone(value);
  }

  async set(key: string, value: unknown): Promise<void> {
    // Forget first: if the write fails, the next read goes to the store rather than trusting the cache.
    this.cache.delete(key);
    await this.inner.set(key, value);
    this.remember(key, structuredClone(value));
  }

  async delete(key: string): Promise<void> {
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

  /** Map keeps insertion order: re-inserting marks an entry as recent, the oldest goes first. */
  private remember(key: string, value: unknown): void {
    this.cache.delete(key);
    this.cache.set(key, value);
    if (this.cache.size > this.maxEntries) {
      const oldest = this.cache.keys().next().value;
      if (oldest !== undefined) this.cache.delete(oldest);
    }
  }
}
