import type { Logger } from "../logger.ts";
import { GroupCommit } from "../store/group-commit.ts";
import { keys } from "../store/keys.ts";
import { RedisScript } from "../store/redis-script.ts";
import type { RedisStore } from "../store/redis-store.ts";
import type { Added, AnswerBook, Refused } from "./answer-book.ts";
import { type ChannelAnswer, channelAnswerSchema } from "./channel-quiz.ts";

/**
 * Unless the quiz is closed (KEYS[2]), HSETNX each answer (ARGV: user id, answer JSON, ...) and
 * say for each, in order, the count just after it when it was added, or else the answer kept.
 * Atomic, so each person is kept once and nothing lands after the close, by Redis itself.
 */
const addScript = new RedisScript(`if redis.call("EXISTS", KEYS[2]) == 1 then return {-1} end
local count = redis.call("HLEN", KEYS[1])
local out = {}
for i = 1, #ARGV, 2 do
  if redis.call("HSETNX", KEYS[1], ARGV[i], ARGV[i + 1]) == 1 then
    count = count + 1
    out[#out + 1] = count
  else
    out[#out + 1] = redis.call("HGET", KEYS[1], ARGV[i])
  end
end
return out`);

/** Answers per script run: a crowd's batch keeps Redis busy for a millisecond or so, not longer. */
const maxBatch = 500;

interface Pending {
  userId: string;
  answer: ChannelAnswer;
}

/**
 * A quiz's answers as one Redis hash, user id to the answer's JSON. Answers to a quiz that arrive
 * while its last script is under way go together in its next one (a group commit): a crowd
 * costs Redis one script run per round trip, not one per person.
 */
export class RedisAnswerBook implements AnswerBook {
  private readonly adds = new GroupCommit<Pending, Added | Refused>(
    (quizId, batch) => this.addAll(quizId, batch),
    maxBatch,
  );

  constructor(
    private readonly store: RedisStore,
    private readonly logger: Logger,
  ) {}

  add(quizId: string, userId: string, answer: ChannelAnswer): Promise<Added | Refused> {
    return this.adds.add(quizId, { userId, answer });
  }

  private async addAll(quizId: string, batch: Pending[]): Promise<(Added | Refused)[]> {
    const key = this.key(quizId);
    const outcomes = (await this.store.script(
      "write",
      addScript,
      [key, this.closedKey(quizId)],
      batch.flatMap(({ userId, answer }) => [userId, JSON.stringify(answer)]),
    )) as (number | string)[];
    if (outcomes[0] === -1) return batch.map(() => ({ closed: true }));
    return batch.map(({ answer }, index): Added => {
      const outcome = outcomes[index];
      if (typeof outcome === "number") return { added: true, kept: answer, count: outcome };
      return { added: false, kept: (typeof outcome === "string" && this.parse(key, outcome)) || answer };
    });
  }

  /** The script runs whole, so once the marker is set no add can land after it. */
  async close(quizId: string): Promise<void> {
    const key = this.closedKey(quizId);
    await this.store.command("write", key, ["SET", key, "1"]);
  }

  async count(quizId: string): Promise<number> {
    const key = this.key(quizId);
    return Number(await this.store.command("read", key, ["HLEN", key]));
  }

  async all(quizId: string): Promise<Map<string, ChannelAnswer>> {
    const key = this.key(quizId);
    const flat = (await this.store.command("read", key, ["HGETALL", key])) as string[] | Record<string, string>;
    const entries = Array.isArray(flat)
      ? Array.from({ length: flat.length / 2 }, (_, i) => [flat[2 * i] as string, flat[2 * i + 1] as string] as const)
      : Object.entries(flat);
    return new Map(
      entries.flatMap(([userId, json]) => {
        const answer = this.parse(key, json);
        return answer ? [[userId, answer] as const] : [];
      }),
    );
  }

  async remove(quizId: string, userId: string): Promise<void> {
    const key = this.key(quizId);
    await this.store.command("write", key, ["HDEL", key, userId]);
  }

  private key(quizId: string): string {
    return this.store.redisKey(keys.channelQuizAnswers(quizId));
  }

  private closedKey(quizId: string): string {
    return this.store.redisKey(keys.channelQuizClosed(quizId));
  }

  private parse(key: string, json: string): ChannelAnswer | undefined {
    try {
      const parsed = channelAnswerSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
    } catch {}
    this.logger.warn({ key }, "ignoring a corrupt quiz answer");
    return undefined;
  }
}
