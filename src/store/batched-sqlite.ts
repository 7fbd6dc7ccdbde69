import KeyvSqlite from "@keyv/sqlite";
import type { AtomicAdapter, StoredRow } from "./keyv-store.ts";

/** One caller's write: a single set or delete, or every row of a writeAll. */
interface PendingWrite {
  rows: readonly StoredRow[];
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Rows per flush: far below SQLite's limits on statement and JSON size for our documents. */
const maxBatch = 500;

/**
 * @keyv/sqlite with group commit: writes that arrive while one is being committed wait and go
 * together in one transaction, instead of one transaction each. A write still resolves only once
 * it is committed, and writes to a key keep their order (the last one in a batch wins). A busy
 * fan-out pays one commit per batch, a quiet bot one per write.
 *
 * Every write goes through this one serialized flush, deletes included, so a writeAll (several
 * keys, saved and removed) is one transaction that no other write can interleave with: saves
 * alone, or removals alone, are one statement; both, BEGIN IMMEDIATE ... COMMIT on the single connection.
 */
export class BatchedSqlite extends KeyvSqlite implements AtomicAdapter {
  private pending: PendingWrite[] = [];
  private flushing = false;

  override set(key: string, value: string): Promise<void> {
    return this.enqueue([{ key, value }]);
  }

  /**
   * Queued like a set: a DELETE sent straight to the connection could land inside another
   * write's open transaction and be rolled back with it. Always reports true: whether the key
   * existed would cost a read, and nothing here asks.
   */
  override async delete(key: string): Promise<boolean> {
    await this.enqueue([{ key }]);
    return true;
  }

  writeAll(rows: readonly StoredRow[]): Promise<void> {
    return this.enqueue(rows);
  }

  private enqueue(rows: readonly StoredRow[]): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ rows, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        // Whole writes only, so a writeAll never straddles two transactions.
        const batch: PendingWrite[] = [];
        let size = 0;
        for (const write of this.pending) {
          if (batch.length > 0 && size + write.rows.length > maxBatch) break;
          batch.push(write);
          size += write.rows.length;
        }
        this.pending.splice(0, batch.length);
        const rows = new Map<string, string | undefined>();
        for (const write of batch) {
          for (const { key, value } of write.rows) {
            rows.delete(key);
            rows.set(key, value);
          }
        }
        try {
          await this.commit(rows);
          for (const write of batch) write.resolve();
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }

  /** Saves and removes the rows in one transaction; each key appears once. */
  private async commit(rows: ReadonlyMap<string, string | undefined>): Promise<void> {
    const upserts: [string, string][] = [];
    const removals: string[] = [];
    for (const [key, value] of rows) {
      if (value === undefined) removals.push(key);
      else upserts.push([key, value]);
    }
    const upsert = () =>
      this.query(
        `INSERT INTO ${this.opts.table} (key, value)
         SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) WHERE true
         ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
        JSON.stringify(upserts),
      );
    const remove = () =>
      this.query(
        `DELETE FROM ${this.opts.table} WHERE key IN (SELECT value FROM json_each(?))`,
        JSON.stringify(removals),
      );
    // One statement is a transaction of its own.
    if (removals.length === 0) return void (await upsert());
    if (upserts.length === 0) return void (await remove());
    await this.query("BEGIN IMMEDIATE");
    try {
      await upsert();
      await remove();
      await this.query("COMMIT");
    } catch (error) {
      await this.query("ROLLBACK").catch(() => undefined);
      throw error;
    }
  }
}
