import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import Keyv from "keyv";
// @ts-expect-error -- pg ships no type declarations and @types/pg is not a dependency; cast below.
import pg from "pg";
import { afterAll, describe, expect, it, vi } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { BatchedSqlite } from "../src/store/batched-sqlite.ts";
import { CachedStore } from "../src/store/cached-store.ts";
import { KeyvStore } from "../src/store/keyv-store.ts";
import { namespace } from "../src/store/namespace.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { type Store, StoreError } from "../src/store/store.ts";
import { postgresTestSchema, postgresTestUrl, redisTestUrl, serviceAvailable } from "./services.ts";
import { scanStore } from "./store-scan.ts";

// What every store must do with writeAll is in test/contract/store.contract.ts; this file covers
// how each backend keeps it whole, and that its rows are the very rows keyv.set writes.

const dir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-write-all-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));
const run = `${process.pid.toString(36)}x${Date.now().toString(36)}`;

interface PgClient {
  connect(): Promise<unknown>;
  query(text: string, values?: unknown[]): Promise<{ rows: { key: string; value: string }[] }>;
  end(): Promise<void>;
}
const { Client } = pg as { Client: new (config: object) => PgClient };

/** The raw rows of keys in PostgreSQL's keyv table, read past the store. */
async function postgresRows(keys: readonly string[]): Promise<Map<string, string>> {
  const client = new Client({ connectionString: postgresTestUrl.replace(/\?.*$/, "") });
  await client.connect();
  try {
    const { rows } = await client.query(`SELECT key, value FROM ${postgresTestSchema}.keyv WHERE key = ANY($1)`, [
      keys.map((key) => `${namespace}:${key}`),
    ]);
    return new Map(rows.map((row) => [row.key.slice(namespace.length + 1), row.value]));
  } finally {
    await client.end();
  }
}

describe("writeAll stores rows exactly as keyv.set does", async () => {
  const stores: { name: string; open: () => Promise<Store>; available: boolean }[] = [
    { name: "memory", open: async () => openMemoryStore(silentLogger), available: true },
    {
      name: "sqlite",
      open: () => openStore(`sqlite://${path.join(dir, "rows.sqlite")}`, silentLogger),
      available: true,
    },
    {
      name: "redis",
      open: () => openStore(redisTestUrl, silentLogger),
      available: await serviceAvailable("Redis", 6379),
    },
    {
      name: "postgres",
      open: () => openStore(postgresTestUrl, silentLogger),
      available: await serviceAvailable("PostgreSQL", 5432),
    },
  ];
  for (const subject of stores) {
    it.skipIf(!subject.available)(
      `GIVEN ${subject.name} THEN a value written by writeAll is stored byte for byte like set's`,
      async () => {
        const store = await subject.open();
        const value = { topics: { ":colon": { status: "done" } }, note: ":starts with a colon → ✅", n: [1, null] };
        const [bySet, byWriteAll] = [`write-all:${run}:set`, `write-all:${run}:all`];
        try {
          await store.set(bySet, value);
          await store.writeAll([{ key: byWriteAll, value }]);
          let raw: Map<string, string>;
          if (subject.name === "postgres") raw = await postgresRows([bySet, byWriteAll]);
          else {
            const entries = await scanStore(store);
            const unprefixed = (key: string) => key.slice(key.indexOf(`write-all:${run}`));
            raw = new Map(
              entries.filter((e) => e.key.includes(`write-all:${run}`)).map((e) => [unprefixed(e.key), e.value]),
            );
            // Both keys carry the same namespace prefix as well.
            const prefixes = entries
              .filter((e) => e.key.includes(`write-all:${run}`))
              .map((e) => e.key.split("write-all:")[0]);
            expect(new Set(prefixes).size).toBe(1);
          }
          expect(raw.get(bySet)).toBeTypeOf("string");
          expect(raw.get(byWriteAll)).toBe(raw.get(bySet));
          expect(await store.get(byWriteAll)).toEqual(value);
        } finally {
          await store.writeAll([{ key: bySet }, { key: byWriteAll }]);
          await store.close();
        }
      },
    );
  }
});

describe("writeAll on SQLite: one transaction", () => {
  /** A store on its own BatchedSqlite, whose statements the test can see and break. */
  function sqliteStore(file: string) {
    const sqlite = new BatchedSqlite({ uri: `sqlite://${path.join(dir, file)}` });
    const store = new KeyvStore(new Keyv({ store: sqlite, namespace }), "sqlite", silentLogger);
    const sent: string[] = [];
    const query = sqlite.query;
    let failOn: RegExp | undefined;
    let gate: Promise<void> | undefined;
    sqlite.query = async (sql: string, ...parameters: unknown[]) => {
      if (/^\s*SELECT/.test(sql)) return query(sql, ...parameters);
      sent.push(sql.trim().split(/\s+/)[0] ?? "");
      await gate;
      if (failOn?.test(sql)) throw new Error(`refused: ${sql.slice(0, 20)}`);
      return query(sql, ...parameters);
    };
    /** Holds every statement sent from now until the returned function is called. */
    const hold = () => {
      let open = () => {};
      gate = new Promise<void>((resolve) => {
        open = resolve;
      });
      return () => {
        gate = undefined;
        open();
      };
    };
    return { store, sent, hold, failOn: (pattern: RegExp | undefined) => (failOn = pattern) };
  }

  it("GIVEN the removals fail after the saves ran THEN the saves are rolled back and the next writeAll works", async () => {
    const { store, sent, failOn } = sqliteStore("rollback.sqlite");
    try {
      await store.writeAll([
        { key: "kept", value: "before" },
        { key: "removed", value: "before" },
      ]);
      failOn(/^\s*DELETE/);
      sent.length = 0;
      await expect(
        store.writeAll([{ key: "kept", value: "after" }, { key: "fresh", value: 1 }, { key: "removed" }]),
      ).rejects.toThrow(StoreError);
      expect(sent).toEqual(["BEGIN", "INSERT", "DELETE", "ROLLBACK"]);
      expect([await store.get("kept"), await store.get("fresh"), await store.get("removed")]).toEqual([
        "before",
        undefined,
        "before",
      ]);
      failOn(undefined);
      await store.writeAll([{ key: "kept", value: "after" }, { key: "removed" }]);
      expect([await store.get("kept"), await store.get("removed")]).toEqual(["after", undefined]);
    } finally {
      await store.close();
    }
  });

  it("GIVEN a set, a delete and a writeAll sent while another write commits THEN they go after it in one transaction", async () => {
    const { store, sent, hold } = sqliteStore("queue.sqlite");
    try {
      await store.set("a", 1);
      sent.length = 0;
      const release = hold();
      const first = store.set("first", 0);
      await vi.waitFor(() => expect(sent).toEqual(["INSERT"]));
      const queued = Promise.all([
        store.set("b", 2),
        store.delete("a"),
        store.writeAll([
          { key: "c", value: 3 },
          { key: "b", value: 4 },
        ]),
      ]);
      release();
      await Promise.all([first, queued]);
      expect(sent).toEqual(["INSERT", "BEGIN", "INSERT", "DELETE", "COMMIT"]);
      expect([await store.get("a"), await store.get("b"), await store.get("c")]).toEqual([undefined, 4, 3]);
    } finally {
      await store.close();
    }
  });

  it("GIVEN only removals, or only saves THEN each is a single statement", async () => {
    const { store, sent } = sqliteStore("single.sqlite");
    try {
      await store.writeAll([
        { key: "a", value: 1 },
        { key: "b", value: 2 },
      ]);
      await store.writeAll([{ key: "a" }, { key: "b" }]);
      expect(sent).toEqual(["INSERT", "DELETE"]);
      expect([await store.get("a"), await store.get("b")]).toEqual([undefined, undefined]);
    } finally {
      await store.close();
    }
  });
});

describe("writeAll on PostgreSQL: one statement", async () => {
  const available = await serviceAvailable("PostgreSQL", 5432);

  it.skipIf(!available)(
    "GIVEN one key the table refuses (over 255 characters) THEN none of the writes lands",
    async () => {
      const store = await openStore(postgresTestUrl, silentLogger);
      const key = (name: string) => `write-all:${run}:${name}`;
      try {
        await store.writeAll([
          { key: key("kept"), value: "before" },
          { key: key("removed"), value: "before" },
        ]);
        await expect(
          store.writeAll([
            { key: key("kept"), value: "after" },
            { key: key("removed") },
            { key: key("x".repeat(300)), value: "too long a key" },
          ]),
        ).rejects.toThrow(StoreError);
        expect([await store.get(key("kept")), await store.get(key("removed"))]).toEqual(["before", "before"]);
      } finally {
        await store.writeAll([{ key: key("kept") }, { key: key("removed") }]);
        await store.close();
      }
    },
  );
});

describe("CachedStore.writeAll", () => {
  it("GIVEN a writeAll that fails THEN the next reads go to the store instead of trusting the cache", async () => {
    const inner = openMemoryStore(silentLogger);
    await inner.writeAll([
      { key: "a", value: "old" },
      { key: "b", value: "old" },
    ]);
    const cached = new CachedStore(inner);
    expect([await cached.get("a"), await cached.get("b")]).toEqual(["old", "old"]);
    inner.writeAll = async () => {
      throw new StoreError("write refused");
    };
    await expect(cached.writeAll([{ key: "a", value: "new" }, { key: "b" }])).rejects.toThrow("write refused");
    await inner.set("a", "changed behind the cache");
    expect([await cached.get("a"), await cached.get("b")]).toEqual(["changed behind the cache", "old"]);
  });

  it("GIVEN a writeAll that lands THEN its values are served from the cache and its removals read as missing", async () => {
    const inner = openMemoryStore(silentLogger);
    await inner.set("gone", "old");
    const cached = new CachedStore(inner);
    expect(await cached.get("gone")).toBe("old");
    await cached.writeAll([{ key: "kept", value: { n: 1 } }, { key: "gone" }]);
    const reads: string[] = [];
    const read = inner.get.bind(inner);
    inner.get = (key) => {
      reads.push(key);
      return read(key);
    };
    expect(await cached.get("kept")).toEqual({ n: 1 });
    expect(await cached.get("gone")).toBeUndefined();
    expect(reads).toEqual(["gone"]);
  });
});
