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
   * Runs fn while no other withLock(key) call runs. SQLite and memory: within this process (an
   * SQLite file has one owner process). Redis and PostgreSQL: across every process sharing that server.
   */
  withLock<T>(key: string, fn: () => Promise<T>): Promise<T>;
  /** Waits for pending writes and closes connections. */
  close(): Promise<void>;
  /** Which backend, for logs and readiness ("sqlite", "redis", "postgres", "memory"). */
  readonly kind: string;
}

export class StoreError extends Error {
  override name = "StoreError";
}
