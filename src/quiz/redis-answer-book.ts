import type { Logger } from "../logger.ts";
import { keys } from "../store/keys.ts";
import { RedisScript } from "../store/redis-script.ts";
import type { RedisStore } from "../store/redis-store.ts";
import type { Added, AnswerBook } from "./answer-book.ts";
import { type ChannelAnswer, channelAnswerSchema } from "./channel-quiz.ts";

/** HSETNX the answer, then the count and the answer kept: one round trip, once per person by Redis itself. */
const addScript = new RedisScript(`local added = redis.call("HSETNX", KEYS[1], ARGV[1], ARGV[2])
return {added, redis.call("HLEN", KEYS[1]), redis.call("HGET", KEYS[1], ARGV[1])}`);

/** A quiz's answers as one Redis hash, user id to the answer's JSON. */
export class RedisAnswerBook implements AnswerBook {
  constructor(
    private readonly store: RedisStore,
    private readonly logger: Logger,
  ) {}

  async add(quizId: string, userId: string, answer: ChannelAnswer): Promise<Added> {
    const key = this.key(quizId);
    const [added, count, kept] = (await this.store.script(
      "write",
      addScript,
      [key],
      [userId, JSON.stringify(answer)],
    )) as [number, number, string];
    return { added: added === 1, kept: this.parse(key, kept) ?? answer, count };
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

  private parse(key: string, json: string): ChannelAnswer | undefined {
    try {
      const parsed = channelAnswerSchema.safeParse(JSON.parse(json));
      if (parsed.success) return parsed.data;
    } catch {}
    this.logger.warn({ key }, "ignoring a corrupt quiz answer");
    return undefined;
  }
}
