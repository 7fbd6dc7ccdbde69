import { z } from "zod";
import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import type { Documents, Store } from "../store/store.ts";
import { UnitOfWork } from "../store/unit-of-work.ts";
import type { BoardMove, BoardPlace, Boards, Standing } from "./boards.ts";

const boardSchema = z.object({
  /** The sum of every member's points: the team's total. */
  total: z.number().int().min(0),
  members: z.number().int().min(0),
  /** How many people hold each number of points; only values someone holds. */
  counts: z.record(z.string(), z.number().int().positive()),
});
type Board = z.infer<typeof boardSchema>;

/** The pages of the people holding one number of points: page `first + i` holds `counts[i]` of them. */
const bucketSchema = z.object({
  first: z.number().int().min(0),
  counts: z.array(z.number().int().min(0)),
});
type Bucket = z.infer<typeof bucketSchema>;

const pageSchema = z.object({ members: z.array(z.string()) });

const emptyBoard: Board = Object.freeze({ total: 0, members: 0, counts: Object.freeze({}) });
const emptyBucket: Bucket = Object.freeze({ first: 0, counts: Object.freeze([]) as unknown as number[] });

/**
 * At most this many people per page document. Every move rewrites two pages, so small pages keep
 * a `done` on a full board close to one on a new board (bench/leaderboard.ts: 200 gave a 100,000
 * vs 100 member ratio of 1.89 on the memory store, 50 gave 1.57).
 */
export const pageSize = 50;

/**
 * The team a board belongs to: the roadmap, platform and team parts of its id, so the week's,
 * month's and all-time boards of a team and of all its channels share one lock. Every member's
 * change moves them on their team's boards anyway, so a lock per channel would let nothing more
 * run side by side; one lock per team means one lock per change for most people.
 */
const teamOf = (boardId: string): string => boardId.split(":").slice(0, 3).join(":");

/**
 * Leaderboards over a store that offers only get, set and a lock. Three kinds of document:
 * - the board: total, member count and how many people hold each number of points (points are
 *   small integers, so a few hundred entries at most, whatever the team's size);
 * - a bucket per points value: how many people are on each of its pages;
 * - pages of at most `pageSize` user ids, in the order people reached those points, which is the
 *   tie-break: whoever got there first ranks first.
 * So the top N reads the board and the few buckets and pages at the top; one person's rank reads
 * the board, their bucket and their page (their place comes from their profile); moving a person
 * rewrites the board and the bucket and page they leave and join. Nothing reads every member, and
 * no document grows with the team except by one bucket entry per page of people at the same points.
 * A change runs under the locks of the teams whose boards it moves, taken one after the other in
 * sorted order (so two changes can never each hold a lock the other waits for), and its documents
 * are written in one Store.writeAll together with the person's progress and profile: concurrent
 * moves (from any process, when the store's lock is shared) never lose one another, and a crash
 * never leaves half a move.
 */
export class BoardRepository implements Boards {
  /** Documents already validated, by identity: a caching store returns the written object itself. */
  private readonly decoded = new WeakMap<object, unknown>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  /**
   * Moves a person from `from` (their current place, if any) to `points` (0 leaves the board).
   * Returns their new place. The caller stores it and must serialize moves of the same person.
   */
  async move(
    boardId: string,
    userId: string,
    from: BoardPlace | undefined,
    points: number,
  ): Promise<BoardPlace | undefined> {
    const [place] = await this.moveAll([{ boardId, userId, from, points }]);
    return place;
  }

  /** Several moves at once, committed together; returns each move's new place, in order. */
  moveAll(moves: readonly BoardMove[]): Promise<(BoardPlace | undefined)[]> {
    return this.moveAndCommit(moves, new UnitOfWork(this.store), async () => {});
  }

  /**
   * One person's change reaches the week's, month's and all-time boards of each team and channel
   * they are on. The teams' locks are held from the first read to the commit: the documents read
   * are still current when the unit writes them. Moves on different boards touch different
   * documents, so they run side by side; moves on the same board run in turn. (Applying every
   * queued move of a process under one hold, group-commit style, halved the lock releases in
   * bench/replicas.ts but tripled the p99 of writes without raising throughput, so each person's
   * moves take the locks on their own.)
   */
  moveAndCommit(
    moves: readonly BoardMove[],
    unit: UnitOfWork,
    then: (places: (BoardPlace | undefined)[]) => Promise<void>,
  ): Promise<(BoardPlace | undefined)[]> {
    const places: (BoardPlace | undefined)[] = moves.map((move) => move.from);
    const byBoard = new Map<string, number[]>();
    moves.forEach((move, index) => {
      if ((move.from?.points ?? 0) === move.points) return;
      byBoard.set(move.boardId, [...(byBoard.get(move.boardId) ?? []), index]);
    });
    const teams = [...new Set([...byBoard.keys()].map(teamOf))].sort();
    const work = async () => {
      await Promise.all(
        [...byBoard.values()].map(async (indexes) => {
          for (const index of indexes) places[index] = await this.moveHeld(moves[index] as BoardMove, unit);
        }),
      );
      await then(places);
      await unit.commit();
      return places;
    };
    // Nested in sorted order: the first team's lock is taken first and released last.
    const held = teams.reduceRight<() => Promise<(BoardPlace | undefined)[]>>(
      (inner, team) => () => this.store.withLock(keys.boardScopeLock(team), inner),
      work,
    );
    return held();
  }

  /** One move, staged in the unit; the caller holds the lock of the board's team. */
  private async moveHeld(
    { boardId, userId, from, points }: BoardMove,
    unit: Documents,
  ): Promise<BoardPlace | undefined> {
    const [board, left, joined] = await Promise.all([
      this.read(boardId, unit),
      from ? this.leave(boardId, userId, from, unit) : false,
      points > 0 ? this.join(boardId, userId, points, unit) : undefined,
    ]);
    const counts: Record<string, number> = { ...board.counts };
    let { total, members } = board;
    if (from && left) {
      total -= from.points;
      members -= 1;
      const remaining = (counts[String(from.points)] ?? 1) - 1;
      if (remaining > 0) counts[String(from.points)] = remaining;
      else delete counts[String(from.points)];
    }
    if (joined?.added) {
      total += points;
      members += 1;
      counts[String(points)] = (counts[String(points)] ?? 0) + 1;
    }
    await this.write(keys.board(boardId), { total, members, counts }, unit);
    return joined?.place;
  }

  /** The first `limit` people, best first; ties in the order they got there. */
  async top(boardId: string, limit: number): Promise<{ standings: Standing[]; total: number; members: number }> {
    const board = await this.read(boardId);
    const standings: Standing[] = [];
    for (const points of descendingPoints(board)) {
      if (standings.length >= limit) break;
      const bucket = await this.readBucket(boardId, points);
      for (let index = 0; index < bucket.counts.length && standings.length < limit; index++) {
        if (bucket.counts[index] === 0) continue;
        for (const userId of await this.readPage(boardId, points, bucket.first + index)) {
          if (standings.length >= limit) break;
          standings.push({ userId, points, rank: standings.length + 1 });
        }
      }
    }
    return { standings, total: board.total, members: board.members };
  }

  /** A person's rank from their place: everyone with more points, then those who got there first. */
  async rank(boardId: string, userId: string, place: BoardPlace): Promise<number | undefined> {
    const [board, bucket, page] = await Promise.all([
      this.read(boardId),
      this.readBucket(boardId, place.points),
      this.readPage(boardId, place.points, place.page),
    ]);
    const index = page.indexOf(userId);
    if (!board.counts[String(place.points)] || index < 0 || place.page < bucket.first) return undefined;
    let ahead = 0;
    for (const [points, count] of Object.entries(board.counts)) if (Number(points) > place.points) ahead += count;
    ahead += sum(bucket.counts.slice(0, place.page - bucket.first));
    return ahead + index + 1;
  }

  async totals(boardId: string): Promise<{ total: number; members: number }> {
    const { total, members } = await this.read(boardId);
    return { total, members };
  }

  /** Takes the person off their page; false when they are not where their profile says. */
  private async leave(boardId: string, userId: string, from: BoardPlace, unit: Documents): Promise<boolean> {
    const [bucket, members] = await Promise.all([
      this.readBucket(boardId, from.points, unit),
      this.readPage(boardId, from.points, from.page, unit),
    ]);
    const index = from.page - bucket.first;
    const remaining = members.filter((member) => member !== userId);
    if (index < 0 || index >= bucket.counts.length || remaining.length === members.length) {
      // The profile and the board disagree (data from before changes were atomic): trust the board's own pages.
      this.logger.warn({ boardId, userId, from }, "leaderboard place not found; leaving the board as it is");
      return false;
    }
    const counts = [...bucket.counts];
    counts[index] = remaining.length;
    let first = bucket.first;
    // Empty pages at either end are dropped, so a bucket's page list does not grow with churn.
    while (counts.length > 0 && counts[0] === 0) {
      counts.shift();
      first += 1;
    }
    while (counts.length > 0 && counts.at(-1) === 0) counts.pop();
    const bucketKey = keys.boardBucket(boardId, from.points);
    const pageKey = keys.boardPage(boardId, from.points, from.page);
    await Promise.all([
      counts.length === 0 ? unit.delete(bucketKey) : this.write(bucketKey, { first, counts }, unit),
      remaining.length === 0 ? unit.delete(pageKey) : this.write(pageKey, { members: remaining }, unit),
    ]);
    return true;
  }

  /** Puts the person last on the bucket's last page (a new page when it is full). */
  private async join(
    boardId: string,
    userId: string,
    points: number,
    unit: Documents,
  ): Promise<{ place: BoardPlace; added: boolean }> {
    const bucket = await this.readBucket(boardId, points, unit);
    const counts = [...bucket.counts];
    const lastIndex = counts.length - 1;
    const roomOnLast = lastIndex >= 0 && (counts[lastIndex] as number) < pageSize;
    const page = roomOnLast ? bucket.first + lastIndex : bucket.first + counts.length;
    const members = roomOnLast ? await this.readPage(boardId, points, page, unit) : [];
    const next = [...members.filter((member) => member !== userId), userId];
    if (roomOnLast) counts[lastIndex] = next.length;
    else counts.push(next.length);
    await Promise.all([
      this.write(keys.boardBucket(boardId, points), { first: bucket.first, counts }, unit),
      this.write(keys.boardPage(boardId, points, page), { members: next }, unit),
    ]);
    return { place: { points, page }, added: next.length > members.length };
  }

  private read(boardId: string, from: Documents = this.store): Promise<Board> {
    return this.decode(keys.board(boardId), boardSchema, emptyBoard, from);
  }

  private readBucket(boardId: string, points: number, from: Documents = this.store): Promise<Bucket> {
    return this.decode(keys.boardBucket(boardId, points), bucketSchema, emptyBucket, from);
  }

  private async readPage(
    boardId: string,
    points: number,
    page: number,
    from: Documents = this.store,
  ): Promise<readonly string[]> {
    return (await this.decode(keys.boardPage(boardId, points, page), pageSchema, { members: [] }, from)).members;
  }

  /** A stored document, validated once per object; missing or corrupt reads as `empty`. */
  private async decode<T>(key: string, schema: z.ZodType<T>, empty: T, from: Documents): Promise<T> {
    const value = await from.get(key);
    if (value === undefined || value === null) return empty;
    if (typeof value === "object" && this.decoded.has(value)) return this.decoded.get(value) as T;
    const parsed = schema.safeParse(value);
    if (!parsed.success) {
      this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt leaderboard document");
      return empty;
    }
    if (typeof value === "object" && Object.isFrozen(value)) this.decoded.set(value, parsed.data);
    return parsed.data;
  }

  private async write(key: string, document: object, unit: Documents): Promise<void> {
    await unit.set(key, document);
    // The unit (like a caching store) keeps this very object, frozen, for the next read: it needs no validation.
    if (Object.isFrozen(document)) this.decoded.set(document, document);
  }
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Points values someone holds, highest first; a few hundred at most. */
const descendingPoints = (board: Board): number[] =>
  Object.keys(board.counts)
    .map(Number)
    .sort((a, b) => b - a);
