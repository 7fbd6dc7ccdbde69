import { mkdir } from "node:fs/promises";
import path from "node:path";
import KeyvRedis from "@keyv/redis";
import type KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Logger } from "../core/logger.ts";
import { BatchedSqlite } from "./batched-sqlite.ts";
import { CachedStore } from "./cached-store.ts";
import { KeyvStore } from "./keyv-store.ts";
import { type LockClient, RedisLock } from "./redis-lock.ts";
import { type Store, StoreError } from "./store.ts";

const namespace = "roadmap-bot";

/** An in-memory store (a Map behind keyv), for tests and throwaway runs. */
export const openMemoryStore = (logger: Logger): Store => new KeyvStore(new Keyv({ namespace }), "memory", logger);

/** STORE_URL without its password, for messages and logs. */
export const redactUrl = (url: string): string => url.replace(/\/\/([^:/@]*):[^@/]*@/, "//$1:***@");

/**
 * Picks the backend from the URL alone: sqlite://PATH or redis://HOST:PORT. Reads once before
 * returning, so a wrong path or an unreachable server fails at startup with a message naming
 * STORE_URL, not on someone's first command.
 */
export async function openStore(url: string, logger: Logger): Promise<Store> {
  const scheme = url.slice(0, url.indexOf(":"));
  let store: Store;
  try {
    if (scheme === "sqlite") store = await openSqlite(url.slice("sqlite://".length), logger);
    else if (scheme === "redis" || scheme === "rediss") store = await openRedis(url, logger);
    else throw new Error(`unsupported scheme "${scheme}": use sqlite://PATH or redis://HOST:PORT`);
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

async function openSqlite(file: string, logger: Logger): Promise<Store> {
  await mkdir(path.dirname(path.resolve(file)), { recursive: true });
  const sqlite = new BatchedSqlite({ uri: `sqlite://${file}`, busyTimeout: 5_000 });
  await tuneSqlite(sqlite);
  return new CachedStore(new KeyvStore(new Keyv({ store: sqlite, namespace }), "sqlite", logger));
}

/** How long the first connection to Redis may take before startup fails. */
const redisConnectMs = 3_000;

async function openRedis(url: string, logger: Logger): Promise<Store> {
  // No `connectionTimeout` for keyv: its timer is never cleared, so every process (a one-shot
  // `ask` too) lived 3 s past its work. The first connect is bounded here instead.
  const redis = new KeyvRedis(
    {
      url,
      socket: {
        connectTimeout: redisConnectMs,
        reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000),
      },
    },
    { throwOnConnectError: true },
  );
  await connectWithin(redis, redisConnectMs);
  const lock = new RedisLock(redis.client as unknown as LockClient, `${namespace}:lock:`);
  return new KeyvStore(new Keyv({ store: redis, namespace, useKeyPrefix: false }), "redis", logger, (key, fn) =>
    lock.run(key, fn),
  );
}

async function connectWithin(redis: KeyvRedis<unknown>, ms: number): Promise<void> {
  let timer: NodeJS.Timeout | undefined;
  const timeout = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`Redis did not answer within ${ms} ms`)), ms);
  });
  try {
    await Promise.race([redis.getClient(), timeout]);
  } catch (error) {
    await redis.disconnect(true).catch(() => undefined);
    throw error;
  } finally {
    clearTimeout(timer);
  }
}
