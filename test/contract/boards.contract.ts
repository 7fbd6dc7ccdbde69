import { randomUUID } from "node:crypto";
import fc from "fast-check";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { BoardPlace, Boards } from "../../src/progress/boards.ts";

export interface BoardsUnderTest {
  name: string;
  /** Fresh leaderboards; `close` ends whatever they were opened on. */
  open(): Promise<{ boards: Boards; close(): Promise<void> }>;
  /** False skips the suite (a server that is not running locally). */
  available?: () => Promise<boolean>;
}

/** The board as a plain list: points, then the order people reached those points. */
export class BoardModel {
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

/** One suite, run against every Boards implementation: what the standings rely on. */
export function boardsContract(subject: BoardsUnderTest): void {
  describe(`Boards contract: ${subject.name}`, async () => {
    const available = subject.available ? await subject.available() : true;
    let opened: { boards: Boards; close(): Promise<void> };
    beforeAll(async () => {
      if (available) opened = await subject.open();
    });
    afterAll(async () => {
      if (available) await opened.close();
    });

    /** A board of its own for each test (and each property run), with the places a profile would keep. */
    const fresh = () => {
      const { boards } = opened;
      const boardId = `release-engineer:test:T-${randomUUID()}::all`;
      const places = new Map<string, BoardPlace>();
      const move = async (userId: string, points: number) => {
        const [place] = await boards.moveAll([{ boardId, userId, from: places.get(userId), points }]);
        if (place) places.set(userId, place);
        else places.delete(userId);
        return place;
      };
      const order = async (limit = 1_000) => (await boards.top(boardId, limit)).standings.map((s) => s.userId);
      const rankOf = (userId: string) => boards.rank(boardId, userId, places.get(userId) as BoardPlace);
      return { boards, boardId, places, move, order, rankOf };
    };
    const test = it.skipIf(!available);

    test("GIVEN an empty board THEN the top is empty and the totals are zero", async () => {
      const { boards, boardId } = fresh();
      expect(await boards.top(boardId, 10)).toEqual({ standings: [], total: 0, members: 0 });
      expect(await boards.totals(boardId)).toEqual({ total: 0, members: 0 });
    });

    test("GIVEN a person moves in, up, down and out THEN the top, their place and the totals follow every step", async () => {
      const { boards, boardId, move } = fresh();
      expect(await move("alice", 3)).toMatchObject({ points: 3 });
      expect(await boards.top(boardId, 10)).toEqual({
        standings: [{ userId: "alice", points: 3, rank: 1 }],
        total: 3,
        members: 1,
      });
      expect(await move("alice", 8)).toMatchObject({ points: 8 });
      expect(await boards.totals(boardId)).toEqual({ total: 8, members: 1 });
      await move("bob", 5);
      expect(await move("alice", 2)).toMatchObject({ points: 2 });
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

    test("GIVEN a move to the points a person already has THEN nothing changes and their tie-break is kept", async () => {
      const { boards, boardId, move, places, order } = fresh();
      await move("alice", 3);
      await move("bob", 3);
      const before = places.get("alice");
      expect(await move("alice", 3)).toEqual(before);
      expect(await boards.totals(boardId)).toEqual({ total: 6, members: 2 });
      expect(await order()).toEqual(["alice", "bob"]);
    });

    test("GIVEN two people reach 6 pts THEN whoever got there first ranks first, whoever reached 3 first", async () => {
      const { move, order, rankOf } = fresh();
      await move("bob", 3);
      await move("alice", 3);
      await move("alice", 6); // Alice reaches 6 first...
      await move("bob", 6); // ...though Bob reached 3 first.
      await move("carol", 6);
      await move("dave", 9);
      expect(await order()).toEqual(["dave", "alice", "bob", "carol"]);
      expect(await rankOf("bob")).toBe(3);
      // Leaving 6 and coming back puts Alice behind those who stayed.
      await move("alice", 5);
      await move("alice", 6);
      expect(await order()).toEqual(["dave", "bob", "carol", "alice"]);
    });

    test("GIVEN 15 people THEN top 10 stops at ten and the rank of the 14th counts everyone ahead", async () => {
      const { boards, boardId, move, rankOf } = fresh();
      for (let i = 1; i <= 15; i++) await move(`u${i}`, i % 4 === 0 ? 1 : 2);
      const { standings, total, members } = await boards.top(boardId, 10);
      expect(standings.map((s) => s.rank)).toEqual([1, 2, 3, 4, 5, 6, 7, 8, 9, 10]);
      expect(standings.every((s) => s.points === 2)).toBe(true);
      expect({ total, members }).toEqual({ total: 12 * 2 + 3 * 1, members: 15 });
      // 12 people hold 2 pts; u4, u8, u12 hold 1 pt in that order.
      expect(await rankOf("u12")).toBe(15);
      expect(await rankOf("u4")).toBe(13);
      expect(await rankOf("u14")).toBe(11);
      expect(await boards.rank(boardId, "nobody", { points: 2, page: 0 })).toBeUndefined();
    });

    test("GIVEN boards with different ids THEN a move on one leaves the other alone", async () => {
      const a = fresh();
      const b = fresh();
      await a.move("alice", 3);
      await b.move("bob", 2);
      expect(await a.boards.totals(a.boardId)).toEqual({ total: 3, members: 1 });
      expect(await b.boards.totals(b.boardId)).toEqual({ total: 2, members: 1 });
    });

    test("GIVEN a place in the profile that the board does not hold THEN nobody is counted twice or taken off", async () => {
      const { boards, boardId, move, order } = fresh();
      await move("alice", 3);
      await move("bob", 3);
      // Carol's profile says she holds 3 pts (a write lost to a crash); she is not on the board.
      expect(await boards.moveAll([{ boardId, userId: "carol", from: { points: 3, page: 0 }, points: 5 }])).toEqual([
        expect.objectContaining({ points: 5 }),
      ]);
      expect(await order()).toEqual(["carol", "alice", "bob"]);
      expect(await boards.totals(boardId)).toEqual({ total: 11, members: 3 });
      expect(await boards.moveAll([{ boardId, userId: "dave", from: { points: 3, page: 4 }, points: 0 }])).toEqual([
        undefined,
      ]);
      expect(await boards.totals(boardId)).toEqual({ total: 11, members: 3 });
    });

    test("GIVEN two and a half pages of people on the same points THEN every rank stays exact as people climb and leave", async () => {
      const { boards, boardId, move, order, rankOf } = fresh();
      const size = 125;
      const ids = Array.from({ length: size }, (_, i) => `u${String(i).padStart(4, "0")}`);
      const id = (index: number) => ids[index] as string;
      for (const who of ids) await move(who, 4);
      expect(await boards.totals(boardId)).toEqual({ total: 4 * size, members: size });
      expect(await order()).toEqual(ids);
      for (const index of [0, 49, 50, 51, 99, 100, size - 1]) expect(await rankOf(id(index))).toBe(index + 1);

      await move(id(75), 5);
      expect(await rankOf(id(75))).toBe(1);
      expect(await rankOf(id(74))).toBe(76);
      expect(await rankOf(id(76))).toBe(77);

      for (const who of ids.slice(0, 50)) await move(who, 0);
      expect(await boards.totals(boardId)).toEqual({ total: (size - 51) * 4 + 5, members: size - 50 });
      expect(await rankOf(id(50))).toBe(2);
      expect(await rankOf(id(size - 1))).toBe(size - 50);
      await move("late-1", 4);
      expect(await rankOf("late-1")).toBe(size - 50 + 1);
      expect(await order()).toEqual([id(75), ...ids.slice(50).filter((who) => who !== id(75)), "late-1"]);
    });

    test("GIVEN any sequence of moves THEN total, members, order and every rank match the model", async () => {
      const moves = fc.array(fc.tuple(fc.integer({ min: 0, max: 11 }), fc.integer({ min: 0, max: 6 })), {
        maxLength: 120,
      });
      await fc.assert(
        fc.asyncProperty(moves, async (sequence) => {
          const { boards, boardId, move, rankOf } = fresh();
          const model = new BoardModel();
          for (const [user, points] of sequence) {
            await move(`u${user}`, points);
            model.move(`u${user}`, points);
          }
          const ranking = model.ranking();
          const top = await boards.top(boardId, 100);
          expect(top.standings).toEqual(ranking);
          expect({ total: top.total, members: top.members }).toEqual(model.totals());
          for (const { userId, rank } of ranking) expect(await rankOf(userId)).toBe(rank);
        }),
        { seed: 20_260_302, numRuns: 150 },
      );
    });

    test("GIVEN 60 people moving at once THEN no move is lost: the total is the sum of their points", async () => {
      const { boards, boardId } = fresh();
      await Promise.all(
        Array.from({ length: 60 }, (_, i) =>
          boards.moveAll([{ boardId, userId: `u${i}`, from: undefined, points: (i % 5) + 1 }]),
        ),
      );
      expect(await boards.totals(boardId)).toEqual({ total: 12 * (1 + 2 + 3 + 4 + 5), members: 60 });
      expect((await boards.top(boardId, 100)).standings).toHaveLength(60);
    });

    test("GIVEN people each moving on a team's three period boards and a channel's in one batch, all at once THEN every board adds up and each place is returned in order", async () => {
      const { boards } = opened;
      const team = `T-${randomUUID()}`;
      const ids = ["week-2026-W10", "month-2026-03", "all"].flatMap((period) => [
        `release-engineer:test:${team}::${period}`,
        `release-engineer:test:${team}:C1:${period}`,
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
      for (const id of ids) expect(await boards.top(id, 10)).toEqual({ standings: [], total: 0, members: 0 });
    });
  });
}
