import type KeyvSqlite from "@keyv/sqlite";
import type Keyv from "keyv";
import { CachedStore } from "../src/store/cached-store.ts";
import { KeyvStore } from "../src/store/keyv-store.ts";
import type { Store } from "../src/store/store.ts";

/** One key as the backend holds it, with its value exactly as stored (keyv's serialized JSON). */
export interface RawEntry {
  key: string;
  value: string;
}

/** The node-redis calls the scan needs (@keyv/redis's client; v5 yields keys in batches). */
interface RedisClient {
  scanIterator(options: { MATCH: string; COUNT: number }): AsyncIterable<string[]>;
  type(key: string): Promise<string>;
  get(key: string): Promise<string | null>;
  sendCommand(args: string[]): Promise<unknown>;
}

/** A Redis value of any type as text: a string as it is; a sorted set's members and scores, a hash's fields. */
async function redisValue(client: RedisClient, key: string): Promise<string> {
  const type = await client.type(key);
  if (type === "string") return String(await client.get(key));
  if (type === "zset")
    return `<zset> ${JSON.stringify(await client.sendCommand(["ZRANGE", key, "0", "-1", "WITHSCORES"]))}`;
  if (type === "hash") return `<hash> ${JSON.stringify(await client.sendCommand(["HGETALL", key]))}`;
  return `<${type}>`;
}

/**
 * Every key and raw value in a store's backend, below the Store interface: what an operator
 * dumping the memory map, the SQLite table or the Redis database would see. Redis is scanned as
 * a whole database (lock keys included), so give each test a database of its own.
 */
export async function scanStore(store: Store): Promise<RawEntry[]> {
  const keyv = keyvOf(store);
  const backend: unknown = keyv.store;
  let entries: RawEntry[];
  if (backend instanceof Map) {
    entries = [...backend.entries()].map(([key, value]) => ({ key: String(key), value: String(value) }));
  } else if (store.kind === "sqlite") {
    const sqlite = backend as KeyvSqlite;
    const rows = (await sqlite.query(`SELECT key, value FROM ${sqlite.opts.table}`)) as {
      key: string;
      value: string;
    }[];
    entries = rows.map(({ key, value }) => ({ key, value: String(value) }));
  } else if (store.kind === "redis") {
    const client = (backend as { client: RedisClient }).client;
    entries = [];
    for await (const batch of client.scanIterator({ MATCH: "*", COUNT: 500 })) {
      for (const key of batch) entries.push({ key, value: await redisValue(client, key) });
    }
  } else {
    throw new Error(`scanStore does not know the ${store.kind} backend`);
  }
  return entries.sort((a, b) => a.key.localeCompare(b.key));
}

/** The entries whose key or raw value contains any of the needles (also URI-encoded, as keys hold ids). */
export function entriesMentioning(entries: readonly RawEntry[], needles: readonly string[]): RawEntry[] {
  const forms = [
    ...new Set(needles.flatMap((needle) => [needle, encodeURIComponent(needle), JSON.stringify(needle).slice(1, -1)])),
  ];
  return entries.filter(({ key, value }) => forms.some((form) => key.includes(form) || value.includes(form)));
}

/**
 * Deletes, straight in the backend, every key whose name or value mentions the needle: how a
 * test that shares a Redis database with other test files tidies up after itself without
 * flushing the database under their feet.
 */
export async function deleteMentioning(store: Store, needle: string): Promise<number> {
  const doomed = entriesMentioning(await scanStore(store), [needle]);
  const backend: unknown = keyvOf(store).store;
  for (const { key } of doomed) {
    if (backend instanceof Map) backend.delete(key);
    else if (store.kind === "redis")
      await (backend as { client: { del(key: string): Promise<number> } }).client.del(key);
    else {
      const sqlite = backend as KeyvSqlite;
      await sqlite.query(`DELETE FROM ${sqlite.opts.table} WHERE key = ?`, key);
    }
  }
  return doomed.length;
}

/** The keyv instance behind a store opened by openStore/openMemoryStore (reaching past `private`, for tests only). */
function keyvOf(store: Store): Keyv {
  const inner = store instanceof CachedStore ? (store as unknown as { inner: Store }).inner : store;
  if (!(inner instanceof KeyvStore)) throw new Error("scanStore needs a store opened by openStore or openMemoryStore");
  return (inner as unknown as { keyv: Keyv }).keyv;
}
