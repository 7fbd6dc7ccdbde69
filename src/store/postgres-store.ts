// Named, not the default export: the bundle (scripts/build.js) loads external packages with
// require(), where @keyv/postgres's default export is its whole module object.
import { KeyvPostgres } from "@keyv/postgres";
import Keyv from "keyv";
// @ts-expect-error -- pg ships no type declarations and @types/pg is not a dependency; PgDriver below types what is used.
import pgModule from "pg";
import type { Logger } from "../logger.ts";
import { bounded } from "./bounded.ts";
import { KeyvStore, type KeyvStoreOptions, type StoredRow } from "./keyv-store.ts";
import { namespace } from "./namespace.ts";
import { PgLock, type PgLockClient } from "./pg-lock.ts";
import { pgWriteAll } from "./pg-write-all.ts";
import type { Store } from "./store.ts";

/** The slice of node-postgres (`pg`) used here: a pool for keyv's queries, single clients for locks. */
interface PgPool {
  query(text: string, values?: unknown[]): Promise<{ rows: Record<string, unknown>[] }>;
  end(): Promise<void>;
  on(event: "error", listener: (error: Error) => void): unknown;
}
interface PgDriver {
  Pool: new (config: object) => PgPool;
  Client: new (config: object) => PgLockClient;
}
const pg = pgModule as PgDriver;

/** How long a connection to PostgreSQL (the first one, and any later one) may take before failing. */
const postgresConnectMs = 3_000;

/**
 * @keyv/postgres on a pool of its own. The stock adapter keeps one module-level pool per URI and
 * its disconnect() ends whichever pool is current, so two stores in one process (tests, two
 * tenants) would close each other's connections. connect() runs inside the base constructor,
 * which is why the pool travels in the options rather than in a field of this class.
 */
class PooledKeyvPostgres extends KeyvPostgres {
  private ended = false;

  override async connect(): Promise<(sql: string, values?: unknown) => Promise<Record<string, unknown>[]>> {
    const { pool } = this.opts as { pool: PgPool };
    return async (sql, values) => (await pool.query(sql, values as unknown[] | undefined)).rows;
  }

  /** Several rows at once, all or none (see pg-write-all.ts). */
  writeAll(rows: readonly StoredRow[]): Promise<void> {
    return pgWriteAll(this.query, `${this.opts.schema}.${this.opts.table}`, rows);
  }

  override async disconnect(): Promise<void> {
    if (this.ended) return;
    this.ended = true;
    await (this.opts as { pool: PgPool }).pool.end();
  }
}

/** A Keyv store that also ends its lock connection on close. */
class PostgresStore extends KeyvStore {
  constructor(
    keyv: Keyv,
    logger: Logger,
    private readonly lock: PgLock,
    options: KeyvStoreOptions,
  ) {
    super(keyv, "postgres", logger, (key, fn) => lock.run(key, fn), options);
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      await this.lock.close();
    }
  }
}

/**
 * The connection string for pg and the schema for keyv's table, from STORE_URL's `?schema=NAME`
 * (the convention Prisma uses too); without it the table is public.keyv. keyv writes the name
 * into its SQL unquoted, so only plain lowercase names are accepted.
 */
function postgresTarget(url: string): { connectionString: string; schema: string } {
  const parsed = new URL(url);
  const schema = parsed.searchParams.get("schema") ?? "public";
  if (!/^[a-z_][a-z0-9_]{0,62}$/.test(schema)) {
    throw new Error(`schema "${schema}" must be a lowercase SQL name such as roadmap_bot`);
  }
  parsed.searchParams.delete("schema");
  return { connectionString: parsed.toString(), schema };
}

export async function openPostgres(url: string, logger: Logger, options: KeyvStoreOptions): Promise<Store> {
  const { connectionString, schema } = postgresTarget(url);
  const connection = { connectionString, connectionTimeoutMillis: postgresConnectMs, keepAlive: true };
  // The pool's own connect timeout is a little longer than the startup probe's bound, so a server
  // that never answers is reported by the probe ("did not answer within 3000 ms"), not by
  // whichever of two equal timers happens to fire first on a busy machine.
  const pool = new pg.Pool({
    ...connection,
    connectionTimeoutMillis: postgresConnectMs + 1_000,
    application_name: "roadmap-bot",
  });
  // pg emits "error" on an idle pooled connection that breaks: without a listener Node would crash.
  pool.on("error", (error) => logger.warn({ err: error, store: "postgres" }, "idle PostgreSQL connection lost"));
  await answersWithin(pool, postgresConnectMs);
  // Keyv prefixes every key with the namespace once ("roadmap-bot:progress:…"); the adapter adds none.
  const adapter = new PooledKeyvPostgres({ uri: connectionString, schema, pool });
  const keyv = new Keyv({ store: adapter, namespace });
  const lock = new PgLock(
    // query_timeout: a lock query answers at once, so one that does not means a dead connection;
    // the lock then ends it and the waiting call fails instead of hanging.
    () => new pg.Client({ ...connection, application_name: "roadmap-bot lock", query_timeout: postgresConnectMs }),
    `${namespace}:lock:`,
    logger,
  );
  return new PostgresStore(keyv, logger, lock, options);
}

async function answersWithin(pool: PgPool, ms: number): Promise<void> {
  try {
    await bounded(pool.query("SELECT 1"), ms, `PostgreSQL did not answer within ${ms} ms`);
  } catch (error) {
    await pool.end().catch(() => undefined);
    throw error;
  }
}
