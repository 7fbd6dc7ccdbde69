import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import KeyvRedis from "@keyv/redis";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { ProgressRepository } from "../src/progress/progress-repository.ts";
import { keys } from "../src/store/keys.ts";
import { openStore } from "../src/store/open-store.ts";
import { type LockClient, RedisLock, ReleaseFeed } from "../src/store/redis-lock.ts";
import type { Store } from "../src/store/store.ts";
import { fixedNow, shippedRoadmaps } from "./helpers.ts";
import { redisTestUrl, serviceAvailable } from "./services.ts";

const available = await serviceAvailable("Redis", 6379);

/** The node-redis calls a release subscriber needs. */
interface SubscribedClient {
  connect(): Promise<unknown>;
  subscribe(channel: string, listener: (message: string) => void): Promise<unknown>;
  destroy(): void;
}

describe.skipIf(!available)("Redis lock across processes", () => {
  let redis: KeyvRedis<unknown>;
  let client: LockClient;
  const prefix = `test:${randomUUID()}:lock:`;

  beforeAll(async () => {
    redis = new KeyvRedis(redisTestUrl);
    client = redis.client as unknown as LockClient;
    await redis.get("warm-up");
  });
  afterAll(async () => {
    await redis.disconnect();
  });

  it("GIVEN two stores on one Redis (two processes' worth of connections and mutexes) THEN concurrent marks by one person are all kept", async () => {
    const [roadmap] = await shippedRoadmaps();
    if (!roadmap) throw new Error("no roadmap");
    const stores: Store[] = [await openStore(redisTestUrl, silentLogger), await openStore(redisTestUrl, silentLogger)];
    const person = { platform: "redis-test", userId: randomUUID() };
    try {
      const repos = stores.map((store) => new ProgressRepository(store, silentLogger));
      const topics = roadmap.topics.slice(0, 60);
      await Promise.all(topics.map((topic, i) => repos[i % 2]?.setStatus(roadmap, person, topic.id, "done", fixedNow)));
      const mine = await repos[0]?.load(roadmap, person);
      expect(mine?.topics.size).toBe(60);
    } finally {
      await stores[0]?.delete(keys.progress(roadmap.id, person));
      for (const store of stores) await store.close();
    }
  });

  it("GIVEN a lock held elsewhere THEN a waiter gives up after its wait with a StoreError", async () => {
    const holder = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 100 });
    const waiter = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 100 });
    let release: () => void = () => {};
    const held = holder.run("busy", () => new Promise<void>((resolve) => (release = resolve)));
    await sleep(20);
    await expect(waiter.run("busy", async () => "ran")).rejects.toThrow("Timed out after 100 ms waiting for lock busy");
    release();
    await held;
    await expect(waiter.run("busy", async () => "ran")).resolves.toBe("ran");
  });

  it("GIVEN nobody waits THEN a release announces nothing; GIVEN a waiter in another process THEN the release is announced and wakes it long before its poll would", async () => {
    const subscriber = (redis.client as unknown as { duplicate(): SubscribedClient }).duplicate();
    await subscriber.connect();
    const heard: string[] = [];
    // The waiter's process hears releases through its feed, as openStore wires it.
    const feed = new ReleaseFeed();
    try {
      const holder = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 5_000 });
      await subscriber.subscribe(holder.releaseChannel, (lockKey) => {
        heard.push(lockKey);
        feed.notify(lockKey);
      });
      await holder.run("quiet", async () => "alone");
      await sleep(50);
      expect(heard, "a release nobody waited for").toEqual([]);

      // The waiter polls at most every 60 s here, so only the announcement can wake it in time.
      const waiter = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 5_000 }, feed);
      (feed as unknown as { wait(key: string, ms: number): Promise<void> }).wait = (
        (original) => (key, _ms) =>
          original.call(feed, key, 60_000)
      )(feed.wait);
      let release: () => void = () => {};
      const held = holder.run("busy-2", () => new Promise<void>((resolve) => (release = resolve)));
      await sleep(20);
      const waited = waiter.run("busy-2", async () => performance.now());
      await sleep(100);
      const releasedAt = performance.now();
      release();
      await held;
      const ranAt = await waited;
      expect(heard).toEqual([`${prefix}busy-2`]);
      expect(ranAt - releasedAt).toBeLessThan(5_000);
    } finally {
      subscriber.destroy();
    }
  });

  it("GIVEN a holder whose lock expired and was retaken THEN its release leaves the new owner's lock alone", async () => {
    const slow = new RedisLock(client, prefix, { ttlMs: 50, waitMs: 1_000 });
    const other = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 1_000 });
    let otherRelease: () => void = () => {};
    const slowRun = slow.run("expiring", () => sleep(120));
    await sleep(70); // the slow holder's 50 ms lock has expired
    const otherHolds = other.run("expiring", () => new Promise<void>((resolve) => (otherRelease = resolve)));
    await slowRun; // releases with its own token: must not delete the other's lock
    const third = new RedisLock(client, prefix, { ttlMs: 5_000, waitMs: 50 });
    await expect(third.run("expiring", async () => "ran")).rejects.toThrow("Timed out");
    otherRelease();
    await otherHolds;
  });
});
