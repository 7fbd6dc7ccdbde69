import { z } from "zod";
import type { UnitOfWork } from "../store/unit-of-work.ts";

/** Where a person stands on one board; kept in their profile, which also lists the boards they are on. */
export const boardPlaceSchema = z.object({
  points: z.number().int().positive(),
  page: z.number().int().min(0),
});
export type BoardPlace = z.infer<typeof boardPlaceSchema>;

/** One person moving on one board: from their current place (if any) to `points` (0 leaves). */
export interface BoardMove {
  boardId: string;
  userId: string;
  from: BoardPlace | undefined;
  points: number;
}

export interface Standing {
  userId: string;
  points: number;
  rank: number;
}

/**
 * Leaderboards: who holds how many points on each board, best first, ties broken by who got
 * there first. Two implementations pass one contract suite (test/contract/boards.contract.ts):
 * paged documents over any Store (BoardRepository), and Redis sorted sets moved by one script
 * (RedisBoards), picked by `boardsFor`.
 */
export interface Boards {
  /**
   * Moves each person to their new points (0 takes them off), and returns each move's new place,
   * in order. The caller stores the places and serializes moves of the same person.
   */
  moveAll(moves: readonly BoardMove[]): Promise<(BoardPlace | undefined)[]>;
  /**
   * moveAll as part of a unit of work: stages the moves in `unit`, lets `then` stage what depends
   * on the new places (the person's profile), and commits the unit, so the moves and everything
   * the unit already held land together or not at all. Holds whatever the boards need held
   * (paged documents: the lock of each team involved) until the commit is done.
   */
  moveAndCommit(
    moves: readonly BoardMove[],
    unit: UnitOfWork,
    then: (places: (BoardPlace | undefined)[]) => Promise<void>,
  ): Promise<(BoardPlace | undefined)[]>;
  /** The first `limit` people, best first. */
  top(boardId: string, limit: number): Promise<{ standings: Standing[]; total: number; members: number }>;
  /** A person's rank on a board they are on (their place from their profile); undefined when they are not. */
  rank(boardId: string, userId: string, place: BoardPlace): Promise<number | undefined>;
  totals(boardId: string): Promise<{ total: number; members: number }>;
}
