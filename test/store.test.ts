import { execFile } from "node:child_process";
import { randomUUID } from "node:crypto";
import { mkdtempSync, rmSync } from "node:fs";
import { type AddressInfo, createServer, type Socket } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { promisify } from "node:util";
// @ts-expect-error -- pg ships no type declarations and @types/pg is not a dependency; cast below.
import pg from "pg";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { CachedStore } from "../src/store/cached-store.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { advisoryLockId, PgLock, type PgLockClient } from "../src/store/pg-lock.ts";
import { type Store, StoreError } from "../src/store/store.ts";
import { storeContract } from "./contract/store.contract.ts";
import { postgresTestSchema, postgresTestUrl, redisTestUrl, serviceAvailable } from "./services.ts";

const run = promisify(execFile);

const sqliteDir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-store-"));
const sqliteFile = path.join(sqliteDir, "nested", "store.sqlite");
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));

storeContract({ name: "memory", open: async () => openMemoryStore(silentLogger), persistent: false });
storeContract({ name: "sqlite", open: () => openStore(`sqlite://${sqliteFile}`, silentLogger), persistent: true });
storeContract({
  name: "redis",
  open: () => openStore(redisTestUrl, silentLogger),
  persistent: true,
  available: () => serviceAvailable("Redis", 6379),
});
storeContract({
  name: "postgres",
  open: () => openStore(postgresTestUrl, silentLogger),
  persistent: true,
  available: () => serviceAvailable("PostgreSQL", 5432),
});

describe("CachedStore", () => {
  it("GIVEN a write that fails THEN the next read goes to the store instead of trusting the cache", async () => {
    const inner = openMemoryStore(silentLogger);
    await inner.set("k", "old");
    const cached = new CachedStore(inner);
    expect(await cached.get("k")).toBe("old");
    inner.set = async () => {
      throw new StoreError("write refused");
    };
    await expect(cached.set("k", "new")).rejects.toThrow("write refused");
    expect(await cached.get("k")).toBe("old");
  });

  it("GIVEN a caller that changes what it read or wrote THEN the change throws and the cache is unchanged", async () => {
    const cached = new CachedStore(openMemoryStore(silentLogger));
    const written = { list: [1] };
    await cached.set("doc", written);
    expect(() => written.list.push(2)).toThrow(TypeError);
    const read = (await cached.get("doc")) as { list: number[] };
    expect(() => read.list.push(3)).toThrow(TypeError);
    expect(await cached.get("doc")).toEqual({ list: [1] });
  });

  it("GIVEN a write that lands while a read is in flight THEN the older value read never fills the cache", async () => {
    const inner = openMemoryStore(silentLogger);
    await inner.set("k", "old");
    let releaseRead: () => void = () => {};
    const slowGet = inner.get.bind(inner);
    inner.get = async (key) => {
      const value = await slowGet(key);
      await new Promise<void>((resolve) => {
        releaseRead = resolve;
      });
      return value;
    };
    const cached = new CachedStore(inner);
    const read = cached.get("k");
    await new Promise((resolve) => setImmediate(resolve));
    await cached.set("k", "new");
    releaseRead();
    expect(await read).toBe("old");
    inner.get = slowGet;
    expect(await cached.get("k")).toBe("new");
  });

  it("GIVEN more keys than it may hold THEN the oldest are dropped and still read from the store", async () => {
    const inner = openMemoryStore(silentLogger);
    const cached = new CachedStore(inner, 2);
    await cached.set("a", 1);
    await cached.set("b", 2);
    await cached.set("c", 3);
    await inner.set("a", 10); // only visible if "a" was evicted
    expect(await cached.get("a")).toBe(10);
    expect(await cached.get("c")).toBe(3);
  });
});

describe("CachedStore during a write", () => {
  it("GIVEN a read that starts while a write is in flight THEN whatever it reads is not cached", async () => {
    const inner = openMemoryStore(silentLogger);
    await inner.set("k", "old");
    const realSet = inner.set.bind(inner);
    let finishWrite: () => void = () => {};
    // The backend applies the write only when told to, so a read in between sees the old value.
    inner.set = (key, value) =>
      new Promise<void>((resolve) => {
        finishWrite = () => void realSet(key, value).then(resolve);
      });
    const cached = new CachedStore(inner);
    const write = cached.set("k", "new");
    expect(await cached.get("k")).toBe("old");
    finishWrite();
    await write;
    expect(await cached.get("k")).toBe("new");
  });
});

describe("openStore", () => {
  it("GIVEN an unknown scheme THEN it says which URLs work", async () => {
    await expect(openStore("mongodb://x", silentLogger)).rejects.toThrow(
      'Cannot open STORE_URL=mongodb://x: unsupported scheme "mongodb": use sqlite://PATH, redis://HOST:PORT or postgres://USER:PASS@HOST:5432/DB',
    );
  });

  it("GIVEN a Redis URL nothing answers on THEN opening fails with a message naming STORE_URL", async () => {
    await expect(openStore("redis://127.0.0.1:1/0", silentLogger)).rejects.toThrow(
      "Cannot open STORE_URL=redis://127.0.0.1:1/0: Redis did not answer within 3000 ms",
    );
  });

  it("GIVEN Redis opened and closed THEN no timer of it is left to keep a one-shot process alive", async () => {
    if (!(await serviceAvailable("Redis", 6379))) return;
    // A fresh process has no timers of its own, so whatever is left after close is the store's.
    const script = `
      import { openStore } from "./src/store/open-store.ts";
      import { silentLogger } from "./src/logger.ts";
      const store = await openStore(${JSON.stringify(redisTestUrl)}, silentLogger);
      await store.get("startup-probe");
      await store.close();
      console.log(JSON.stringify(process.getActiveResourcesInfo()));`;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, ".."),
    });
    expect(JSON.parse(stdout)).not.toContain("Timeout");
  });

  it("GIVEN a PostgreSQL URL nothing listens on THEN the message names STORE_URL without its password", async () => {
    const opening = openStore("postgres://bot:s3cret@127.0.0.1:1/roadmap", silentLogger);
    await expect(opening).rejects.toThrow(
      "Cannot open STORE_URL=postgres://bot:***@127.0.0.1:1/roadmap: connect ECONNREFUSED 127.0.0.1:1",
    );
    await expect(opening).rejects.not.toThrow("s3cret");
  });

  it("GIVEN a server that accepts PostgreSQL connections but never answers THEN opening gives up after 3 s", async () => {
    const sockets = new Set<Socket>();
    const server = createServer((socket) => sockets.add(socket));
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    const { port } = server.address() as AddressInfo;
    try {
      await expect(openStore(`postgresql://bot@127.0.0.1:${port}/roadmap`, silentLogger)).rejects.toThrow(
        `Cannot open STORE_URL=postgresql://bot@127.0.0.1:${port}/roadmap: PostgreSQL did not answer within 3000 ms`,
      );
    } finally {
      for (const socket of sockets) socket.destroy();
      server.close();
    }
  });

  it("GIVEN a schema that is not a plain lowercase SQL name THEN it is refused before connecting", async () => {
    await expect(openStore("postgres://bot@127.0.0.1:1/roadmap?schema=Bot;drop", silentLogger)).rejects.toThrow(
      'Cannot open STORE_URL=postgres://bot@127.0.0.1:1/roadmap?schema=Bot;drop: schema "Bot;drop" must be a lowercase SQL name such as roadmap_bot',
    );
  });

  it("GIVEN PostgreSQL opened, locked and closed THEN no timer or connection of it keeps a one-shot process alive", async () => {
    if (!(await serviceAvailable("PostgreSQL", 5432))) return;
    const script = `
      import { openStore } from "./src/store/open-store.ts";
      import { silentLogger } from "./src/logger.ts";
      const store = await openStore(${JSON.stringify(postgresTestUrl)}, silentLogger);
      await store.withLock("startup-probe", () => store.get("startup-probe"));
      await store.close();
      console.log(JSON.stringify(process.getActiveResourcesInfo()));`;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, ".."),
    });
    expect(JSON.parse(stdout)).not.toContain("Timeout");
  });
});

/** A promise the test resolves when it likes, to keep a lock held. */
function gate(): { opened: Promise<void>; open: () => void } {
  let open: () => void = () => {};
  const opened = new Promise<void>((resolve) => {
    open = resolve;
  });
  return { opened, open };
}

/** Polls until check returns a value, for at most 2 s. */
async function eventually<T>(check: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + 2_000;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error("gave up waiting");
    await sleep(10);
  }
}

const { Client } = pg as { Client: new (config: object) => PgLockClient };
/** The test database without the schema parameter, which is ours, not pg's. */
const postgresTestDatabase = postgresTestUrl.replace(/\?.*$/, "");

describe("PostgreSQL locks across two processes", async () => {
  const available = await serviceAvailable("PostgreSQL", 5432);
  const run = randomUUID();
  const key = (name: string) => `lock-test:${run}:${name}`;
  // Two stores on one URL, as two bot processes would open them: each has its own lock connection.
  let a: Store;
  let b: Store;
  /** Sees pg_locks and ends backends, as an operator (or a network failure) would. */
  let admin: PgLockClient;

  beforeAll(async () => {
    if (!available) return;
    [a, b] = await Promise.all([openStore(postgresTestUrl, silentLogger), openStore(postgresTestUrl, silentLogger)]);
    admin = new Client({ connectionString: postgresTestDatabase });
    await admin.connect();
  });
  afterAll(async () => {
    if (!available) return;
    await admin.query(`DELETE FROM ${postgresTestSchema}.keyv WHERE key LIKE $1`, [`roadmap-bot:lock-test:${run}:%`]);
    await Promise.all([a.close(), b.close(), admin.end()]);
  });

  /** The backend holding a key's advisory lock, if any. */
  const holder = async (lockKey: string): Promise<number | undefined> => {
    const { rows } = await admin.query(
      `SELECT pid FROM pg_locks
        WHERE locktype = 'advisory' AND granted AND objsubid = 1
          AND database = (SELECT oid FROM pg_database WHERE datname = current_database())
          AND ((classid::bigint << 32) | objid::bigint) = $1::bigint`,
      [advisoryLockId("roadmap-bot:lock:", lockKey)],
    );
    return rows[0]?.pid as number | undefined;
  };
  const terminate = (pid: number) => admin.query("SELECT pg_terminate_backend($1)", [pid]);

  it.skipIf(!available)("GIVEN 100 concurrent read-modify-writes from both processes THEN none is lost", async () => {
    const counter = key("counter");
    await Promise.all(
      Array.from({ length: 100 }, (_, i) => {
        const store = i % 2 === 0 ? a : b;
        return store.withLock(counter, async () => {
          const current = ((await store.get(counter)) as number | undefined) ?? 0;
          await store.set(counter, current + 1);
        });
      }),
    );
    expect(await a.get(counter)).toBe(100);
  });

  it.skipIf(!available)("GIVEN a lock held by one process THEN the other waits until it is released", async () => {
    const lockKey = key("held");
    const events: string[] = [];
    const release = gate();
    const first = a.withLock(lockKey, async () => {
      events.push("a holds");
      await release.opened;
      events.push("a releases");
    });
    await eventually(() => holder(lockKey));
    const second = b.withLock(lockKey, async () => {
      events.push("b holds");
    });
    await sleep(300);
    expect(events).toEqual(["a holds"]);
    release.open();
    await Promise.all([first, second]);
    expect(events).toEqual(["a holds", "a releases", "b holds"]);
    expect(await holder(lockKey)).toBeUndefined();
  });

  it.skipIf(!available)(
    "GIVEN the lock connection of the holder killed THEN the server releases the lock, and the holder reconnects on next use",
    async () => {
      const lockKey = key("killed");
      const release = gate();
      const first = a.withLock(lockKey, async () => {
        await release.opened;
        return "a finished";
      });
      const killed = await eventually(() => holder(lockKey));
      const second = b.withLock(lockKey, async () => "b got it");
      await terminate(killed);
      // b gets the lock while a's work is still running: the server let go of it with the session.
      await expect(second).resolves.toBe("b got it");
      release.open();
      await expect(first).resolves.toBe("a finished");
      const again = await a.withLock(lockKey, () => holder(lockKey));
      expect(again).toBeTypeOf("number");
      expect(again).not.toBe(killed);
    },
  );

  it.skipIf(!available)(
    "GIVEN a call waiting for a lock when its connection is killed THEN it fails with a StoreError instead of hanging",
    async () => {
      const outer = key("outer");
      const inner = key("inner");
      const release = gate();
      const holding = a.withLock(inner, () => release.opened);
      await eventually(() => holder(inner));
      let waiting = false;
      // The nesting a command does: b holds one lock and waits for the next on the same connection.
      const nested = b.withLock(outer, () => {
        waiting = true;
        return b.withLock(inner, async () => "never");
      });
      const pid = await eventually(() => holder(outer));
      await eventually(async () => (waiting ? true : undefined));
      await sleep(50);
      await terminate(pid);
      await expect(nested).rejects.toThrow(StoreError);
      await expect(nested).rejects.toThrow(/Lost the PostgreSQL lock connection while waiting for lock/);
      release.open();
      await holding;
      await expect(b.withLock(inner, async () => "reconnected")).resolves.toBe("reconnected");
    },
  );

  it.skipIf(!available)(
    "GIVEN a value written THEN its row is the key with one namespace prefix, in the URL's schema",
    async () => {
      await a.set(key("row"), { n: 1 });
      const { rows } = await admin.query(`SELECT value FROM ${postgresTestSchema}.keyv WHERE key = $1`, [
        `roadmap-bot:${key("row")}`,
      ]);
      expect(rows).toEqual([{ value: JSON.stringify({ value: { n: 1 } }) }]);
    },
  );
});

describe("PgLock", async () => {
  const available = await serviceAvailable("PostgreSQL", 5432);
  const newClient = () => new Client({ connectionString: postgresTestDatabase });

  it.skipIf(!available)(
    "GIVEN a lock busy longer than the wait limit THEN the waiter fails with a StoreError",
    async () => {
      const scope = `pg-lock-test:${randomUUID()}:`;
      const one = new PgLock(newClient, scope, silentLogger, { waitMs: 200 });
      const two = new PgLock(newClient, scope, silentLogger, { waitMs: 200 });
      try {
        const release = gate();
        let held = false;
        const holding = one.run("k", async () => {
          held = true;
          await release.opened;
        });
        await eventually(async () => (held ? true : undefined));
        await expect(two.run("k", async () => "two")).rejects.toThrow("Timed out after 200 ms waiting for lock k");
        release.open();
        await holding;
        await expect(two.run("k", async () => "two")).resolves.toBe("two");
      } finally {
        await Promise.all([one.close(), two.close()]);
      }
    },
  );

  it.skipIf(!available)(
    "GIVEN a key this process already holds THEN run refuses it instead of re-entering",
    async () => {
      const lock = new PgLock(newClient, `pg-lock-test:${randomUUID()}:`, silentLogger);
      try {
        await expect(lock.run("k", () => lock.run("k", async () => "inside"))).rejects.toThrow(
          "Lock k is already taken in this process",
        );
        await expect(lock.run("k", async () => "after")).resolves.toBe("after");
      } finally {
        await lock.close();
      }
    },
  );
});
