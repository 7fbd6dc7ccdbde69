import Keyv from "keyv";
import { describe, expect, it } from "vitest";
import { BatchedSqlite } from "../src/store/batched-sqlite.ts";
import { withTempDir } from "./helpers.ts";

describe("BatchedSqlite (group commit)", () => {
  it("GIVEN 1,000 concurrent writes THEN every one is committed when it resolves, and a key's last write wins", async () => {
    await withTempDir(async (dir) => {
      const sqlite = new BatchedSqlite({ uri: `sqlite://${dir}/batch.sqlite` });
      const keyv = new Keyv({ store: sqlite, namespace: "t" });
      try {
        const writes = Array.from({ length: 1_000 }, (_, i) => keyv.set(`k${i % 300}`, { i }));
        expect(await Promise.all(writes)).toEqual(writes.map(() => true));
        // A fresh connection reads what was committed, not what a cache remembers.
        const reader = new Keyv({ store: new BatchedSqlite({ uri: `sqlite://${dir}/batch.sqlite` }), namespace: "t" });
        for (const k of [0, 1, 299]) expect(await reader.get(`k${k}`)).toEqual({ i: 900 + k - (k >= 100 ? 300 : 0) });
        expect(await reader.get("k150")).toEqual({ i: 750 });
        await reader.disconnect();
      } finally {
        await keyv.disconnect();
      }
    });
  });

  it("GIVEN a batch that cannot be written THEN each of its writes rejects and later writes still go through", async () => {
    await withTempDir(async (dir) => {
      const sqlite = new BatchedSqlite({ uri: `sqlite://${dir}/batch.sqlite` });
      const keyv = new Keyv({ store: sqlite, namespace: "t" });
      keyv.throwOnErrors = true;
      try {
        await keyv.set("ok", 1);
        await sqlite.query("DROP TABLE keyv");
        await expect(keyv.set("lost", 2)).rejects.toThrow(/no such table/);
        await sqlite.query("CREATE TABLE keyv(key VARCHAR(255) PRIMARY KEY, value TEXT)");
        expect(await keyv.set("after", 3)).toBe(true);
        expect(await keyv.get("after")).toBe(3);
      } finally {
        await keyv.disconnect();
      }
    });
  });
});
