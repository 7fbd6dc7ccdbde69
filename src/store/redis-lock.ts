import { randomUUID } from "node:crypto";
import { setTimeout as sleep } from "node:timers/promises";
import { bounded, networkTimeoutMs } from "./bounded.ts";
import { StoreError } from "./store.ts";

/** The two Redis commands the lock needs; node-redis clients (single, cluster, sentinel) have both. */
export interface LockClient {
  set(
    key: string,
    value: string,
    options: { condition: "NX"; expiration: { type: "PX"; value: number } },
  ): Promise<unknown>;
  eval(script: string, options: { keys: string[]; arguments: string[] }): Promise<unknown>;
}

/**
 * Deletes the lock only if it still holds our token (an expired lock retaken by another process
 * stays theirs), and announces the release on ARGV[2] only when a waiter marked the lock
 * (KEYS[2]): most releases have no waiter, and an announcement reaches every replica.
 */
const releaseScript = `if redis.call("get", KEYS[1]) == ARGV[1] then
  redis.call("del", KEYS[1])
  if redis.call("del", KEYS[2]) == 1 then redis.call("publish", ARGV[2], KEYS[1]) end
  return 1
end
return 0`;

/**
 * A waiter's second try: takes the lock if it is free by now, else marks it as awaited, in one
 * step, so the holder's release (which comes after the mark) is announced and no wake-up is lost.
 */
const awaitScript = `if redis.call("set", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return 1 end
redis.call("set", KEYS[2], "1", "PX", ARGV[3])
return 0`;

/**
 * Wakes this process's waiters when a lock is released anywhere: fed by a Redis subscription to
 * the release channel. Without it (or between messages) waiters poll.
 */
export class ReleaseFeed {
  private readonly waiters = new Map<string, Set<() => void>>();

  /** A release of `lockKey` was announced. */
  notify(lockKey: string): void {
    const waiting = this.waiters.get(lockKey);
    if (!waiting) return;
    this.waiters.delete(lockKey);
    for (const wake of waiting) wake();
  }

  /** Resolves on the next release of `lockKey`, or after `ms` (a release can come before we listen). */
  wait(lockKey: string, ms: number): Promise<void> {
    return new Promise((resolve) => {
      const waiting = this.waiters.get(lockKey) ?? new Set<() => void>();
      this.waiters.set(lockKey, waiting);
      const wake = () => {
        clearTimeout(timer);
        waiting.delete(wake);
        if (waiting.size === 0 && this.waiters.get(lockKey) === waiting) this.waiters.delete(lockKey);
        resolve();
      };
      const timer = setTimeout(wake, ms);
      waiting.add(wake);
    });
  }
}

/** The mark a waiter leaves on a busy lock; it lives as long as a waiter waits at most. */
const awaitedKey = (lockKey: string): string => `${lockKey}:awaited`;

export interface RedisLockOptions {
  /** How long a lock lives if its holder dies without releasing it. */
  ttlMs: number;
  /** How long to wait for a busy lock before giving up with a StoreError. */
  waitMs: number;
}

/**
 * A lock shared by every process on one Redis: `SET key token NX PX ttl`, released by its owner
 * only. It serializes read-modify-write cycles that keyv cannot make atomic. Not a fencing lock:
 * work must finish well inside the TTL (ours is a few reads and writes). A busy lock is waited for
 * up to 15 s, since one person's commands from several processes queue behind each other; an
 * unreachable Redis fails each attempt within 2 s instead.
 */
export class RedisLock {
  constructor(
    private readonly client: LockClient,
    private readonly prefix: string,
    private readonly options: RedisLockOptions = { ttlMs: 10_000, waitMs: 15_000 },
    /** Release announcements, when the process subscribes to them; else waiters only poll. */
    private readonly feed?: ReleaseFeed,
  ) {}

  /** The channel releases are announced on. */
  get releaseChannel(): string {
    return `${this.prefix}released`;
  }

  async run<T>(key: string, fn: () => Promise<T>): Promise<T> {
    const lockKey = `${this.prefix}${key}`;
    const token = randomUUID();
    const deadline = Date.now() + this.options.waitMs;
    let pause = 1;
    // Each attempt is bounded like any store operation: a Redis that stopped answering fails the
    // caller as fast as a read would, not after the whole wait.
    const attempt = (awaited: boolean) =>
      bounded(
        awaited ? this.tryAcquireOrMark(lockKey, token) : this.tryAcquire(lockKey, token),
        networkTimeoutMs,
        `Redis did not answer within ${networkTimeoutMs} ms (lock ${key})`,
      );
    // The first try is a plain SET. A busy lock is then tried again and marked as awaited in one
    // step before every wait, so its release is announced and wakes us.
    let awaited = false;
    while (!(await attempt(awaited))) {
      if (!awaited) {
        awaited = true;
        continue;
      }
      if (Date.now() >= deadline)
        throw new StoreError(`Timed out after ${this.options.waitMs} ms waiting for lock ${key}`);
      // Jittered backoff, so processes that collide once do not keep colliding in step. Capped low:
      // a lock is held for a few ms, and a waiter asleep for longer leaves it idle
      // (bench/replicas.ts: a 50 ms cap gave 3 replicas 0.55-0.59x one process, 8 ms 0.72x).
      const nap = pause + Math.random() * pause;
      await (this.feed ? this.feed.wait(lockKey, nap) : sleep(nap));
      pause = Math.min(pause * 2, 8);
    }
    try {
      return await fn();
    } finally {
      // An unreleased lock expires after its TTL; a release that cannot reach Redis must not
      // turn finished work into a failure, nor hang.
      await bounded(
        this.client.eval(releaseScript, {
          keys: [lockKey, awaitedKey(lockKey)],
          arguments: [token, this.releaseChannel],
        }),
        1_000,
        `unlock ${key}`,
      ).catch(() => undefined);
    }
  }

  private async tryAcquireOrMark(lockKey: string, token: string): Promise<boolean> {
    const reply = await this.client.eval(awaitScript, {
      keys: [lockKey, awaitedKey(lockKey)],
      arguments: [token, String(this.options.ttlMs), String(this.options.waitMs)],
    });
    return reply === 1;
  }

  private async tryAcquire(lockKey: string, token: string): Promise<boolean> {
    const reply = await this.client.set(lockKey, token, {
      condition: "NX",
      expiration: { type: "PX", value: this.options.ttlMs },
    });
    return reply === "OK";
  }
}
