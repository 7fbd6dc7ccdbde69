import { mkdir } from "node:fs/promises";
import path from "node:path";
import KeyvRedis from "@keyv/redis";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Logger } from "../core/logger.ts";
import { CachedStore } from "./cached-store.ts";
import { KeyvStore } from "./keyv-store.ts";
import type { Store } from "./store.ts";

const namespace = "roadmap-bot";

/** An in-memory store (a Map behind keyv), for tests and throwaway runs. */
export const openMemoryStore = (logger: Logger): Store => new KeyvStore(new Keyv({ namespace }), "memory", logger);

/** Picks the backend from the URL alone: sqlite://PATH or redis://HOST:PORT. */
export async function openStore(url: string, logger: Logger): Promise<Store> {
  const scheme = url.slice(0, url.indexOf(":"));
  if (scheme === "sqlite") {
    const file = url.slice("sqlite://".length);
    await mkdir(path.dirname(path.resolve(file)), { recursive: true });
    const sqlite = new KeyvSqlite({ uri: `sqlite://${file}`, busyTimeout: 5_000 });
    return new CachedStore(new KeyvStore(new Keyv({ store: sqlite, namespace }), "sqlite", logger));
  }
  if (scheme === "redis" || scheme === "rediss") {
    const redis = new KeyvRedis(
      {
        url,
        socket: { connectTimeout: 3_000, reconnectStrategy: (retries: number) => Math.min(retries * 200, 2_000) },
      },
      { throwOnConnectError: true, connectionTimeout: 3_000 },
    );
    const store = new KeyvStore(new Keyv({ store: redis, namespace, useKeyPrefix: false }), "redis", logger);
    // Connect now so a wrong URL fails at startup with a clear message, not on the first command.
    await store.get("healthcheck");
    return store;
  }
  throw new Error(`Unsupported STORE_URL scheme "${scheme}": use sqlite://PATH or redis://HOST:PORT`);
}
