import KeyvSqlite from "@keyv/sqlite";

interface PendingWrite {
  key: string;
  value: string;
  resolve: () => void;
  reject: (error: unknown) => void;
}

/** Rows per statement: far below SQLite's limits on statement and JSON size for our documents. */
const maxBatch = 500;

/**
 * @keyv/sqlite with group commit: writes that arrive while one is being committed wait and go
 * together in one multi-row upsert (one statement, one transaction), instead of one transaction
 * each. A write still resolves only once it is committed, and writes to a key keep their order
 * (the last one in a batch wins). A busy fan-out pays one commit per batch, a quiet bot one per write.
 */
export class BatchedSqlite extends KeyvSqlite {
  private pending: PendingWrite[] = [];
  private flushing = false;

  override set(key: string, value: string): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      this.pending.push({ key, value, resolve, reject });
      if (!this.flushing) void this.flush();
    });
  }

  private async flush(): Promise<void> {
    this.flushing = true;
    try {
      while (this.pending.length > 0) {
        const batch = this.pending.splice(0, maxBatch);
        const rows = new Map(batch.map((write) => [write.key, write.value]));
        try {
          await this.query(
            `INSERT INTO ${this.opts.table} (key, value)
             SELECT json_extract(value, '$[0]'), json_extract(value, '$[1]') FROM json_each(?) WHERE true
             ON CONFLICT(key) DO UPDATE SET value = excluded.value`,
            JSON.stringify([...rows]),
          );
          for (const write of batch) write.resolve();
        } catch (error) {
          for (const write of batch) write.reject(error);
        }
      }
    } finally {
      this.flushing = false;
    }
  }
}
