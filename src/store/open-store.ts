import { mkdir } from "node:fs/promises";
import path from "node:path";
import type KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Logger } from "../logger.ts";
import { BatchedSqlite } from "./batched-sqlite.ts";
import { CachedStore } from "./cached-store.ts";
import { KeyvStore, type KeyvStoreOptions } from "./keyv-store.ts";
import { namespace } from "./namespace.ts";
import { type Store, StoreError } from "./store.ts";

/** The STORE_URL forms, for messages. */
const storeUrlForms = "sqlite://PATH, redis://HOST:PORT or postgres://USER:PASS@HOST:5432/DB";

/** An in-memory store (a Map behind keyv), for tests and throwaway runs. */
export const openMemoryStore = (logger: Logger): Store => new KeyvStore(new Keyv({ namespace }), "memory", logger);

/** STORE_URL without its password, for messages and logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");

/**
 * Picks the backend from the URL alone: sqlite://PATH, redis://HOST:PORT or
 * postgres://USER:PASS@HOST:5432/DB (also postgresql://). Reads once before
 * returning, so a wrong path or an unreachable server fails at startup with a message naming
 * STORE_URL, not on someone's first command.
 */
export async function openStore(url: string, logger: Logger, options: KeyvStoreOptions = {}): Promise<Store> {
  const scheme = url.slice(0, url.indexOf(":"));
  let store: Store;
  try {
    if (scheme === "sqlite") store = await openSqlite(url.slice("sqlite://".length), logger, options);
    // Each driver is imported only when STORE_URL names it: SQLite users never load Redis or PostgreSQL clients.
    else if (scheme === "redis" || scheme === "rediss")
      store = await (await import("./redis-store.ts")).openRedis(url, logger, options);
    else if (scheme === "postgres" || scheme === "postgresql")
      store = await (await import("./postgres-store.ts")).openPostgres(url, logger, options);
    else throw new Error(`unsupported scheme "${scheme}": use ${storeUrlForms}`);
  } catch (error) {
    throw new StoreError(`Cannot open STORE_URL=${redactUrl(url)}: ${reason(error)}`, { cause: error });
  }
  try {
    await store.get("startup-probe");
  } catch (error) {
    await store.close().catch(() => undefined);
    throw new StoreError(`Cannot use STORE_URL=${redactUrl(url)}: ${reason(error)}`, { cause: error });
  }
  return store;
}

const reason = (error: unknown): string => {
  const root = error instanceof Error && error.cause instanceof Error ? error.cause : error;
  return root instanceof Error ? root.message : String(root);
};

/**
 * Write-ahead logging with normal sync: a write no longer waits for a full fsync of the database,
 * and readers never block the writer. A power cut can lose the last moments of writes, never
 * corrupt the file; for study progress that trade is right.
 */
export async function tuneSqlite(sqlite: KeyvSqlite): Promise<void> {
  await sqlite.query("PRAGMA journal_mode = WAL");
  await sqlite.query("PRAGMA synchronous = NORMAL");
}

async function openSqlite(file: string, logger: Logger, options: KeyvStoreOptions): Promise<Store> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BatchedSqlite({ uri: `sqlite://${file}`, busyTimeout: 5_000 });
  await tuneSqlite(sqlite);
  return new CachedStore(new KeyvStore(new Keyv({ store: sqlite, namespace }), "sqlite", logger, undefined, options));
}
