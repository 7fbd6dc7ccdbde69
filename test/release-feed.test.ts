import { describe, expect, it } from "vitest";
import { ReleaseFeed } from "../src/store/redis-lock.ts";

describe("ReleaseFeed", () => {
  it("GIVEN waiters on a lock THEN a release of it wakes them all, and a release of another lock wakes none", async () => {
    const feed = new ReleaseFeed();
    const woken: string[] = [];
    const waits = ["a", "b"].map((name) => feed.wait("lock:x", 60_000).then(() => woken.push(name)));
    const other = feed.wait("lock:y", 60_000).then(() => woken.push("other"));
    feed.notify("lock:z");
    await Promise.resolve();
    expect(woken).toEqual([]);
    feed.notify("lock:x");
    await Promise.all(waits);
    expect(woken.sort()).toEqual(["a", "b"]);
    feed.notify("lock:y");
    await other;
    expect(woken).toContain("other");
  });

  it("GIVEN no release THEN a wait ends after its time, so a missed message costs one poll, not a hang", async () => {
    const feed = new ReleaseFeed();
    let done = false;
    await feed.wait("lock:x", 5).then(() => {
      done = true;
    });
    expect(done).toBe(true);
  });
});
