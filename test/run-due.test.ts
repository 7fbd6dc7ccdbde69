import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import { runDue, type ScheduledPost } from "../src/schedule/run-due.ts";
import { openMemoryStore } from "../src/store/open-store.ts";

const weekdays = new Set([1, 2, 3, 4, 5]);
const subscriptions: ScheduledPost[] = [
  { id: "berlin", schedule: { zone: "Europe/Berlin", time: { hour: 9, minute: 0 }, weekdays } },
  {
    id: "new-york",
    schedule: { zone: "America/New_York", time: { hour: 2, minute: 30 }, weekdays: new Set([1, 2, 3, 4, 5, 6, 7]) },
  },
  { id: "tokyo", schedule: { zone: "Asia/Tokyo", time: { hour: 7, minute: 0 }, weekdays } },
];

/** Posts recorded as "subscription@date", so duplicates and gaps are plain to see. */
function recorder() {
  const posts: string[] = [];
  const post = async (subscription: ScheduledPost, slot: { date: string }) => {
    posts.push(`${subscription.id}@${slot.date}`);
    return `msg-${posts.length}`;
  };
  return { posts, post };
}

const minutes = (from: Date, count: number, step: number) =>
  Array.from({ length: count }, (_, i) => new Date(from.getTime() + i * step * 60_000));

describe("runDue", () => {
  it("GIVEN three instances ticking every 10 minutes for 30 days across a DST change THEN each due slot is posted exactly once", async () => {
    const store = openMemoryStore(silentLogger);
    const ledgers = ["a", "b", "c"].map(() => new PostLedger(store, silentLogger));
    const { posts, post } = recorder();
    // 2026-10-20 .. 2026-11-19: Berlin leaves summer time on Oct 25, New York on Nov 1 (02:30 then happens twice).
    for (const now of minutes(new Date("2026-10-20T00:00:00Z"), 30 * 24 * 6, 10)) {
      await Promise.all(ledgers.map((ledger, i) => runDue({ subscriptions, now, ledger, instance: `i${i}`, post })));
    }
    const counts = new Map<string, number>();
    for (const entry of posts) counts.set(entry, (counts.get(entry) ?? 0) + 1);
    expect([...counts.values()].filter((count) => count > 1)).toEqual([]);
    const perSubscription = (id: string) => posts.filter((entry) => entry.startsWith(`${id}@`)).length;
    // The first tick is Oct 19, 20:00 in New York: that day's slot has passed, so it is caught up.
    // Then every day to Nov 18, the fall-back day (02:30 happens twice) once.
    expect(perSubscription("new-york")).toBe(31);
    expect(posts).toContain("new-york@2026-11-01");
    expect(perSubscription("berlin")).toBe(22); // weekdays Oct 20 .. Nov 18
    expect(perSubscription("tokyo")).toBe(23); // weekdays Oct 20 .. Nov 19 (Tokyo is a day ahead)
  });

  it("GIVEN the bot down at the slot THEN it posts once when it comes back the same day, marked as a catch-up", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger);
    const { posts, post } = recorder();
    const [berlin] = subscriptions as [ScheduledPost];
    const back = await runDue({
      subscriptions: [berlin],
      now: new Date("2026-11-26T14:00:00Z"),
      ledger,
      instance: "a",
      post,
    });
    expect(back.posted).toEqual([{ id: "berlin", date: "2026-11-26", catchUp: true }]);
    await runDue({ subscriptions: [berlin], now: new Date("2026-11-26T14:10:00Z"), ledger, instance: "a", post });
    expect(posts).toEqual(["berlin@2026-11-26"]);
  });

  it("GIVEN one channel failing THEN the others are posted and the failure is recorded", async () => {
    const ledger = new PostLedger(openMemoryStore(silentLogger), silentLogger);
    const { posts, post } = recorder();
    const failing = async (subscription: ScheduledPost, slot: { date: string }) => {
      if (subscription.id === "berlin") throw new Error("channel_not_found");
      return post(subscription, slot);
    };
    // 21:00 in Berlin and 15:00 in New York (both due); 05:00 next morning in Tokyo (not yet).
    const report = await runDue({
      subscriptions,
      now: new Date("2026-11-26T20:00:00Z"),
      ledger,
      instance: "a",
      post: failing,
    });
    expect(report.failed).toEqual([{ id: "berlin", date: "2026-11-26", error: "channel_not_found", permanent: false }]);
    expect(posts).toEqual(["new-york@2026-11-26"]);
    expect(await ledger.entry("berlin", "2026-11-26")).toMatchObject({ state: "failed", error: "channel_not_found" });
  });

  it("GIVEN an instance that crashed after claiming half the fan-out THEN a later tick finishes the rest, once", async () => {
    const store = openMemoryStore(silentLogger);
    const many: ScheduledPost[] = Array.from({ length: 10 }, (_, i) => ({
      id: `ch-${i}`,
      schedule: subscriptions[0]?.schedule as ScheduledPost["schedule"],
    }));
    const { posts, post } = recorder();
    let calls = 0;
    const crashing = async (subscription: ScheduledPost, slot: { date: string }) => {
      if (++calls > 5) await new Promise(() => {}); // the process dies here: these posts never finish
      return post(subscription, slot);
    };
    const crashed = new PostLedger(store, silentLogger);
    void runDue({
      subscriptions: many,
      now: new Date("2026-11-26T08:00:00Z"),
      ledger: crashed,
      instance: "dead",
      post: crashing,
      concurrency: 10,
    });
    await new Promise((resolve) => setTimeout(resolve, 20));
    expect(posts).toHaveLength(5);
    const survivor = new PostLedger(store, silentLogger);
    const soon = await runDue({
      subscriptions: many,
      now: new Date("2026-11-26T08:05:00Z"),
      ledger: survivor,
      instance: "b",
      post,
    });
    expect(soon.posted).toHaveLength(0); // the dead instance's claims are still fresh
    const later = await runDue({
      subscriptions: many,
      now: new Date("2026-11-26T08:20:00Z"),
      ledger: survivor,
      instance: "b",
      post,
    });
    expect(later.posted).toHaveLength(5);
    expect(new Set(posts).size).toBe(10);
    expect(posts).toHaveLength(10);
  });
});
