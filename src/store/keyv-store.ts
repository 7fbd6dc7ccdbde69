import type Keyv from "keyv";
import type { Logger } from "../core/logger.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { type Store, StoreError } from "./store.ts";

/** Serializes work on one key; the in-process mutex always runs first, a shared lock may follow. */
export type SharedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

/** Any keyv instance (SQLite, Redis, in-memory Map) as a Store. */
export class KeyvStore implements Store {
  private readonly mutex = new KeyedMutex();

  constructor(
    private readonly keyv: Keyv,
    readonly kind: string,
    logger: Logger,
    /** A lock across processes (Redis); without one, withLock serializes this process only. */
    private readonly sharedLock?: SharedLock,
  ) {
    // keyv emits backend errors as events; without a listener Node would crash on them.
    keyv.on("error", (error: unknown) => logger.error({ err: error, store: kind }, "store error"));
    keyv.throwOnErrors = true;
  }

  async get(key: string): Promise<unknown> {
    return this.wrap("read", key, () => this.keyv.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    const saved = await this.wrap("write", key, () => this.keyv.set(key, value));
    if (!saved) throw new StoreError(`The ${this.kind} store did not save ${key}`);
  }

  async delete(key: string): Promise<void> {
    await this.wrap("delete", key, () => this.keyv.delete(key));
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const { sharedLock } = this;
    // Waiters in this process queue here, so only one of them at a time polls the shared lock.
    return this.mutex.run(key, sharedLock ? () => sharedLock(key, fn) : fn);
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }

  private async wrap<T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> {
    try {
      return await fn();
    } catch (error) {
      if (error instanceof StoreError) throw error;
      throw new StoreError(`Could not ${operation} ${key} in the ${this.kind} store: ${String(error)}`, {
        cause: error,
      });
    }
  }
}
