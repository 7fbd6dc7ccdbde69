import { deepFreeze } from "./cached-store.ts";
import type { Documents, Store, StoreWrite } from "./store.ts";

/**
 * The writes of one change, held back until commit() hands them to the store in one writeAll, so
 * a crash or a failing backend leaves every one of them or none. Reads see the unit's own writes
 * first, then the store. Staged values are frozen, as a caching store would freeze them: stage a
 * copy of anything you still mean to change. The caller holds whatever locks make its reads
 * current until the commit.
 */
export class UnitOfWork implements Documents {
  /** Key to staged value; undefined marks a removal. */
  private readonly staged = new Map<string, unknown>();

  constructor(private readonly store: Pick<Store, "get" | "writeAll">) {}

  get(key: string): Promise<unknown> {
    return this.staged.has(key) ? Promise.resolve(this.staged.get(key)) : this.store.get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.staged.set(key, deepFreeze(value));
  }

  async delete(key: string): Promise<void> {
    this.staged.set(key, undefined);
  }

  /** Whether anything is staged. */
  get empty(): boolean {
    return this.staged.size === 0;
  }

  /**
   * Writes everything staged, at once, and starts the unit afresh. `through` replaces the store's
   * writeAll when a backend folds the writes into an atomic operation of its own (RedisBoards
   * sends them inside its move script); it is called even when nothing is staged.
   */
  async commit(through?: (writes: StoreWrite[]) => Promise<void>): Promise<void> {
    const writes = [...this.staged].map(([key, value]) => ({ key, value }));
    this.staged.clear();
    if (through) await through(writes);
    else if (writes.length > 0) await this.store.writeAll(writes);
  }
}
