import { keys } from "../store/keys.ts";
import { RedisScript } from "../store/redis-script.ts";
import type { RedisStore } from "../store/redis-store.ts";
import { UnitOfWork } from "../store/unit-of-work.ts";
import type { BoardMove, BoardPlace, Boards, Standing } from "./boards.ts";

/**
 * A sorted-set score holds points and arrival together: points * 2^32 + (2^32 - 1 - arrival), so
 * more points rank first and, at equal points, whoever arrived first. Exact in a double while
 * points stay below 2^21 (a roadmap's points are a few hundred) and a board counts fewer than
 * 2^32 arrivals (it starts again from 0 whenever the board empties).
 */
const scale = 4_294_967_296;

/**
 * Moves people on several boards at once and writes a unit of work's documents, atomically:
 * ARGV[1] is the number of boards n; KEYS holds each board's ranking (a sorted set) and summary (a
 * hash of total, members and arrivals) in pairs, ARGV[2i] and ARGV[2i + 1] the person and their
 * points on board i (0 takes them off). Their current points come from the ranking itself, so a
 * profile that missed a write cannot count anyone twice. Then each further key is SET to its
 * ARGV (keyv's serialized JSON, never empty), or removed when that ARGV is empty.
 */
const moveScript = new RedisScript(`local scale = ${scale}
local boards = tonumber(ARGV[1])
for i = 1, boards do
  local ranking, summary = KEYS[2 * i - 1], KEYS[2 * i]
  local user, points = ARGV[2 * i], tonumber(ARGV[2 * i + 1])
  local score = redis.call("ZSCORE", ranking, user)
  local held = 0
  if score then held = math.floor(tonumber(score) / scale) end
  if held ~= points then
    if score then
      redis.call("ZREM", ranking, user)
      redis.call("HINCRBY", summary, "total", -held)
      redis.call("HINCRBY", summary, "members", -1)
    end
    if points > 0 then
      local arrival = redis.call("HINCRBY", summary, "arrivals", 1)
      redis.call("ZADD", ranking, string.format("%.0f", points * scale + (scale - 1 - arrival)), user)
      redis.call("HINCRBY", summary, "total", points)
      redis.call("HINCRBY", summary, "members", 1)
    elseif redis.call("EXISTS", ranking) == 0 then
      redis.call("DEL", summary)
    end
  end
end
for j = 2 * boards + 1, #KEYS do
  local value = ARGV[j + 1]
  if value == "" then redis.call("DEL", KEYS[j]) else redis.call("SET", KEYS[j], value) end
end
return boards`);

/** The top of a ranking and its summary, read together so the totals match the names. */
const topScript = new RedisScript(`return {
  redis.call("ZREVRANGE", KEYS[1], 0, tonumber(ARGV[1]) - 1, "WITHSCORES"),
  redis.call("HMGET", KEYS[2], "total", "members")
}`);

const count = (value: unknown): number => (typeof value === "string" ? Number(value) : 0);

/**
 * Leaderboards in Redis's own sorted sets: each board is a ranking and a summary hash, and one
 * script moves a person on all of a change's boards. So a `done` is one round trip and takes no
 * board lock, where paged documents (BoardRepository) need a dozen reads and writes under a lock
 * that every member of a team contends for, across every replica.
 */
export class RedisBoards implements Boards {
  constructor(private readonly store: RedisStore) {}

  moveAll(moves: readonly BoardMove[]): Promise<(BoardPlace | undefined)[]> {
    return this.moveAndCommit(moves, new UnitOfWork(this.store), async () => {});
  }

  /**
   * One script moves everyone and writes the unit's documents (the person's progress and
   * profile): one round trip, no board lock, and nothing of the change can land without the rest.
   * A move to the points the profile already has changes nothing, so it is not sent.
   */
  async moveAndCommit(
    moves: readonly BoardMove[],
    unit: UnitOfWork,
    then: (places: (BoardPlace | undefined)[]) => Promise<void>,
  ): Promise<(BoardPlace | undefined)[]> {
    const moving = moves.filter((move) => (move.from?.points ?? 0) !== move.points);
    const places = moves.map((move) =>
      (move.from?.points ?? 0) === move.points
        ? move.from
        : move.points > 0
          ? { points: move.points, page: 0 }
          : undefined,
    );
    await then(places);
    await unit.commit(async (writes) => {
      if (moving.length === 0 && writes.length === 0) return;
      const rows = await this.store.redisRows(writes);
      await this.store.script(
        "write",
        moveScript,
        [...moving.flatMap((move) => this.keysOf(move.boardId)), ...rows.map((row) => row.key)],
        [
          String(moving.length),
          ...moving.flatMap((move) => [move.userId, String(move.points)]),
          ...rows.map((row) => row.value ?? ""),
        ],
      );
    });
    return places;
  }

  async top(boardId: string, limit: number): Promise<{ standings: Standing[]; total: number; members: number }> {
    const [ranking, [total, members] = []] = (await this.store.script("read", topScript, this.keysOf(boardId), [
      String(Math.max(0, Math.floor(limit))),
    ])) as [string[], (string | null)[]];
    const standings: Standing[] = [];
    for (let index = 0; index + 1 < ranking.length; index += 2) {
      const points = Math.floor(Number(ranking[index + 1]) / scale);
      standings.push({ userId: ranking[index] as string, points, rank: standings.length + 1 });
    }
    return { standings, total: count(total), members: count(members) };
  }

  async rank(boardId: string, userId: string): Promise<number | undefined> {
    const [ranking] = this.keysOf(boardId);
    const index = await this.store.command("read", ranking as string, ["ZREVRANK", ranking as string, userId]);
    return typeof index === "number" ? index + 1 : undefined;
  }

  async totals(boardId: string): Promise<{ total: number; members: number }> {
    const [, summary] = this.keysOf(boardId);
    const [total, members] = (await this.store.command("read", summary as string, [
      "HMGET",
      summary as string,
      "total",
      "members",
    ])) as (string | null)[];
    return { total: count(total), members: count(members) };
  }

  private keysOf(boardId: string): [string, string] {
    return [this.store.redisKey(keys.boardRanking(boardId)), this.store.redisKey(keys.boardSummary(boardId))];
  }
}
