import { createHash } from "node:crypto";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { GroupCommit } from "../store/group-commit.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import { type ChannelAnswer, channelAnswerSchema } from "./channel-quiz.ts";

/** What adding an answer did: whether it was new, the answer now kept for that person, and the count. */
export interface Added {
  closed?: false;
  added: boolean;
  kept: ChannelAnswer;
  /** How many have answered the quiz, this one included, where knowing it costs nothing more. */
  count?: number;
}

/** An answer that came after the book was closed: nothing was kept. */
export interface Refused {
  closed: true;
}

/**
 * The answers of channel quizzes: each person once per quiz, whatever the concurrency and however
 * many processes. An answer costs about one write whatever the number already given, so a quiz
 * answered by a thousand people at once is not a thousand rewrites of one growing document. Two
 * implementations pass one contract suite: sharded documents over any Store (AnswerBookShards),
 * and a Redis hash per quiz (RedisAnswerBook), picked like the leaderboards are.
 *
 * The book itself is closed at the reveal: once close() has resolved, every add() refuses and
 * every add() that was accepted is in all(). So an answer clicked in the same instant as the
 * reveal is either counted by it or told the quiz is over, and the answer path needs nothing
 * from the quiz's own document that can change.
 */
export interface AnswerBook {
  add(quizId: string, userId: string, answer: ChannelAnswer): Promise<Added | Refused>;
  /** Refuses every later add(); resolves once every add() it did not refuse is in all(). */
  close(quizId: string): Promise<void>;
  count(quizId: string): Promise<number>;
  /** Every answer, by user id. */
  all(quizId: string): Promise<Map<string, ChannelAnswer>>;
  /** Takes one person's answer out (forget-me). */
  remove(quizId: string, userId: string): Promise<void>;
}

/** Enough shards that each stays small and concurrent answers seldom wait for the same lock. */
const shardCount = 64;

const shardOf = (userId: string): number => createHash("sha1").update(userId).digest().readUInt16BE(0) % shardCount;

const shardSchema = z.record(z.string(), channelAnswerSchema);

/** One person's answer to a quiz, waiting for its shard's next write. */
interface Pending {
  quizId: string;
  userId: string;
  answer: ChannelAnswer;
}

/**
 * A quiz's answers spread over 64 documents by a hash of the user id, each changed under its own
 * lock: an answer reads and writes one small document, and answers in other shards go on at the
 * same time. Answers to one shard that arrive while its last write is under way are written
 * together in its next write (a group commit), so a crowd costs a write per shard per round trip
 * of the store, not a write per person in a row. Counting and listing read all 64. Closing sets a
 * marker that each shard's write reads under its lock, then takes every shard's lock once, so a
 * write that read "open" has finished before close() resolves.
 */
export class AnswerBookShards implements AnswerBook {
  /** Shards already validated, by identity: a caching store hands back the same frozen object. */
  private readonly decoded = new WeakMap<object, Record<string, ChannelAnswer>>();
  /** Answers to one shard that arrive while its last write is under way go in its next write. */
  private readonly writes = new GroupCommit<Pending, Added | Refused>((key, batch) => this.write(key, batch));

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  add(quizId: string, userId: string, answer: ChannelAnswer): Promise<Added | Refused> {
    return this.writes.add(keys.channelQuizAnswers(quizId, shardOf(userId)), { quizId, userId, answer });
  }

  async close(quizId: string): Promise<void> {
    await this.store.set(keys.channelQuizClosed(quizId), true);
    // A barrier: a shard write that read the marker before it was set holds its shard's lock
    // until it has written, so once every lock has been had once, nothing more lands.
    await Promise.all(
      Array.from({ length: shardCount }, (_, shard) =>
        this.store.withLock(keys.channelQuizAnswers(quizId, shard), async () => undefined),
      ),
    );
  }

  /** Writes a batch of one shard's answers, in one read and one write under its lock. */
  private write(key: string, batch: Pending[]): Promise<(Added | Refused)[]> {
    return this.store.withLock(key, async (): Promise<(Added | Refused)[]> => {
      const quizId = batch[0]?.quizId ?? "";
      if ((await this.store.get(keys.channelQuizClosed(quizId))) !== undefined)
        return batch.map(() => ({ closed: true }));
      const shard = { ...(await this.read(key)) };
      const results = batch.map(({ userId, answer }): Added => {
        const earlier = shard[userId];
        if (!earlier) shard[userId] = answer;
        return { added: !earlier, kept: earlier ?? answer };
      });
      if (results.some((result) => result.added)) await this.store.set(key, shard);
      return results;
    });
  }

  async count(quizId: string): Promise<number> {
    const shards = await this.shards(quizId);
    return shards.reduce((sum, shard) => sum + Object.keys(shard).length, 0);
  }

  async all(quizId: string): Promise<Map<string, ChannelAnswer>> {
    return new Map((await this.shards(quizId)).flatMap((shard) => Object.entries(shard)));
  }

  remove(quizId: string, userId: string): Promise<void> {
    const key = keys.channelQuizAnswers(quizId, shardOf(userId));
    return this.store.withLock(key, async () => {
      const { [userId]: gone, ...rest } = await this.read(key);
      if (!gone) return;
      if (Object.keys(rest).length === 0) await this.store.delete(key);
      else await this.store.set(key, rest);
    });
  }

  private shards(quizId: string) {
    return Promise.all(
      Array.from({ length: shardCount }, (_, shard) => this.read(keys.channelQuizAnswers(quizId, shard))),
    );
  }

  private async read(key: string): Promise<Record<string, ChannelAnswer>> {
    const value = await this.store.get(key);
    if (value === undefined) return {};
    const known = typeof value === "object" && value !== null ? this.decoded.get(value) : undefined;
    if (known) return known;
    const parsed = shardSchema.safeParse(value);
    if (!parsed.success) this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt quiz answers");
    const shard = parsed.success ? parsed.data : {};
    if (typeof value === "object" && value !== null && Object.isFrozen(value)) this.decoded.set(value, shard);
    return shard;
  }
}
