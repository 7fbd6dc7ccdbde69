import type { StoredRow } from "./keyv-store.ts";

/** How the PostgreSQL adapter sends one statement: its query function, which waits for the table to exist. */
export type PgQuery = (sql: string, values?: unknown) => Promise<unknown>;

/**
 * Saves and removes rows of keyv's table in ONE statement, a data-modifying WITH (the removals)
 * in front of a multi-row upsert: PostgreSQL runs a statement as a transaction of its own, so it
 * lands whole or not at all, on any pooled connection, in one round trip (no BEGIN/COMMIT on a
 * client held for the purpose). Each key appears once in rows, so the two parts never meet.
 * `table` is the adapter's `schema.table`, which open-store.ts checked to be a plain SQL name.
 */
export async function pgWriteAll(query: PgQuery, table: string, rows: readonly StoredRow[]): Promise<void> {
  const keys: string[] = [];
  const values: string[] = [];
  const removals: string[] = [];
  // In key order, so two statements sharing keys lock their rows in the same order and never deadlock.
  for (const { key, value } of [...rows].sort((a, b) => (a.key < b.key ? -1 : a.key > b.key ? 1 : 0))) {
    if (value === undefined) removals.push(key);
    else {
      keys.push(key);
      values.push(value);
    }
  }
  await query(
    `WITH removed AS (DELETE FROM ${table} WHERE key = ANY($3::text[]))
     INSERT INTO ${table} (key, value) SELECT * FROM UNNEST($1::text[], $2::text[])
     ON CONFLICT (key) DO UPDATE SET value = excluded.value`,
    [keys, values, removals],
  );
}
