import { randomUUID } from "node:crypto";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { redisTestUrl, serviceAvailable } from "./services.ts";

const t0 = new Date("2026-11-26T08:00:00Z");
const later = (minutes: number) => new Date(t0.getTime() + minutes * 60_000);

describe("PostLedger", () => {
  it("GIVEN a first claim THEN it is granted; a second instance finds the slot taken", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger);
    expect(await ledger.claim("sub-1", "2026-11-26", "a", t0)).toEqual({ kind: "claimed" });
    expect(await ledger.claim("sub-1", "2026-11-26", "b", later(1))).toMatchObject({
      kind: "taken",
      entry: { by: "a" },
    });
    expect(await ledger.claim("sub-1", "2026-11-27", "b", later(1))).toEqual({ kind: "claimed" });
  });

  it("GIVEN a posted slot THEN no instance may claim it again, however late", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger);
    await ledger.claim("sub-1", "2026-11-26", "a", t0);
    await ledger.posted("sub-1", "2026-11-26", "a", "msg-1", later(1));
    for (const instance of ["a", "b"]) {
      expect(await ledger.claim("sub-1", "2026-11-26", instance, later(600))).toMatchObject({
        kind: "already-posted",
        entry: { ref: "msg-1" },
      });
    }
  });

  it("GIVEN a claim whose instance died before posting THEN another may take it once it is stale", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger, 10 * 60_000);
    await ledger.claim("sub-1", "2026-11-26", "crashed", t0);
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(9))).kind).toBe("taken");
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(11))).kind).toBe("claimed");
  });

  it("GIVEN a passing failure THEN the slot is retried after the delay, up to the attempt limit", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger, 10 * 60_000, 15 * 60_000, 3);
    const failure = { error: "internal_error", permanent: false };
    await ledger.claim("sub-1", "2026-11-26", "a", t0);
    await ledger.failed("sub-1", "2026-11-26", "a", failure, later(1));
    expect(await ledger.entry("sub-1", "2026-11-26")).toMatchObject({ state: "failed", attempts: 1 });
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(2))).kind).toBe("retry-later");
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(16))).kind).toBe("claimed");
    await ledger.failed("sub-1", "2026-11-26", "b", failure, later(17));
    expect((await ledger.claim("sub-1", "2026-11-26", "a", later(40))).kind).toBe("claimed");
    await ledger.failed("sub-1", "2026-11-26", "a", failure, later(41));
    expect(await ledger.entry("sub-1", "2026-11-26")).toMatchObject({ attempts: 3 });
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(120))).kind).toBe("given-up");
  });

  it("GIVEN a permanent failure THEN the slot is not tried again that day, but the next day is", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger);
    await ledger.claim("sub-1", "2026-11-26", "a", t0);
    await ledger.failed("sub-1", "2026-11-26", "a", { error: "channel_not_found", permanent: true }, later(1));
    expect((await ledger.claim("sub-1", "2026-11-26", "b", later(600))).kind).toBe("given-up");
    expect((await ledger.claim("sub-1", "2026-11-27", "b", later(1440))).kind).toBe("claimed");
  });

  it("GIVEN a corrupt entry THEN it reads as absent and the slot can be claimed", async () => {
    const store = openMemoryStore(silentLogger);
    await store.set(keys.postLedger("sub-1", "2026-11-26"), { state: "maybe" });
    const ledger = new PostLedger(store, silentLogger);
    expect((await ledger.claim("sub-1", "2026-11-26", "a", t0)).kind).toBe("claimed");
  });
});

describe("PostLedger across instances sharing Redis", async () => {
  const available = await serviceAvailable("Redis", 6379);

  it.skipIf(!available)(
    "GIVEN three instances claiming 30 days of 20 subscriptions at once THEN each slot is claimed exactly once",
    async () => {
      const stores = await Promise.all([1, 2, 3].map(() => openStore(redisTestUrl, silentLogger)));
      const run = randomUUID();
      try {
        const ledgers = stores.map((store) => new PostLedger(store, silentLogger));
        const slots = Array.from({ length: 30 }, (_, day) =>
          Array.from({ length: 20 }, (_, sub) => ({
            sub: `${run}-${sub}`,
            date: `2026-12-${String(day + 1).padStart(2, "0")}`,
          })),
        ).flat();
        const winners = await Promise.all(
          slots.map(async ({ sub, date }) => {
            const claims = await Promise.all(ledgers.map((ledger, i) => ledger.claim(sub, date, `instance-${i}`, t0)));
            return claims.filter((claim) => claim.kind === "claimed").length;
          }),
        );
        expect(winners.filter((count) => count !== 1)).toEqual([]);
        expect(winners).toHaveLength(600);
      } finally {
        const [first] = stores;
        for (let sub = 0; sub < 20; sub++) {
          for (let day = 1; day <= 30; day++) {
            await first?.delete(keys.postLedger(`${run}-${sub}`, `2026-12-${String(day).padStart(2, "0")}`));
          }
        }
        for (const store of stores) await store.close();
      }
    },
  );
});
