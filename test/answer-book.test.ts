import { randomUUID } from "node:crypto";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { type Added, type AnswerBook, AnswerBookShards, type Refused } from "../src/quiz/answer-book.ts";
import type { ChannelAnswer } from "../src/quiz/channel-quiz.ts";
import { RedisAnswerBook } from "../src/quiz/redis-answer-book.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { openRedis } from "../src/store/redis-store.ts";
import { withTempDir } from "./helpers.ts";
import { flushRedisDatabase, postgresTestUrl, serviceAvailable } from "./services.ts";

/** Database 3 is this file's alone: flushed before and after. */
const redisUrl = "redis://127.0.0.1:6379/3";

const flushRedis = () => flushRedisDatabase(redisUrl);

interface BookUnderTest {
  name: string;
  available?: () => Promise<boolean>;
  /** A fresh book, and what ends whatever it was opened on. */
  with(run: (book: AnswerBook) => Promise<void>): Promise<void>;
}

/** The outcome of an add that the test expects to have been taken, not refused. */
function taken(outcome: Added | Refused): Added {
  if (outcome.closed) throw new Error("the answer book refused an answer while open");
  return outcome;
}

const answer = (choice: number, second: number, name?: string): ChannelAnswer => ({
  choice,
  at: new Date(Date.UTC(2026, 2, 2, 9, 1, second)).toISOString(),
  ...(name ? { name } : {}),
});

/** One contract, run against every AnswerBook: what the channel quiz relies on. */
function answerBookContract(subject: BookUnderTest): void {
  describe(`AnswerBook contract: ${subject.name}`, async () => {
    const available = subject.available ? await subject.available() : true;

    it.skipIf(!available)(
      "GIVEN one answer, then another from the same person THEN the first is kept and counted once",
      async () => {
        await subject.with(async (book) => {
          const quiz = `q-once-${randomUUID()}`;
          expect(await book.add(quiz, "U1", answer(2, 1, "Ann"))).toMatchObject({
            added: true,
            kept: answer(2, 1, "Ann"),
          });
          expect(await book.add(quiz, "U1", answer(3, 2, "Ann"))).toMatchObject({
            added: false,
            kept: answer(2, 1, "Ann"),
          });
          expect(await book.count(quiz)).toBe(1);
          expect(await book.all(quiz)).toEqual(new Map([["U1", answer(2, 1, "Ann")]]));
          expect(await book.count(`${quiz}-other`)).toBe(0);
        });
      },
    );

    it.skipIf(!available)(
      "GIVEN 300 people answering at once, every fifth twice with another choice THEN each is kept once, with their first answer",
      async () => {
        await subject.with(async (book) => {
          const quiz = `q-crowd-${randomUUID()}`;
          const clicks = Array.from({ length: 300 }, (_, i) => [
            { userId: `U${i}`, answer: answer((i % 4) + 1, i % 60) },
            ...(i % 5 === 0 ? [{ userId: `U${i}`, answer: answer(((i + 1) % 4) + 1, i % 60) }] : []),
          ]).flat();
          const results = await Promise.all(clicks.map((click) => book.add(quiz, click.userId, click.answer)));
          expect(results.map(taken).filter((result) => result.added)).toHaveLength(300);
          const all = await book.all(quiz);
          expect(all.size).toBe(300);
          expect(await book.count(quiz)).toBe(300);
          // Both of a person's clicks were told the answer that is kept, and it is one they gave.
          clicks.forEach((click, index) => {
            expect(taken(results[index] as Added | Refused).kept, click.userId).toEqual(all.get(click.userId));
            const theirs = clicks.filter((other) => other.userId === click.userId).map((other) => other.answer);
            expect(theirs, click.userId).toContainEqual(all.get(click.userId));
          });
        });
      },
    );

    it.skipIf(!available)(
      "GIVEN the book closed THEN a later answer is refused, also from someone who answered, and nothing changes",
      async () => {
        await subject.with(async (book) => {
          const quiz = `q-closed-${randomUUID()}`;
          await book.add(quiz, "U1", answer(1, 1, "Ann"));
          await book.close(quiz);
          expect(await book.add(quiz, "U2", answer(2, 2, "Ben"))).toEqual({ closed: true });
          expect(await book.add(quiz, "U1", answer(3, 3, "Ann"))).toEqual({ closed: true });
          await book.close(quiz);
          expect(await book.all(quiz)).toEqual(new Map([["U1", answer(1, 1, "Ann")]]));
          expect(await book.count(quiz)).toBe(1);
          // Another quiz is not closed with it.
          expect(taken(await book.add(`${quiz}-other`, "U2", answer(2, 2))).added).toBe(true);
        });
      },
    );

    it.skipIf(!available)(
      "GIVEN 300 people answering while the book is closed THEN each answer taken is in the book once close resolves, and no refused one is",
      async () => {
        await subject.with(async (book) => {
          const quiz = `q-race-${randomUUID()}`;
          const userIds = Array.from({ length: 300 }, (_, i) => `U${i}`);
          // The close is sent in the middle of the crowd, so some answers land before it and some after.
          const first = userIds.slice(0, 150).map((userId, i) => book.add(quiz, userId, answer((i % 4) + 1, 1)));
          const closing = book.close(quiz);
          const rest = userIds.slice(150).map((userId, i) => book.add(quiz, userId, answer((i % 4) + 1, 2)));
          await closing;
          const heldAtClose = await book.all(quiz);
          const outcomes = await Promise.all([...first, ...rest]);
          const takenIds = userIds.filter((_, i) => !outcomes[i]?.closed);
          expect([...heldAtClose.keys()].sort()).toEqual([...takenIds].sort());
          expect(await book.count(quiz)).toBe(takenIds.length);
          expect(outcomes.some((outcome) => outcome.closed)).toBe(true);
        });
      },
    );

    it.skipIf(!available)(
      "GIVEN an answer removed (forget-me) THEN it is gone from the list and the count, and others stay",
      async () => {
        await subject.with(async (book) => {
          const quiz = `q-forget-${randomUUID()}`;
          await book.add(quiz, "U1", answer(1, 1, "Ann"));
          await book.add(quiz, "U2", answer(2, 2, "Ben"));
          await book.remove(quiz, "U1");
          await book.remove(quiz, "U-never");
          expect([...(await book.all(quiz)).keys()]).toEqual(["U2"]);
          expect(await book.count(quiz)).toBe(1);
          expect(taken(await book.add(quiz, "U1", answer(4, 3))).added).toBe(true);
        });
      },
    );
  });
}

answerBookContract({
  name: "shards on the memory store",
  with: async (run) => {
    const store = openMemoryStore(silentLogger);
    await run(new AnswerBookShards(store, silentLogger)).finally(() => store.close());
  },
});

answerBookContract({
  name: "shards on SQLite",
  with: (run) =>
    withTempDir(async (dir) => {
      const store = await openStore(`sqlite://${path.join(dir, "answers.sqlite")}`, silentLogger);
      await run(new AnswerBookShards(store, silentLogger)).finally(() => store.close());
    }),
});

answerBookContract({
  name: "shards on PostgreSQL",
  available: () => serviceAvailable("PostgreSQL", 5432),
  with: async (run) => {
    const store = await openStore(postgresTestUrl, silentLogger);
    await run(new AnswerBookShards(store, silentLogger)).finally(() => store.close());
  },
});

answerBookContract({
  name: "a Redis hash",
  available: () => serviceAvailable("Redis", 6379),
  with: async (run) => {
    await flushRedis();
    const store = await openRedis(redisUrl, silentLogger, {});
    try {
      await run(new RedisAnswerBook(store, silentLogger));
    } finally {
      await store.close();
      await flushRedis();
    }
  },
});
