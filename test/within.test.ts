import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { within } from "../src/platforms/within.ts";

/** A promise settled from outside, like a command the store has not answered yet. */
function later<T>() {
  let resolve: (value: T) => void = () => undefined;
  let reject: (error: unknown) => void = () => undefined;
  const promise = new Promise<T>((yes, no) => {
    resolve = yes;
    reject = no;
  });
  return { promise, resolve, reject };
}

describe("within: answer directly when the work is quick, else go on without it", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("GIVEN work that finishes in time THEN its answer, and no timer is left behind", async () => {
    const work = later<string>();
    const answer = within(work.promise, 2_000);
    await vi.advanceTimersByTimeAsync(500);
    work.resolve("quick");
    await expect(answer).resolves.toBe("quick");
    expect(vi.getTimerCount()).toBe(0);
  });

  it("GIVEN work slower than the limit THEN undefined at the limit, and its late answer changes nothing", async () => {
    const work = later<string>();
    let settled: string | undefined | null = null;
    within(work.promise, 2_000).then((value) => {
      settled = value;
    });
    await vi.advanceTimersByTimeAsync(1_999);
    expect(settled).toBeNull();
    await vi.advanceTimersByTimeAsync(1);
    expect(settled).toBeUndefined();
    work.resolve("late");
    await vi.advanceTimersByTimeAsync(0);
    expect(settled).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("GIVEN many calls, quick and slow, with two limits THEN each gets its own outcome at its own time", async () => {
    const outcomes = new Map<number, string | undefined>();
    const works = Array.from({ length: 6 }, () => later<string>());
    // Call i starts at i x 100 ms; even calls wait up to 1000 ms, odd ones up to 300 ms.
    for (const [i, work] of works.entries()) {
      within(work.promise, i % 2 === 0 ? 1_000 : 300).then((value) => outcomes.set(i, value));
      await vi.advanceTimersByTimeAsync(100);
    }
    // Now 600 ms: calls 1 (100 + 300) and 3 (300 + 300) have given up; 5 waits until 800.
    expect([...outcomes.entries()].sort()).toEqual([
      [1, undefined],
      [3, undefined],
    ]);
    works[0]?.resolve("zero");
    works[5]?.resolve("five");
    works[4]?.resolve("four");
    await vi.advanceTimersByTimeAsync(0);
    expect(outcomes.get(0)).toBe("zero");
    expect(outcomes.get(5)).toBe("five");
    expect(outcomes.get(4)).toBe("four");
    // Call 2 started at 200 ms with 1000 ms to go.
    await vi.advanceTimersByTimeAsync(599);
    expect(outcomes.has(2)).toBe(false);
    await vi.advanceTimersByTimeAsync(1);
    expect(outcomes.has(2)).toBe(true);
    expect(outcomes.get(2)).toBeUndefined();
    expect(vi.getTimerCount()).toBe(0);
  });

  it("GIVEN work that fails in time THEN the failure comes through", async () => {
    const work = later<string>();
    const answer = within(work.promise, 2_000);
    work.reject(new Error("store down"));
    await expect(answer).rejects.toThrow("store down");
    expect(vi.getTimerCount()).toBe(0);
  });
});
