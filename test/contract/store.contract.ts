import { randomUUID } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { silentLogger } from "../../src/logger.ts";
import { ProgressRepository } from "../../src/progress/progress-repository.ts";
import { keys } from "../../src/store/keys.ts";
import { type Store, StoreError } from "../../src/store/store.ts";
import { fixedNow, shippedRoadmaps } from "../helpers.ts";

export interface StoreUnderTest {
  name: string;
  /** Opens the store; the same factory called twice reaches the same data when `persistent`. */
  open(): Promise<Store>;
  persistent: boolean;
  /** False skips the suite (a server that is not running locally). */
  available?: () => Promise<boolean>;
}

/** One suite, run against every Store implementation: what the rest of the bot relies on. */
export function storeContract(subject: StoreUnderTest): void {
  describe(`Store contract: ${subject.name}`, async () => {
    const available = subject.available ? await subject.available() : true;
    let store: Store;
    // Every run writes under fresh ids, so runs on a shared server never see each other's data.
    const run = randomUUID();
    const written = new Set<string>();
    const key = (name: string) => {
      const built = `contract:${run}:${name}`;
      written.add(built);
      return built;
    };

    beforeAll(async () => {
      if (available) store = await subject.open();
    });
    afterAll(async () => {
      if (!available) return;
      for (const each of written) await store.delete(each);
      await store.close();
    });

    it.skipIf(!available)("GIVEN a key never written THEN get resolves undefined", async () => {
      expect(await store.get(key("missing"))).toBeUndefined();
    });

    it.skipIf(!available)("GIVEN a JSON document THEN it reads back equal, unicode and nesting included", async () => {
      const value = {
        topics: { "helm-templating": { status: "done", since: "2026-03-02T10:00:00.000Z" } },
        note: "Blue/Green → ✅",
      };
      await store.set(key("doc"), value);
      expect(await store.get(key("doc"))).toEqual(value);
    });

    it.skipIf(!available)("GIVEN a second set THEN it replaces the first", async () => {
      await store.set(key("twice"), { n: 1 });
      await store.set(key("twice"), { n: 2 });
      expect(await store.get(key("twice"))).toEqual({ n: 2 });
    });

    it.skipIf(!available)("GIVEN delete THEN the key is gone, and deleting again is fine", async () => {
      await store.set(key("gone"), 1);
      await store.delete(key("gone"));
      expect(await store.get(key("gone"))).toBeUndefined();
      await expect(store.delete(key("gone"))).resolves.toBeUndefined();
    });

    it.skipIf(!available)("GIVEN ids that contain the key separator THEN their keys stay apart", async () => {
      const a = keys.progress("rm", { platform: "slack", userId: `${run}:x` });
      const b = keys.progress("rm", { platform: `slack:${run}`, userId: "x" });
      written.add(a).add(b);
      expect(a).not.toBe(b);
      await store.set(a, "a");
      await store.set(b, "b");
      expect([await store.get(a), await store.get(b)]).toEqual(["a", "b"]);
    });

    it.skipIf(!available)(
      "GIVEN writeAll with saves and removals THEN each reads back, removed keys are gone and a key's later write wins",
      async () => {
        await store.set(key("all-removed"), { n: 1 });
        await store.set(key("all-replaced"), { n: 1 });
        await store.writeAll([
          { key: key("all-new"), value: { topics: { "helm-templating": "done" }, note: "→ ✅" } },
          { key: key("all-replaced"), value: { n: 2 } },
          { key: key("all-removed") },
          { key: key("all-never-there") },
          { key: key("all-twice"), value: "first" },
          { key: key("all-twice"), value: "second" },
          { key: key("all-back"), value: 1 },
          { key: key("all-back") },
        ]);
        expect(await store.get(key("all-new"))).toEqual({ topics: { "helm-templating": "done" }, note: "→ ✅" });
        expect(await store.get(key("all-replaced"))).toEqual({ n: 2 });
        expect(await store.get(key("all-removed"))).toBeUndefined();
        expect(await store.get(key("all-never-there"))).toBeUndefined();
        expect(await store.get(key("all-twice"))).toBe("second");
        expect(await store.get(key("all-back"))).toBeUndefined();
        await expect(store.writeAll([])).resolves.toBeUndefined();
      },
    );

    it.skipIf(!available)(
      "GIVEN writeAll with one value that cannot be stored THEN it rejects and none of its writes lands",
      async () => {
        await store.set(key("unit-kept"), "before");
        await store.set(key("unit-not-removed"), "before");
        const refused = store.writeAll([
          { key: key("unit-kept"), value: "after" },
          { key: key("unit-not-removed") },
          { key: key("unit-fresh"), value: { fine: true } },
          { key: key("unit-bad"), value: { count: 10n } },
        ]);
        await expect(refused).rejects.toThrow(StoreError);
        expect(await store.get(key("unit-kept"))).toBe("before");
        expect(await store.get(key("unit-not-removed"))).toBe("before");
        expect(await store.get(key("unit-fresh"))).toBeUndefined();
        expect(await store.get(key("unit-bad"))).toBeUndefined();
      },
    );

    it.skipIf(!available)(
      "GIVEN 50 read-modify-writes under withLock, each moving one unit between two keys with writeAll THEN each is seen whole by the next and none is lost",
      async () => {
        const [a, b] = [key("move-a"), key("move-b")];
        await store.writeAll([
          { key: a, value: 50 },
          { key: b, value: 0 },
        ]);
        await Promise.all(
          Array.from({ length: 50 }, () =>
            store.withLock(key("move-lock"), async () => {
              const [from, to] = [(await store.get(a)) as number, (await store.get(b)) as number];
              await store.writeAll([
                { key: a, value: from - 1 },
                { key: b, value: to + 1 },
              ]);
            }),
          ),
        );
        expect([await store.get(a), await store.get(b)]).toEqual([0, 50]);
      },
    );

    it.skipIf(!available)("GIVEN 100 concurrent read-modify-writes under withLock THEN none is lost", async () => {
      const counter = key("counter");
      await Promise.all(
        Array.from({ length: 100 }, () =>
          store.withLock(counter, async () => {
            const current = ((await store.get(counter)) as number | undefined) ?? 0;
            await store.set(counter, current + 1);
          }),
        ),
      );
      expect(await store.get(counter)).toBe(100);
    });

    it.skipIf(!available)("GIVEN a failing task inside withLock THEN the lock is released for the next", async () => {
      await expect(store.withLock(key("lock"), async () => Promise.reject(new Error("boom")))).rejects.toThrow("boom");
      await expect(store.withLock(key("lock"), async () => "next")).resolves.toBe("next");
    });

    it.skipIf(!available)("GIVEN one person marking 100 topics at once THEN exactly 100 are done", async () => {
      const [roadmap] = await shippedRoadmaps();
      if (!roadmap) throw new Error("no roadmap");
      const progress = new ProgressRepository(store, silentLogger);
      const person = { platform: "contract", userId: run };
      written.add(keys.progress(roadmap.id, person));
      const topics = roadmap.topics.slice(0, 100);
      await Promise.all(topics.map((topic) => progress.setStatus(roadmap, person, topic.id, "done", fixedNow)));
      const mine = await progress.load(roadmap, person);
      expect([...mine.topics.values()].filter((record) => record.status === "done")).toHaveLength(100);
    });

    // Only stores that keep data beyond one instance promise this; the in-memory one does not.
    if (subject.persistent) {
      it.skipIf(!available)("GIVEN a value written THEN a newly opened store reads it back", async () => {
        await store.set(key("durable"), { kept: true });
        const other = await subject.open();
        try {
          expect(await other.get(key("durable"))).toEqual({ kept: true });
        } finally {
          await other.close();
        }
      });
    }
  });
}
