import { z } from "zod";
import type { Logger } from "../core/logger.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";

/** Where a person stands on one board; kept in their profile, so moving them reads nothing else. */
export const boardPlaceSchema = z.object({
  points: z.number().int().positive(),
  page: z.number().int().min(0),
});
export type BoardPlace = z.infer<typeof boardPlaceSchema>;

/** The pages of one bucket: page `first + i` holds `counts[i]` people. */
const bucketSchema = z.object({
  first: z.number().int().min(0),
  counts: z.array(z.number().int().min(0)),
});
type Bucket = z.infer<typeof bucketSchema>;

const boardSchema = z.object({
  /** The sum of every member's points: the team's total. */
  total: z.number().int().min(0),
  members: z.number().int().min(0),
  /** People by points: a bucket per points value that anyone holds. */
  buckets: z.record(z.string(), bucketSchema),
});
type Board = z.infer<typeof boardSchema>;

const pageSchema = z.object({ members: z.array(z.string()) });

const emptyBoard = (): Board => ({ total: 0, members: 0, buckets: {} });

/** At most this many people per page document, so no read or write grows with the team. */
export const pageSize = 200;

export interface Standing {
  userId: string;
  points: number;
  rank: number;
}

/**
 * Leaderboards over a store that offers only get, set and a lock. People are grouped by points
 * (a bucket per points value; points are small integers, so there are at most a few hundred), and
 * each bucket is a list of pages in the order people arrived, which is the tie-break: whoever got
 * to a score first ranks first. The board document holds only counts, so:
 * - the top N reads the board and the few pages at the top;
 * - one person's rank reads the board and the one page they are on (their place comes from
 *   their profile), adding up the counts above them;
 * - moving a person rewrites the board, the page they leave and the page they join.
 * None of it reads every member. Each change runs under the board's lock, so concurrent moves
 * (from any process, when the store's lock is shared) never lose one another.
 */
export class BoardRepository {
  private readonly decoded = new WeakMap<object, Board>();

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
    if ((from?.points ?? 0) === points) return from;
    return this.store.withLock(keys.board(boardId), async () => {
      const board = structuredClone(await this.read(boardId));
      const writes: Promise<void>[] = [];
      if (from) writes.push(this.leave(board, boardId, userId, from));
      let place: BoardPlace | undefined;
      if (points > 0) {
        const joined = await this.join(board, boardId, userId, points);
        place = joined.place;
        writes.push(joined.write);
      }
      await Promise.all(writes);
      await this.store.set(keys.board(boardId), board);
      return place;
    });
  }

  /** The first `limit` people, best first; ties in the order they got there. */
  async top(boardId: string, limit: number): Promise<{ standings: Standing[]; total: number; members: number }> {
    const board = await this.read(boardId);
    const standings: Standing[] = [];
    for (const points of descendingPoints(board)) {
      const bucket = board.buckets[String(points)] as Bucket;
      for (let index = 0; index < bucket.counts.length && standings.length < limit; index++) {
        if (bucket.counts[index] === 0) continue;
        const page = await this.readPage(boardId, points, bucket.first + index);
        for (const userId of page) {
          if (standings.length >= limit) break;
          standings.push({ userId, points, rank: standings.length + 1 });
        }
      }
      if (standings.length >= limit) break;
    }
    return { standings, total: board.total, members: board.members };
  }

  /** A person's rank from their place: everyone with more points, then those who got there first. */
  async rank(boardId: string, userId: string, place: BoardPlace): Promise<number | undefined> {
    const board = await this.read(boardId);
    const bucket = board.buckets[String(place.points)];
    if (!bucket) return undefined;
    let ahead = 0;
    for (const points of descendingPoints(board)) {
      if (points <= place.points) break;
      ahead += sum((board.buckets[String(points)] as Bucket).counts);
    }
    ahead += sum(bucket.counts.slice(0, place.page - bucket.first));
    const index = (await this.readPage(boardId, place.points, place.page)).indexOf(userId);
    return index < 0 ? undefined : ahead + index + 1;
  }

  async totals(boardId: string): Promise<{ total: number; members: number }> {
    const { total, members } = await this.read(boardId);
    return { total, members };
  }

  private async leave(board: Board, boardId: string, userId: string, from: BoardPlace): Promise<void> {
    const bucket = board.buckets[String(from.points)];
    const index = bucket ? from.page - bucket.first : -1;
    const members = await this.readPage(boardId, from.points, from.page);
    const remaining = members.filter((member) => member !== userId);
    if (!bucket || index < 0 || index >= bucket.counts.length || remaining.length === members.length) {
      // The profile and the board disagree (a write lost to a crash): trust the board's own pages.
      this.logger.warn({ boardId, userId, from }, "leaderboard place not found; leaving the board as it is");
      return;
    }
    bucket.counts[index] = remaining.length;
    board.total -= from.points;
    board.members -= 1;
    // Empty pages at either end are dropped, so a bucket's page list does not grow with churn.
    while (bucket.counts.length > 0 && bucket.counts[0] === 0) {
      bucket.counts.shift();
      bucket.first += 1;
    }
    while (bucket.counts.length > 0 && bucket.counts.at(-1) === 0) bucket.counts.pop();
    if (bucket.counts.length === 0) delete board.buckets[String(from.points)];
    const key = keys.boardPage(boardId, from.points, from.page);
    await (remaining.length === 0 ? this.store.delete(key) : this.store.set(key, { members: remaining }));
  }

  private async join(
    board: Board,
    boardId: string,
    userId: string,
    points: number,
  ): Promise<{ place: BoardPlace; write: Promise<void> }> {
    const bucket = board.buckets[String(points)] ?? { first: 0, counts: [] };
    board.buckets[String(points)] = bucket;
    const lastIndex = bucket.counts.length - 1;
    const roomOnLast = lastIndex >= 0 && (bucket.counts[lastIndex] as number) < pageSize;
    const page = roomOnLast ? bucket.first + lastIndex : bucket.first + bucket.counts.length;
    const members = roomOnLast ? await this.readPage(boardId, points, page) : [];
    const next = [...members.filter((member) => member !== userId), userId];
    if (roomOnLast) bucket.counts[lastIndex] = next.length;
    else bucket.counts.push(next.length);
    board.total += points;
    board.members += next.length - members.length;
    return { place: { points, page }, write: this.store.set(keys.boardPage(boardId, points, page), { members: next }) };
  }

  /** The board as stored; callers that change it copy it first. */
  private async read(boardId: string): Promise<Board> {
    const key = keys.board(boardId);
    const value = await this.store.get(key);
    if (value === undefined || value === null || typeof value !== "object") return emptyBoard();
    // A caching store hands back the same object until the next write: validate it once.
    const known = this.decoded.get(value);
    if (known) return known;
    const parsed = boardSchema.safeParse(value);
    if (!parsed.success) {
      this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt leaderboard");
      return emptyBoard();
    }
    this.decoded.set(value, parsed.data);
    return parsed.data;
  }

  private async readPage(boardId: string, points: number, page: number): Promise<readonly string[]> {
    const value = await this.store.get(keys.boardPage(boardId, points, page));
    const parsed = pageSchema.safeParse(value ?? { members: [] });
    return parsed.success ? parsed.data.members : [];
  }
}

const sum = (values: readonly number[]): number => values.reduce((total, value) => total + value, 0);

/** Bucket points, highest first; a few hundred values at most. */
const descendingPoints = (board: Board): number[] =>
  Object.keys(board.buckets)
    .map(Number)
    .sort((a, b) => b - a);
