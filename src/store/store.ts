/** One write of a writeAll: a value to save at key, or, when value is undefined, the key's removal. */
export interface StoreWrite {
  key: string;
  value?: unknown;
}

/**
 * The one storage seam. Every backend is a keyv store behind this interface, so the contract suite
 * in test/contract runs the same checks against each of them.
 */
export interface Store {
  /** The value at key, or undefined. Values come back as JSON-shaped data: validate before use. */
  get(key: string): Promise<unknown>;
  /** Saves value at key; rejects with StoreError when the backend did not save it. */
  set(key: string, value: unknown): Promise<void>;
  /** Removes key; resolves whether or not it existed. */
  delete(key: string): Promise<void>;
  /**
   * Saves and removes several keys as one atomic unit: a process killed, or a backend failing,
   * part way leaves all of them or none, and no other write lands in between. When a key appears
   * twice, the later write wins. Rejects with StoreError when the backend did not apply them (on a
   * network store that timed out, they may still land: all of them).
   */
  writeAll(writes: readonly StoreWrite[]): Promise<void>;
  /**
   * Runs fn while no other withLock(key) call runs. SQLite and memory: within this process (an
   * SQLite file has one owner process). Redis and PostgreSQL: across every process sharing that server.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Waits for pending writes and closes connections. */
  close(): Promise<void>;
  /** Which backend, for logs and readiness ("sqlite", "redis", "postgres", "memory"). */
  readonly kind: string;
}

/** The reads and writes of one document at a time: a Store, or a unit of work staging writes for one. */
export type Documents = Pick<Store, "get" | "set" | "delete">;

export class StoreError extends Error {
  override name = "StoreError";
}
