import { describe, expect, it } from "vitest";
import { GroupCommit } from "../src/store/group-commit.ts";

/** A commit that records each batch and waits for the test to let it finish. */
function recordingCommit() {
  const batches: { key: string; items: number[]; finish: (error?: Error) => void }[] = [];
  const commit = (key: string, items: number[]) =>
    new Promise<string[]>((resolve, reject) => {
      batches.push({
        key,
        items,
        finish: (error) => (error ? reject(error) : resolve(items.map((item) => `${key}:${item}`))),
      });
    });
  return { batches, commit };
}

const settle = () => new Promise((resolve) => setImmediate(resolve));

describe("GroupCommit", () => {
  it("GIVEN items arriving while a key's commit is under way THEN they go together in its next commit, each told its own result", async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit);
    const first = group.add("a", 1);
    const later = [group.add("a", 2), group.add("a", 3), group.add("b", 9)];
    await settle();
    expect(batches.map(({ key, items }) => [key, items])).toEqual([
      ["a", [1]],
      ["b", [9]],
    ]);
    batches[0]?.finish();
    expect(await first).toBe("a:1");
    await settle();
    expect(batches.map(({ items }) => items)).toEqual([[1], [9], [2, 3]]);
    batches[2]?.finish();
    batches[1]?.finish();
    expect(await Promise.all(later)).toEqual(["a:2", "a:3", "b:9"]);
  });

  it("GIVEN more waiting than a batch holds THEN they are committed maxBatch at a time, in order", async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit, 2);
    const all = [1, 2, 3, 4, 5, 6].map((item) => group.add("a", item));
    for (let round = 0; round < 4; round++) {
      await settle();
      batches.at(-1)?.finish();
    }
    expect(await Promise.all(all)).toEqual(["a:1", "a:2", "a:3", "a:4", "a:5", "a:6"]);
    expect(batches.map(({ items }) => items)).toEqual([[1], [2, 3], [4, 5], [6]]);
  });

  it("GIVEN a commit that fails THEN only its batch's items reject, and the next batch still commits", async () => {
    const { batches, commit } = recordingCommit();
    const group = new GroupCommit(commit);
    const first = group.add("a", 1);
    const second = group.add("a", 2);
    await settle();
    batches[0]?.finish(new Error("store down"));
    await expect(first).rejects.toThrow("store down");
    await settle();
    batches[1]?.finish();
    expect(await second).toBe("a:2");
  });

  it("GIVEN a commit answering fewer results than items THEN its items reject rather than resolve with nothing", async () => {
    const group = new GroupCommit<number, string>(async () => []);
    await expect(group.add("a", 1)).rejects.toThrow("answered 0 results");
  });
});
