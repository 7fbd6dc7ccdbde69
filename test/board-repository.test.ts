import { describe, expect, it } from "vitest";
import type { Logger } from "../src/logger.ts";
import { silentLogger } from "../src/logger.ts";
import { BoardRepository, pageSize } from "../src/progress/board-repository.ts";
import type { BoardPlace } from "../src/progress/boards.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { BoardModel as Model } from "./contract/boards.contract.ts";

// What every implementation must do is in test/contract/boards.contract.ts (run by boards.test.ts);
// this file covers what is particular to paged documents: pages, and a profile's stale page.

const boardId = "release-engineer:test:T1::all";

function makeBoards(logger: Logger = silentLogger) {
  const store = openMemoryStore(logger);
  const boards = new BoardRepository(store, logger);
  /** Where each person stands, as their profile would keep it. */
  const places = new Map<string, BoardPlace>();
  const move = async (userId: string, points: number) => {
    const place = await boards.move(boardId, userId, places.get(userId), points);
    if (place) places.set(userId, place);
    else places.delete(userId);
    return place;
  };
  const order = async (limit = 1_000) => (await boards.top(boardId, limit)).standings.map((s) => s.userId);
  return { store, boards, places, move, order };
}

describe("BoardRepository: pages", () => {
  it(`GIVEN two and a half pages of people on the same points THEN pages roll over at ${pageSize} and every rank stays exact`, async () => {
    const { boards, move, places, order } = makeBoards();
    const size = 2 * pageSize + pageSize / 2;
    const ids = Array.from({ length: size }, (_, i) => `u${String(i).padStart(4, "0")}`);
    const id = (index: number) => ids[index] as string;
    const rankOf = (who: string) => boards.rank(boardId, who, places.get(who) as BoardPlace);
    for (const who of ids) await move(who, 4);

    for (const [index, page] of [
      [0, 0],
      [pageSize - 1, 0],
      [pageSize, 1],
      [2 * pageSize - 1, 1],
      [2 * pageSize, 2],
    ] as const) {
      expect(places.get(id(index))).toEqual({ points: 4, page });
    }
    expect(await boards.totals(boardId)).toEqual({ total: 4 * size, members: size });
    expect(await order()).toEqual(ids);
    for (const index of [0, pageSize - 1, pageSize, pageSize + 1, 2 * pageSize - 1, 2 * pageSize, size - 1]) {
      expect(await rankOf(id(index))).toBe(index + 1);
    }

    // Someone from the middle page climbs: everyone behind them on 4 pts moves up one.
    const middle = pageSize + pageSize / 2;
    await move(id(middle), 5);
    expect(await rankOf(id(middle))).toBe(1);
    expect(await rankOf(id(middle - 1))).toBe(middle + 1);
    expect(await rankOf(id(middle + 1))).toBe(middle + 2);
    expect(await rankOf(id(size - 1))).toBe(size);

    // The whole first page leaves: the rest keep their order, and the ranks close up.
    for (const who of ids.slice(0, pageSize)) await move(who, 0);
    expect(await boards.totals(boardId)).toEqual({ total: (size - pageSize - 1) * 4 + 5, members: size - pageSize });
    expect(await rankOf(id(pageSize))).toBe(2);
    expect(await rankOf(id(size - 1))).toBe(size - pageSize);

    // Newcomers join behind everyone already there; the last page fills before a new one starts.
    await move("late-1", 4);
    expect(places.get("late-1")).toEqual({ points: 4, page: 2 });
    expect(await rankOf("late-1")).toBe(size - pageSize + 1);
    const expected = [id(middle), ...ids.slice(pageSize).filter((who) => who !== id(middle)), "late-1"];
    expect(await order()).toEqual(expected);
    expect((await boards.top(boardId, 3)).standings.map((s) => s.userId)).toEqual([
      id(middle),
      id(pageSize),
      id(pageSize + 1),
    ]);
  });

  it("GIVEN the last page empties THEN the next newcomer reuses it and no old member reappears", async () => {
    const { boards, move, order } = makeBoards();
    for (let i = 0; i < pageSize + 2; i++) await move(`u${i}`, 1);
    await move(`u${pageSize}`, 0);
    await move(`u${pageSize + 1}`, 0);
    await move("new", 1);
    const all = await order();
    expect(all).toHaveLength(pageSize + 1);
    expect(all.at(-1)).toBe("new");
    expect(all).not.toContain(`u${pageSize}`);
    expect(await boards.totals(boardId)).toEqual({ total: pageSize + 1, members: pageSize + 1 });
  });
});

describe("BoardRepository: agrees with a simple model", () => {
  it("GIVEN a long seeded run over more than a page of people THEN the board still matches the model", async () => {
    const { boards, move, places } = makeBoards();
    const model = new Model();
    let seed = 42;
    const random = (n: number) => {
      // mulberry32: small, seeded, good enough to shuffle moves.
      seed = (seed + 0x6d2b79f5) | 0;
      let t = Math.imul(seed ^ (seed >>> 15), 1 | seed);
      t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
      return (((t ^ (t >>> 14)) >>> 0) % n) as number;
    };
    for (let step = 0; step < 4_000; step++) {
      const user = `u${random(500)}`;
      // Mostly 1 pt, so that bucket grows past a page; sometimes out, sometimes up.
      const points = [0, 1, 1, 1, 1, 1, 1, 2, 3, 9][random(10)] as number;
      await move(user, points);
      model.move(user, points);
    }
    const ranking = model.ranking();
    expect(ranking.filter((line) => line.points === 1).length).toBeGreaterThan(pageSize);
    expect(await boards.totals(boardId)).toEqual(model.totals());
    expect((await boards.top(boardId, 1_000)).standings).toEqual(ranking);
    for (const { userId, rank } of ranking.filter((_, index) => index % 7 === 0)) {
      expect(await boards.rank(boardId, userId, places.get(userId) as BoardPlace)).toBe(rank);
    }
  });
});

describe("BoardRepository: a stale place", () => {
  function recordingLogger() {
    const warnings: string[] = [];
    return {
      warnings,
      logger: { ...silentLogger, warn: (_details: object, message: string) => warnings.push(message) },
    };
  }

  it("GIVEN a place whose bucket does not exist THEN leaving changes nothing and the totals stay right", async () => {
    const { warnings, logger } = recordingLogger();
    const { boards, move } = makeBoards(logger);
    await move("alice", 3);
    await move("bob", 2);
    expect(await boards.move(boardId, "carol", { points: 7, page: 0 }, 0)).toBeUndefined();
    expect(await boards.totals(boardId)).toEqual({ total: 5, members: 2 });
    expect(warnings).toHaveLength(1);
  });

  it("GIVEN a place on the right bucket that does not hold the person THEN nobody else is taken off", async () => {
    const { boards, move, order } = makeBoards();
    await move("alice", 3);
    await move("bob", 3);
    // Carol's profile says she is on Alice and Bob's page; she is not.
    const place = await boards.move(boardId, "carol", { points: 3, page: 0 }, 5);
    expect(place).toEqual({ points: 5, page: 0 });
    expect(await order()).toEqual(["carol", "alice", "bob"]);
    expect(await boards.totals(boardId)).toEqual({ total: 11, members: 3 });
    // A page number past the bucket's pages is just as harmless.
    expect(await boards.move(boardId, "dave", { points: 3, page: 4 }, 0)).toBeUndefined();
    expect(await boards.totals(boardId)).toEqual({ total: 11, members: 3 });
    expect(await order()).toEqual(["carol", "alice", "bob"]);
  });

  it("GIVEN a stale place THEN rank says unknown instead of a wrong number", async () => {
    const { boards, move } = makeBoards();
    await move("alice", 3);
    expect(await boards.rank(boardId, "bob", { points: 3, page: 0 })).toBeUndefined();
    expect(await boards.rank(boardId, "alice", { points: 4, page: 0 })).toBeUndefined();
  });
});
