import fc from "fast-check";
import { describe, expect, it } from "vitest";
import type { Logger } from "../src/core/logger.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type BoardPlace, BoardRepository, pageSize } from "../src/progress/board-repository.ts";
import { openMemoryStore } from "../src/store/open-store.ts";

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

/** The board as a plain list: points, then the order people reached those points. */
class Model {
  private readonly people = new Map<string, { points: number; arrived: number }>();
  private clock = 0;

  move(userId: string, points: number): void {
    if ((this.people.get(userId)?.points ?? 0) === points) return;
    if (points === 0) this.people.delete(userId);
    else this.people.set(userId, { points, arrived: this.clock++ });
  }

  ranking(): { userId: string; points: number; rank: number }[] {
    return [...this.people]
      .sort(([, a], [, b]) => b.points - a.points || a.arrived - b.arrived)
      .map(([userId, { points }], index) => ({ userId, points, rank: index + 1 }));
  }

  totals(): { total: number; members: number } {
    let total = 0;
    for (const { points } of this.people.values()) total += points;
    return { total, members: this.people.size };
  }
}

describe("BoardRepository: moving people", () => {
  it("GIVEN an empty board THEN the top is empty and the totals are zero", async () => {
    const { boards } = makeBoards();
    expect(await boards.top(boardId, 10)).toEqual({ standings: [], total: 0, members: 0 });
    expect(await boards.totals(boardId)).toEqual({ total: 0, members: 0 });
  });

  it("GIVEN a person moves in, up, down and out THEN the top and the totals follow every step", async () => {
    const { boards, move } = makeBoards();
    expect(await move("alice", 3)).toEqual({ points: 3, page: 0 });
    expect(await boards.top(boardId, 10)).toEqual({
      standings: [{ userId: "alice", points: 3, rank: 1 }],
      total: 3,
      members: 1,
    });

    expect(await move("alice", 8)).toEqual({ points: 8, page: 0 });
    expect(await boards.totals(boardId)).toEqual({ total: 8, members: 1 });

    await move("bob", 5);
    expect(await move("alice", 2)).toEqual({ points: 2, page: 0 });
    expect((await boards.top(boardId, 10)).standings).toEqual([
      { userId: "bob", points: 5, rank: 1 },
      { userId: "alice", points: 2, rank: 2 },
    ]);
    expect(await boards.totals(boardId)).toEqual({ total: 7, members: 2 });

    expect(await move("alice", 0)).toBeUndefined();
    expect(await boards.top(boardId, 10)).toEqual({
      standings: [{ userId: "bob", points: 5, rank: 1 }],
      total: 5,
      members: 1,
    });
  });

  it("GIVEN a move to the points a person already has THEN nothing changes and their place is kept", async () => {
    const { boards, move, places } = makeBoards();
    await move("alice", 3);
    await move("bob", 3);
    const before = places.get("alice");
    expect(await move("alice", 3)).toBe(before);
    expect(await boards.top(boardId, 10)).toMatchObject({ total: 6, members: 2 });
    expect((await boards.top(boardId, 10)).standings.map((s) => s.userId)).toEqual(["alice", "bob"]);
  });

  it("GIVEN two people reach 6 pts THEN whoever got there first ranks first, whoever reached 3 first", async () => {
    const { boards, move, places, order } = makeBoards();
    await move("bob", 3);
    await move("alice", 3);
    await move("alice", 6); // Alice reaches 6 first...
    await move("bob", 6); // ...though Bob reached 3 first.
    await move("carol", 6);
    await move("dave", 9);
    expect(await order()).toEqual(["dave", "alice", "bob", "carol"]);
    expect(await boards.rank(boardId, "bob", places.get("bob") as BoardPlace)).toBe(3);

    // Leaving 6 and coming back puts Alice behind those who stayed.
    await move("alice", 5);
    await move("alice", 6);
    expect(await order()).toEqual(["dave", "bob", "carol", "alice"]);
  });

  it("GIVEN 15 people THEN top 10 stops at ten and the rank of the 14th counts everyone ahead", async () => {
    const { boards, move, places } = makeBoards();
    for (let i = 1; i <= 15; i++) await move(`u${i}`, i % 4 === 0 ? 1 : 2);
    const { standings, total, members } = await boards.top(boardId, 10);
    expect(standings).toHaveLength(10);
    expect(standings.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
    expect(standings.every((s) => s.points === 2)).toBe(true);
    expect(members).toBe(15);
    expect(total).toBe(12 * 2 + 3 * 1);
    // 12 people hold 2 pts; u4, u8, u12 hold 1 pt in that order.
    expect(await boards.rank(boardId, "u12", places.get("u12") as BoardPlace)).toBe(15);
    expect(await boards.rank(boardId, "u4", places.get("u4") as BoardPlace)).toBe(13);
    expect(await boards.rank(boardId, "u14", places.get("u14") as BoardPlace)).toBe(11);
  });

  it("GIVEN boards with different ids THEN a move on one leaves the other alone", async () => {
    const store = openMemoryStore(silentLogger);
    const boards = new BoardRepository(store, silentLogger);
    await boards.move("board-a", "alice", undefined, 3);
    await boards.move("board-b", "bob", undefined, 2);
    expect(await boards.totals("board-a")).toEqual({ total: 3, members: 1 });
    expect(await boards.totals("board-b")).toEqual({ total: 2, members: 1 });
  });
});

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
  it("GIVEN any sequence of moves THEN total, members, order and every rank match the model", async () => {
    const moves = fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 6 })), {
      maxLength: 120,
    });
    await fc.assert(
      fc.asyncProperty(moves, async (sequence) => {
        const { boards, move, places } = makeBoards();
        const model = new Model();
        for (const [user, points] of sequence) {
          await move(`u${user}`, points);
          model.move(`u${user}`, points);
        }
        const ranking = model.ranking();
        const top = await boards.top(boardId, 100);
        expect(top.standings).toEqual(ranking);
        expect({ total: top.total, members: top.members }).toEqual(model.totals());
        for (const { userId, rank } of ranking) {
          expect(await boards.rank(boardId, userId, places.get(userId) as BoardPlace)).toBe(rank);
        }
      }),
      { seed: 20_260_302, numRuns: 150 },
    );
  });

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

  it("GIVEN 60 people moving at once THEN no move is lost: the total is the sum of their points", async () => {
    const store = openMemoryStore(silentLogger);
    const boards = new BoardRepository(store, silentLogger);
    await Promise.all(Array.from({ length: 60 }, (_, i) => boards.move(boardId, `u${i}`, undefined, (i % 5) + 1)));
    expect(await boards.totals(boardId)).toEqual({ total: 12 * (1 + 2 + 3 + 4 + 5), members: 60 });
    expect((await boards.top(boardId, 100)).standings).toHaveLength(60);
  });

  it("GIVEN people each moving on a team's three period boards and a channel's in one batch, all at once THEN every board adds up and each place is returned in order", async () => {
    const store = openMemoryStore(silentLogger);
    const boards = new BoardRepository(store, silentLogger);
    const ids = ["week-2026-W10", "month-2026-03", "all"].flatMap((period) => [
      `release-engineer:test:T1::${period}`,
      `release-engineer:test:T1:C1:${period}`,
    ]);
    const batches = await Promise.all(
      Array.from({ length: 40 }, (_, i) =>
        boards.moveAll(
          ids.map((id, board) => ({ boardId: id, userId: `u${i}`, from: undefined, points: (i % 4) + 1 + board })),
        ),
      ),
    );
    for (const [board, id] of ids.entries()) {
      const expected = Array.from({ length: 40 }, (_, i) => (i % 4) + 1 + board).reduce((sum, p) => sum + p, 0);
      expect(await boards.totals(id)).toEqual({ total: expected, members: 40 });
    }
    batches.forEach((places, i) => {
      expect(places.map((place) => place?.points)).toEqual(ids.map((_, board) => (i % 4) + 1 + board));
    });
    // Leaving everything in one batch empties every board.
    await Promise.all(
      batches.map((places, i) =>
        boards.moveAll(ids.map((id, board) => ({ boardId: id, userId: `u${i}`, from: places[board], points: 0 }))),
      ),
    );
    for (const id of ids) expect(await boards.totals(id)).toEqual({ total: 0, members: 0 });
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
