import { createRequire } from "node:module";
import type KeyvRedis from "@keyv/redis";
import Keyv from "keyv";
import type { Logger } from "../logger.ts";
import { bounded } from "./bounded.ts";
import { KeyvStore, type KeyvStoreOptions, type SharedLock, type StoredRow } from "./keyv-store.ts";
import { namespace } from "./namespace.ts";
import { type LockClient, RedisLock, ReleaseFeed } from "./redis-lock.ts";
import type { RedisScript } from "./redis-script.ts";
import type { StoreWrite } from "./store.ts";

/** How long the first connection to Redis may take before startup fails. */
const redisConnectMs = 3_000;

/** A Redis store: keyv's documents, the shared lock, and raw commands for what keyv cannot express. */
export async function openRedis(url: string, logger: Logger, options: KeyvStoreOptions): Promise<RedisStore> {
  // No `connectionTimeout` for keyv: its timer is never cleared, so every process (a one-shot
  // `ask` too) lived 3 s past its work. The first connect is bounded here instead.
  // Required, as the bundle (scripts/build.js) loads every external package: its CommonJS build
  // exports the class as `default` only, which an import's interop would not find there.
  const { default: KeyvRedisDriver } = createRequire(import.meta.url)("@keyv/redis") as typeof import("@keyv/redis");
  const redis = new KeyvRedisDriver(
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
  const feed = new ReleaseFeed();
  const lock = new RedisLock(redis.client as unknown as LockClient, `${namespace}:lock:`, undefined, feed);
  const subscriber = await subscribeToReleases(redis.client as unknown as SubscribableClient, lock, feed, logger);
  return new RedisStore(
    new Keyv({ store: redis, namespace, useKeyPrefix: false }),
    logger,
    (key, fn) => lock.run(key, fn),
    options,
    redis.client as unknown as CommandClient,
    subscriber,
  );
}

/** The node-redis calls a release subscription needs. */
interface SubscribableClient {
  duplicate(): SubscribableClient;
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  on(event: "error", listener: (error: unknown) => void): unknown;
  destroy(): void;
}

/**
 * A second connection (a subscribed one can send nothing else) that hears lock releases, so a
 * waiter takes a freed lock at once instead of at its next poll: across replicas, a team's board
 * lock changes hands many times a second. Optional: without it waiters poll, as before.
 */
async function subscribeToReleases(
  client: SubscribableClient,
  lock: RedisLock,
  feed: ReleaseFeed,
  logger: Logger,
): Promise<SubscribableClient | undefined> {
  const subscriber = client.duplicate();
  subscriber.on("error", (error) => logger.warn({ err: error }, "redis lock-release subscription error"));
  try {
    await bounded(subscriber.connect(), redisConnectMs, "Redis did not answer the subscription");
    await bounded(
      subscriber.subscribe(lock.releaseChannel, (lockKey) => feed.notify(lockKey)),
      redisConnectMs,
      "Redis did not confirm the subscription",
    );
    return subscriber;
  } catch (error) {
    logger.warn({ err: error }, "no lock-release subscription; lock waiters will poll");
    subscriber.destroy();
    return undefined;
  }
}

/** The node-redis calls raw commands and transactions need. */
interface CommandClient {
  sendCommand(args: string[]): Promise<unknown>;
  /** node-redis sends MULTI, the commands and EXEC together, so no other command of the connection lands in between. */
  multi(): { addCommand(args: string[]): unknown; exec(): Promise<unknown> };
}

/**
 * A Keyv store on Redis. It also runs raw commands and scripts (the leaderboards' sorted sets),
 * bounded, counted and wrapped like keyv's own operations, and ends its lock-release
 * subscription on close.
 */
export class RedisStore extends KeyvStore {
  constructor(
    keyv: Keyv,
    logger: Logger,
    lock: SharedLock,
    options: KeyvStoreOptions,
    private readonly client: CommandClient,
    private readonly subscriber: SubscribableClient | undefined,
  ) {
    super(keyv, "redis", logger, lock, options);
  }

  /** The Redis key for one of our keys, in keyv's namespace, so clearing the store takes it too. */
  redisKey(key: string): string {
    return `${namespace}::${key}`;
  }

  /** One raw command; `key` names it in errors. */
  command(operation: string, key: string, args: string[]): Promise<unknown> {
    return this.wrap(operation, key, () => this.client.sendCommand(args));
  }

  /** Runs a script by its SHA1, sending its source only when this Redis has not cached it yet. */
  script(operation: string, script: RedisScript, keys: string[], args: string[]): Promise<unknown> {
    const tail = [String(keys.length), ...keys, ...args];
    return this.wrap(operation, keys[0] ?? script.sha, () =>
      this.client.sendCommand(["EVALSHA", script.sha, ...tail]).catch((error: unknown) => {
        // A restarted Redis, or SCRIPT FLUSH, forgets scripts: EVAL caches it again.
        if (!String(error).includes("NOSCRIPT")) throw error;
        return this.client.sendCommand(["EVAL", script.source, ...tail]);
      }),
    );
  }

  /** The rows of a writeAll as Redis keys and keyv's serialized values; no value removes the key. */
  async redisRows(writes: readonly StoreWrite[]): Promise<StoredRow[]> {
    return (await this.rowsOf(writes)).map((row) => ({ ...row, key: this.redisKey(row.key) }));
  }

  /** MULTI/EXEC: Redis applies the whole transaction at once, and drops it if the connection ends before EXEC. */
  protected override async applyRows(rows: readonly StoredRow[]): Promise<void> {
    const multi = this.client.multi();
    for (const { key, value } of rows) {
      multi.addCommand(value === undefined ? ["DEL", this.redisKey(key)] : ["SET", this.redisKey(key), value]);
    }
    await multi.exec();
  }

  override async close(): Promise<void> {
    try {
      await super.close();
    } finally {
      this.subscriber?.destroy();
    }
  }
}

async function connectWithin(redis: KeyvRedis<unknown>, ms: number): Promise<void> {
  try {
    await bounded(redis.getClient(), ms, `Redis did not answer within ${ms} ms`);
  } catch (error) {
    await redis.disconnect(true).catch(() => undefined);
    throw error;
  }
}
