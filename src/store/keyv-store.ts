import type Keyv from "keyv";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import { bounded, networkTimeoutMs } from "./bounded.ts";
import { KeyedMutex } from "./keyed-mutex.ts";
import { type Store, StoreError, type StoreWrite } from "./store.ts";

/** A row as keyv hands it to its adapter: the namespaced key and keyv's serialized value; no value deletes. */
export interface StoredRow {
  key: string;
  value?: string;
}

/** A keyv adapter that can apply several rows as one atomic unit (the SQLite and PostgreSQL adapters here). */
export interface AtomicAdapter {
  writeAll(rows: readonly StoredRow[]): Promise<void>;
}

const isAtomic = (adapter: unknown): adapter is AtomicAdapter =>
  typeof (adapter as Partial<AtomicAdapter> | undefined)?.writeAll === "function";

/** Serializes work on one key; the in-process mutex always runs first, a shared lock may follow. */
export type SharedLock = <T>(key: string, fn: () => Promise<T>) => Promise<T>;

export interface KeyvStoreOptions {
  /**
   * Longest one read, write or delete may take before it fails with a StoreError. A network store
   * that stops answering would otherwise hold every command (node-redis queues commands while it
   * reconnects); a local SQLite file has its own busy timeout and gets none by default.
   */
  timeoutMs?: number;
  /** Where failed operations and lock waits are counted. */
  metrics?: Pick<Metrics, "storeErrors" | "lockWaitSeconds">;
}

const networkKinds = new Set(["redis", "postgres"]);

/** Any keyv instance (SQLite, Redis, PostgreSQL, in-memory Map) as a Store. */
export class KeyvStore implements Store {
  private readonly mutex = new KeyedMutex();
  private readonly timeoutMs: number | undefined;

  constructor(
    private readonly keyv: Keyv,
    readonly kind: string,
    logger: Logger,
    /** A lock across processes (Redis); without one, withLock serializes this process only. */
    private readonly sharedLock?: SharedLock,
    private readonly options: KeyvStoreOptions = {},
  ) {
    this.timeoutMs = options.timeoutMs ?? (networkKinds.has(kind) ? networkTimeoutMs : undefined);
    // keyv emits backend errors as events; without a listener Node would crash on them.
    keyv.on("error", (error: unknown) => logger.error({ err: error, store: kind }, "store error"));
    keyv.throwOnErrors = true;
  }

  get(key: string): Promise<unknown> {
    return this.wrap("read", key, () => this.keyv.get(key));
  }

  async set(key: string, value: unknown): Promise<void> {
    const saved = await this.wrap("write", key, () => this.keyv.set(key, value));
    if (!saved) throw new StoreError(`The ${this.kind} store did not save ${key}`);
  }

  async delete(key: string): Promise<void> {
    await this.wrap("delete", key, () => this.keyv.delete(key));
  }

  async writeAll(writes: readonly StoreWrite[]): Promise<void> {
    if (writes.length === 0) return;
    const rows = await this.rowsOf(writes);
    await this.wrap("write", rows[0]?.key ?? "", () => this.applyRows(rows));
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const { sharedLock } = this;
    const asked = performance.now();
    const held = () => {
      this.options.metrics?.lockWaitSeconds.observe({ store: this.kind }, (performance.now() - asked) / 1000);
      return fn();
    };
    // Waiters in this process queue here, so only one of them at a time polls the shared lock.
    return this.mutex.run(key, sharedLock ? () => sharedLock(key, held) : held).catch((error: unknown) => {
      if (error instanceof StoreError) this.options.metrics?.storeErrors.inc({ store: this.kind, operation: "lock" });
      throw error;
    });
  }

  /** Metrics can arrive after the store is opened (the app creates them). */
  observe(metrics: KeyvStoreOptions["metrics"]): void {
    this.options.metrics = metrics;
  }

  async close(): Promise<void> {
    await this.keyv.disconnect();
  }

  /**
   * The writes exactly as keyv.set would hand them to the adapter (namespaced key, keyv's own
   * serializer), so get() reads them back; the last write of a key wins. Serializing everything
   * first means a value that cannot be stored fails the whole unit before anything is written.
   */
  protected async rowsOf(writes: readonly StoreWrite[]): Promise<StoredRow[]> {
    const last = new Map<string, unknown>();
    for (const { key, value } of writes) {
      last.delete(key);
      last.set(key, value);
    }
    try {
      return await Promise.all(
        [...last].map(async ([key, value]): Promise<StoredRow> => {
          const row = { key: this.keyv._getKeyPrefix(key) };
          if (value === undefined) return row;
          if (typeof value === "symbol") throw new Error("a symbol cannot be serialized");
          const serialized = await this.keyv.serializeData({ value, expires: undefined });
          if (typeof serialized !== "string") throw new Error("keyv gave no serialized text");
          return { ...row, value: serialized };
        }),
      );
    } catch (error) {
      const [first] = last.keys();
      throw new StoreError(`Could not write ${first} and the rest of its ${last.size} keys: ${String(error)}`, {
        cause: error,
      });
    }
  }

  /**
   * Applies rows all at once. keyv over a Map (the memory store) changes the Map synchronously,
   * with no await between rows; an adapter that offers writeAll does it in one transaction.
   */
  protected async applyRows(rows: readonly StoredRow[]): Promise<void> {
    const adapter: unknown = this.keyv.store;
    if (adapter instanceof Map) {
      for (const { key, value } of rows) {
        if (value === undefined) adapter.delete(key);
        else adapter.set(key, value);
      }
    } else if (isAtomic(adapter)) {
      await adapter.writeAll(rows);
    } else {
      throw new StoreError(`The ${this.kind} store cannot write several keys at once`);
    }
  }

  /**
   * Runs one backend operation bounded by the timeout, counting and wrapping its failure as a
   * StoreError. No async function of its own: on the hot paths every extra promise a crowd of
   * commands makes is garbage collected at once.
   */
  protected wrap<T>(operation: string, key: string, fn: () => Promise<T>): Promise<T> {
    const { timeoutMs } = this;
    let running: Promise<T>;
    try {
      running = fn();
    } catch (error) {
      running = Promise.reject(error);
    }
    const answered =
      timeoutMs === undefined
        ? running
        : bounded(
            running,
            timeoutMs,
            () => `The ${this.kind} store did not ${operation} ${key} within ${timeoutMs} ms`,
          );
    return answered.catch((error: unknown) => {
      this.options.metrics?.storeErrors.inc({ store: this.kind, operation });
      if (error instanceof StoreError) throw error;
      throw new StoreError(`Could not ${operation} ${key} in the ${this.kind} store: ${String(error)}`, {
        cause: error,
      });
    });
  }
}
