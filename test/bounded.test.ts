import { afterEach, beforeEach, describe, expect, it, vi } from "vitest";
import { bounded } from "../src/store/bounded.ts";
import { StoreError } from "../src/store/store.ts";

/** A promise the test answers when it likes. */
function later<T>() {
  let answer!: (value: T) => void;
  const promise = new Promise<T>((resolve) => {
    answer = resolve;
  });
  return { promise, answer };
}

describe("bounded", () => {
  beforeEach(() => {
    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it("GIVEN operations started at different moments THEN each fails at its own deadline with its message, and one answered in time resolves", async () => {
    const first = later<string>();
    const second = later<string>();
    const third = later<string>();
    const outcomes: string[] = [];
    const track = (name: string, promise: Promise<string>) =>
      promise.then(
        (value) => outcomes.push(`${name} answered ${value}`),
        (error: unknown) => outcomes.push(`${name} ${error instanceof StoreError ? error.message : "other error"}`),
      );
    const all = [track("first", bounded(first.promise, 100, "first late"))];
    await vi.advanceTimersByTimeAsync(40);
    all.push(
      track(
        "second",
        bounded(second.promise, 100, () => "second late"),
      ),
    );
    await vi.advanceTimersByTimeAsync(30);
    all.push(track("third", bounded(third.promise, 100, "third late")));
    third.answer("3");
    await vi.advanceTimersByTimeAsync(31);
    expect(outcomes).toEqual(["third answered 3", "first first late"]);
    await vi.advanceTimersByTimeAsync(40);
    expect(outcomes).toEqual(["third answered 3", "first first late", "second second late"]);
    // Answers after the deadline change nothing.
    first.answer("1");
    second.answer("2");
    await Promise.all(all);
    expect(outcomes).toHaveLength(3);
  });

  it("GIVEN a failing operation THEN its own error passes through, and nothing is left waiting", async () => {
    await expect(bounded(Promise.reject(new Error("refused")), 100, "late")).rejects.toThrow("refused");
    expect(vi.getTimerCount()).toBe(0);
  });
});
