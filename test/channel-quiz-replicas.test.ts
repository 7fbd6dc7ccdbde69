import path from "node:path";
import { describe, expect, it } from "vitest";
import type { Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { quizBoardRoadmapId } from "../src/progress/standings.ts";
import { revealChannelQuiz } from "../src/quiz/channel-quizzes.ts";
import { questionFor } from "../src/quiz/questions.ts";
import { repositories } from "../src/repositories.ts";
import { boardId } from "../src/store/keys.ts";
import { openStore } from "../src/store/open-store.ts";
import { CoreProcess } from "./fixtures/core-process.ts";
import { shippedRoadmaps } from "./helpers.ts";
import { flushRedisDatabase, serviceAvailable } from "./services.ts";

/** A database of its own, flushed before and after: nothing else uses db 13. */
const redisUrl = "redis://127.0.0.1:6379/13";
const _root = path.resolve(import.meta.dirname, "..");

const flush = () => flushRedisDatabase(redisUrl);

describe("channel quiz on Redis, three processes", async () => {
  const available = await serviceAvailable("Redis", 6379);

  it.skipIf(!available)(
    "GIVEN 500 people answering one channel quiz at once through three processes, some clicking twice in different ones THEN each is counted once, and the reveal's totals and the quiz board are exact",
    { timeout: 180_000 },
    async () => {
      await flush();
      const store = await openStore(redisUrl, silentLogger);
      const processes = [new CoreProcess(redisUrl), new CoreProcess(redisUrl), new CoreProcess(redisUrl)];
      try {
        const roadmaps = await shippedRoadmaps();
        const roadmap = roadmaps[0];
        if (!roadmap) throw new Error("no roadmap");
        const wired = repositories(store, silentLogger, "UTC");
        const quiz = await wired.channelQuizzes.create({
          id: "0123456789abcdef",
          seed: "replicas-quiz",
          roadmapId: roadmap.id,
          platform: "test",
          teamId: "T-quiz",
          channelId: "C-quiz",
          postedAt: "2026-03-02T09:01:00.000Z",
        });
        const question = questionFor(roadmap, quiz.seed);
        const right = question.answer + 1;
        const wrong = (right % 4) + 1;
        const people: Who[] = Array.from({ length: 500 }, (_, index) => ({
          platform: "test",
          userId: `U-quiz-${index}`,
          displayName: `Quizzer ${index}`,
          teamId: "T-quiz",
          channelId: "C-quiz",
        }));
        const choiceOf = (index: number) => (index % 3 === 0 ? wrong : right);
        // Round-robin over the processes; every tenth person clicks again, through the next process.
        const batches: { text: string; who: Who }[][] = [[], [], []];
        people.forEach((who, index) => {
          const text = `quiz pick ${quiz.id} ${choiceOf(index)}`;
          batches[index % 3]?.push({ text, who });
          if (index % 10 === 0) batches[(index + 1) % 3]?.push({ text, who });
        });
        await Promise.all(processes.map((child) => child.ready));
        const outcomes = await Promise.all(
          processes.map((child, index) => child.run("2026-03-02T09:05:00.000Z", batches[index] ?? [])),
        );
        expect(outcomes.flat().every((outcome) => outcome === "ok")).toBe(true);

        const answers = await wired.channelQuizzes.answers(quiz.id);
        expect(answers.size).toBe(500);
        for (const [index, who] of people.entries()) expect(answers.get(who.userId)?.choice).toBe(choiceOf(index));

        const revealed = await revealChannelQuiz(wired, roadmaps, quiz.id, new Date("2026-03-03T09:01:00Z"));
        const rightCount = people.filter((_, index) => choiceOf(index) === right).length;
        expect(revealed?.answered).toBe(500);
        expect(revealed?.right).toBe(rightCount);
        for (const channelId of [undefined, "C-quiz"]) {
          const board = boardId({
            roadmapId: quizBoardRoadmapId(roadmap.id),
            platform: "test",
            teamId: "T-quiz",
            ...(channelId ? { channelId } : {}),
            period: "all",
          });
          expect(await wired.standings.boards.totals(board)).toEqual({ total: rightCount, members: rightCount });
        }
      } finally {
        await Promise.all(processes.map((child) => child.stop()));
        await store.close();
        await flush();
      }
    },
  );
});
