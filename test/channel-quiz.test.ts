import path from "node:path";
import { describe, expect, it } from "vitest";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import type { Core } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { toSlackMessage } from "../src/platforms/slack/blocks.ts";
import { slotQuizIdentity } from "../src/quiz/channel-quiz.ts";
import { questionFor } from "../src/quiz/questions.ts";
import { repositories } from "../src/repositories.ts";
import { channelSubscriptionId } from "../src/schedule/subscription.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { makeCore, textOf, withTempDir } from "./helpers.ts";
import { RecordingDelivery, schedulerFor } from "./schedule-sim.ts";

const manager: ChannelManagers = { description: "members with Manage Channels", check: async () => true };
const nobody: ChannelManagers = { description: "members with Manage Channels", check: async () => false };

const member = (name: string): Who => ({
  platform: "test",
  userId: `U-${name.toLowerCase()}`,
  displayName: name,
  teamId: "T1",
  channelId: "C1",
});
const owner = member("Olga");
const subscriptionId = channelSubscriptionId("test", "T1", "C1");

/** A core, its scheduler with a recording delivery, and a clock the test moves (Monday 2 March 2026). */
async function channelWithQuiz(store: Store = openMemoryStore(silentLogger)) {
  let now = new Date("2026-03-02T08:00:00Z");
  const clock = () => now;
  const { core } = await makeCore({ store, now: clock });
  const wired = repositories(store, silentLogger, "UTC");
  const delivery = new RecordingDelivery();
  const scheduler = schedulerFor({ store: store, wired, core: core, delivery: delivery, clock: clock, instance: "a" });
  const run = (text: string, who: Who = owner, channelManagers: ChannelManagers = manager) =>
    core.handle({ text, who, channelManagers });
  /** Moves the clock to 09:01 UTC of a day and runs one scheduler tick. */
  const slot = async (date: string) => {
    now = new Date(`${date}T09:01:00Z`);
    await scheduler.tick();
  };
  /** Moves the clock to an instant. */
  const at = (instant: number) => {
    now = new Date(instant);
  };
  return { core, store, delivery, run, slot, wired, at, now: () => now };
}

/** The question posted for a date's slot, and its id (what the buttons carry). */
function slotQuestion(core: Core, date: string) {
  const { id, seed } = slotQuizIdentity(subscriptionId, date);
  const question = questionFor(core.defaultRoadmap, seed);
  return { id, question, right: question.answer + 1, wrong: ((question.answer + 1) % 4) + 1 };
}

describe("channel quiz", () => {
  it("GIVEN someone who may not manage the channel WHEN they turn the quiz on THEN it is refused and nothing changes", async () => {
    const { run, wired } = await channelWithQuiz();
    await run("daily on 09:00 UTC");
    const refused = await run("daily quiz on", member("Bob"), nobody);
    expect(refused.outcome).toBe("user-error");
    expect((await wired.schedule.subscriptions.get(subscriptionId))?.quiz).toBeUndefined();
  });

  it("GIVEN a daily topic with the quiz on THEN each slot posts the topic, then the last quiz's answer, then a new question", async () => {
    const { core, delivery, run, slot } = await channelWithQuiz();
    await run("daily on 09:00 UTC weekdays");
    expect(textOf(await run("daily quiz on"))).toContain("Channel quiz on");
    await slot("2026-03-02");
    const monday = slotQuestion(core, "2026-03-02");
    expect(delivery.sent.map((post) => post.title)).toEqual([
      expect.stringContaining("Today's topic"),
      `Quiz of the day: ${monday.question.prompt}`,
    ]);
    await slot("2026-03-03");
    expect(delivery.sent.slice(2).map((post) => post.title)).toEqual([
      expect.stringContaining("Today's topic"),
      `Quiz answer: ${monday.question.prompt}`,
      `Quiz of the day: ${slotQuestion(core, "2026-03-03").question.prompt}`,
    ]);
    expect(textOf(await run("daily status"))).toContain("Channel quiz: on");
  });

  it("GIVEN answers WHEN the next slot reveals THEN it shows the choices in order with the right one marked, the counts and the first three right, and the quiz board counts each right answer once", async () => {
    const { core, delivery, run, slot, at, now } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, question, right, wrong } = slotQuestion(core, "2026-03-02");
    const people = ["Ann", "Ben", "Cat", "Dan", "Eve"].map(member);
    for (const [index, person] of people.entries()) {
      // A second apart: the first three right are told by when they answered.
      at(now().getTime() + 1_000);
      const answer = await run(`quiz pick ${id} ${index === 1 ? wrong : right}`, person);
      expect(answer.private).toBe(true);
      expect(textOf(answer)).toContain(`Got it: you chose ${index === 1 ? wrong : right}.`);
      // Nobody learns right or wrong before the reveal.
      expect(textOf(answer)).not.toMatch(/right|wrong/i);
    }
    const again = await run(`quiz pick ${id} ${wrong}`, people[0]);
    expect(textOf(again)).toContain(`You already answered this quiz (you chose ${right})`);

    await slot("2026-03-03");
    const reveal = delivery.sent.find((post) => post.title.startsWith("Quiz answer"));
    const lines = question.choices.map(
      (choice, index) => `${index + 1}. ${choice.label}${index === question.answer ? "  ✓ the answer" : ""}`,
    );
    expect(reveal?.text).toContain(lines.join("\n"));
    expect(reveal?.text).toContain("5 answered, 4 right. First right: Ann, Cat and Dan.");

    const board = textOf(await run("leaderboard quiz", member("Ann")));
    expect(board).toContain("Quiz board · This week");
    for (const name of ["Ann", "Cat", "Dan", "Eve"]) expect(board).toMatch(new RegExp(`\\d\\. ${name} · 1 pts`));
    expect(board).not.toContain("Ben");
    expect(board).toContain("4 people · 4 pts in total");
    expect(textOf(await run("leaderboard quiz all channel", member("Ann")))).toContain("4 people · 4 pts in total");

    const late = await run(`quiz pick ${id} ${right}`, member("Fay"));
    expect(textOf(late)).toContain(`This quiz is over: the answer was ${right}.`);
    expect(textOf(await run("quiz stats", member("Ann")))).toContain("From channel quizzes: 1");
  });

  it("GIVEN a quiz of one channel WHEN someone elsewhere (another channel, team or platform) types its answer THEN it is refused and not counted", async () => {
    const { core, run, slot, wired } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right } = slotQuestion(core, "2026-03-02");
    for (const who of [
      { ...member("Zed"), channelId: "C2" },
      { ...member("Zed"), teamId: "T2" },
      { ...member("Zed"), platform: "other" },
    ]) {
      const answer = await run(`quiz pick ${id} ${right}`, who);
      expect(answer.outcome).toBe("user-error");
      expect(textOf(answer)).toContain("That quiz belongs to another channel");
    }
    expect((await wired.channelQuizzes.answers(id)).size).toBe(0);
  });

  it("GIVEN answers WHEN a platform asks how the clicked quiz message should read THEN it shows how many answered and nobody's name; after the reveal, and for other buttons, there is nothing to edit", async () => {
    const { core, run, slot } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, question, right, wrong } = slotQuestion(core, "2026-03-02");
    await run(`quiz pick ${id} ${right}`, member("Ann"));
    await run(`quiz pick ${id} ${wrong}`, member("Ben"));
    const fresh = await core.refreshedMessage(`quiz pick ${id} ${right}`);
    expect(fresh?.private).toBe(false);
    expect(textOf(fresh as Reply)).toContain(`Quiz of the day: ${question.prompt}`);
    expect(textOf(fresh as Reply)).toContain("2 answered so far.");
    expect(textOf(fresh as Reply)).not.toMatch(/Ann|Ben/);
    expect(await core.refreshedMessage("stage 17")).toBeUndefined();
    await run("daily quiz reveal");
    expect(await core.refreshedMessage(`quiz pick ${id} ${right}`)).toBeUndefined();
  });

  it("GIVEN two clicks of one person at the same moment THEN the quiz counts one answer", async () => {
    const { core, run, slot, wired } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right, wrong } = slotQuestion(core, "2026-03-02");
    const ann = member("Ann");
    const answers = await Promise.all([run(`quiz pick ${id} ${right}`, ann), run(`quiz pick ${id} ${wrong}`, ann)]);
    expect(answers.filter((answer) => textOf(answer).includes("You already answered")).length).toBe(1);
    expect([...(await wired.channelQuizzes.answers(id)).keys()]).toEqual([ann.userId]);
  });

  it("GIVEN a process that has read the quiz WHEN another process reveals it THEN a later click there is told the quiz is over and not counted", async () => {
    const store = openMemoryStore(silentLogger);
    const { core, run, slot, wired } = await channelWithQuiz(store);
    const other = await makeCore({ store, now: () => new Date("2026-03-02T10:00:00Z") });
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right } = slotQuestion(core, "2026-03-02");
    // The other process answers first, so it holds the quiz as posted (not yet revealed).
    expect(textOf(await other.core.handle({ text: `quiz pick ${id} ${right}`, who: member("Ann") }))).toContain(
      "Got it",
    );
    expect(textOf(await run("daily quiz reveal"))).toContain("1 answered, 1 right");
    const late = await other.core.handle({ text: `quiz pick ${id} ${right}`, who: member("Ben") });
    expect(textOf(late)).toContain("This quiz is over");
    expect([...(await wired.channelQuizzes.answers(id)).keys()]).toEqual([member("Ann").userId]);
  });

  it("GIVEN no daily topic WHEN the quiz is turned on THEN the slot posts only the quiz; `daily quiz reveal` answers it now, once", async () => {
    const { core, delivery, run, slot } = await channelWithQuiz();
    expect(textOf(await run("daily quiz on 09:00 UTC weekdays"))).toContain("with no daily topic");
    await slot("2026-03-02");
    expect(delivery.sent.map((post) => post.title)).toEqual([
      `Quiz of the day: ${slotQuestion(core, "2026-03-02").question.prompt}`,
    ]);
    const revealed = await run("daily quiz reveal");
    expect(revealed.private).toBe(false);
    expect(textOf(revealed)).toContain("Nobody answered this one.");
    const twice = await run("daily quiz reveal");
    expect(twice.outcome).toBe("user-error");
    expect(textOf(twice)).toContain("no quiz waiting for its answer");
    expect(textOf(await run("daily quiz off"))).toContain("Channel quiz off");
    expect(textOf(await run("daily status"))).toContain("This channel has no daily topic.");
  });

  it("GIVEN a hidden person WHEN they answer right THEN the quiz board leaves them out", async () => {
    const { core, run, slot } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right } = slotQuestion(core, "2026-03-02");
    const hidden = member("Hal");
    await run("privacy hidden", hidden);
    await run(`quiz pick ${id} ${right}`, hidden);
    await run(`quiz pick ${id} ${right}`, member("Ivy"));
    await run("daily quiz reveal");
    const board = textOf(await run("leaderboard quiz", member("Ivy")));
    expect(board).toContain("Ivy");
    expect(board).not.toContain("Hal");
    // Public again: back on this week's and the all-time quiz boards, with the point they won.
    await run("privacy public", hidden);
    for (const period of ["week", "all"]) {
      expect(textOf(await run(`leaderboard quiz ${period}`, member("Ivy")))).toMatch(/\d\. Hal · 1 pts/);
    }
  });

  it("GIVEN display names that try to ping everyone THEN the reveal's Slack message cannot", async () => {
    const { core, run, slot } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right } = slotQuestion(core, "2026-03-02");
    await run(`quiz pick ${id} ${right}`, { ...member("x"), displayName: "<!channel> @everyone" });
    const revealed = await run("daily quiz reveal");
    const slack = JSON.stringify(toSlackMessage(revealed));
    expect(textOf(revealed)).toContain("First right: <!channel> @everyone.");
    expect(slack).not.toContain("<!channel>");
    expect(slack).toContain("&lt;!channel&gt;");
  });

  it("GIVEN answers WHEN the person asks to be forgotten THEN their answer leaves the channel quiz too", async () => {
    const { core, run, slot, wired } = await channelWithQuiz();
    await run("daily quiz on 09:00 UTC daily");
    await slot("2026-03-02");
    const { id, right } = slotQuestion(core, "2026-03-02");
    const ann = member("Ann");
    await run(`quiz pick ${id} ${right}`, ann);
    await run("forget-me confirm", ann);
    expect((await wired.channelQuizzes.answers(id)).size).toBe(0);
  });

  for (const kind of ["memory", "SQLite"] as const) {
    it(`GIVEN 500 people answering one channel quiz at once on ${kind} THEN each is counted once, and the totals and quiz board are exact`, async () => {
      await withTempDir(async (dir) => {
        const store =
          kind === "memory"
            ? openMemoryStore(silentLogger)
            : await openStore(`sqlite://${path.join(dir, "quiz.sqlite")}`, silentLogger);
        try {
          const { core, run, slot, wired } = await channelWithQuiz(store);
          await run("daily quiz on 09:00 UTC daily");
          await slot("2026-03-02");
          const { id, right, wrong } = slotQuestion(core, "2026-03-02");
          const people = Array.from({ length: 500 }, (_, index) => member(`P${index}`));
          // Everyone clicks, and every tenth person clicks twice, at the same moment.
          const clicks = people.flatMap((person, index) => {
            const choice = index % 3 === 0 ? wrong : right;
            return index % 10 === 0
              ? [
                  [person, choice],
                  [person, choice],
                ]
              : [[person, choice]];
          }) as [Who, number][];
          await Promise.all(clicks.map(([person, choice]) => run(`quiz pick ${id} ${choice}`, person)));
          expect((await wired.channelQuizzes.answers(id)).size).toBe(500);
          const rightCount = people.filter((_, index) => index % 3 !== 0).length;
          const revealed = textOf(await run("daily quiz reveal"));
          expect(revealed).toContain(`500 answered, ${rightCount} right.`);
          const board = textOf(await run("leaderboard quiz all", people[1]));
          expect(board).toContain(`${rightCount} people · ${rightCount} pts in total`);
        } finally {
          await store.close();
        }
      });
    });
  }
});
