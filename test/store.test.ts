import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { promisify } from "node:util";
import { afterAll, describe, expect, it } from "vitest";
import { silentLogger } from "../src/core/logger.ts";
import { CachedStore } from "../src/store/cached-store.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { StoreError } from "../src/store/store.ts";
import { storeContract } from "./contract/store.contract.ts";
import { redisTestUrl, serviceAvailable } from "./services.ts";

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
      'Cannot open STORE_URL=mongodb://x: unsupported scheme "mongodb": use sqlite://PATH or redis://HOST:PORT',
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
      import { silentLogger } from "./src/core/logger.ts";
      const store = await openStore(${JSON.stringify(redisTestUrl)}, silentLogger);
      await store.get("startup-probe");
      await store.close();
      console.log(JSON.stringify(process.getActiveResourcesInfo()));`;
    const { stdout } = await run(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, ".."),
    });
    expect(JSON.parse(stdout)).not.toContain("Timeout");
  });
});
