import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { type RunningBot, startBot } from "../../src/main.ts";
import { slotQuizIdentity } from "../../src/quiz/channel-quiz.ts";
import { questionFor } from "../../src/quiz/questions.ts";
import { storedQuizzesSchema } from "../../src/quiz/quiz-record.ts";
import { repositories } from "../../src/repositories.ts";
import { storedDeckSchema } from "../../src/review/deck.ts";
import { channelSubscriptionId } from "../../src/schedule/subscription.ts";
import { keys } from "../../src/store/keys.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import {
  clickBody,
  FakeSlack,
  labelOf,
  messageText,
  postSigned,
  type SlackBlock,
  type SlackResponse,
  slackHttpEnv,
  slashCommandBody,
} from "./fake-slack.ts";

/**
 * Reviews, personal quizzes and channel quizzes through the real Bolt, against a fake Slack on
 * 127.0.0.1: slash commands and button clicks are signed like Slack's, answers are read from the
 * acknowledgement or the response_url the fake received, channel posts from its chat.postMessage.
 */

const secret = "test-signing-secret";
const team = "T0TEST";
const fake = new FakeSlack();
let responseIds = 0;
const nextResponseId = () => `learn${++responseIds}`;

beforeAll(() => fake.start());
afterAll(() => fake.stop());

type SlackButton = NonNullable<SlackBlock["elements"]>[number];

interface Person {
  user: string;
  /** The name Slack puts in the payload (a command's user_name, a click's user.name). */
  name: string;
}

const manager: Person = { user: "U0MANAGER", name: "olga" };

/** Every button of a message, from its actions blocks. */
const buttonsOf = (message: { blocks?: SlackBlock[] }): SlackButton[] =>
  (message.blocks ?? []).flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []));

/** The bot on an in-memory store the test keeps, with a clock the test moves and no cron: the test runs ticks. */
async function learningBot(start: string) {
  let now = new Date(start);
  const store: Store = openMemoryStore(silentLogger);
  const running: RunningBot = await startBot(loadConfig(slackHttpEnv(fake, secret)), {
    store,
    clock: () => now,
    cron: false,
    instance: "slack-learning",
    refreshAfterMs: 20,
  });
  const url = `http://127.0.0.1:${running.port}/slack/events`;

  /** `/roadmap <text>`: the acknowledgement as Slack reads it, and its raw JSON. */
  const slash = async (text: string, person: Person, channelId = "C0LEARN") => {
    const response = await postSigned(
      url,
      slashCommandBody({
        text,
        user: person.user,
        userName: person.name,
        channelId,
        responseUrl: fake.responseUrl(nextResponseId()),
      }),
      { secret },
    );
    expect(response.status).toBe(200);
    return { message: response.json(), raw: response.text };
  };

  /** A click on a button: the answer the bot sent to the click's response_url. */
  const click = async (
    button: SlackButton | undefined,
    person: Person,
    where: { channelId?: string; ephemeral?: boolean; messageTs?: string } = {},
  ): Promise<SlackResponse> => {
    if (!button) throw new Error("no such button");
    const id = nextResponseId();
    const body = clickBody({
      team,
      button,
      person,
      channelId: where.channelId ?? "C0LEARN",
      responseUrl: fake.responseUrl(id),
      ephemeral: where.ephemeral ?? true,
      ...(where.messageTs ? { messageTs: where.messageTs } : {}),
    });
    const response = await postSigned(url, body, { secret });
    expect(response.status).toBe(200);
    return (await fake.response(id)) as SlackResponse;
  };

  return {
    running,
    store,
    slash,
    click,
    at: (instant: string) => {
      now = new Date(instant);
    },
    stop: () => running.stop(),
  };
}

/** Turns the channel quiz on at 09:00 UTC daily on Monday 9 March 2026, and runs that slot's tick. */
async function postedChannelQuiz(bot: Awaited<ReturnType<typeof learningBot>>, channelId: string) {
  fake.setRoles(manager.user, { is_admin: true });
  const turnedOn = await bot.slash("daily quiz on 09:00 UTC daily", manager, channelId);
  expect(turnedOn.message.response_type).toBe("in_channel");
  expect(messageText(turnedOn.message)).toContain("Channel quiz on");
  bot.at("2026-03-09T09:01:00Z");
  await bot.running.scheduler.tick();
  const posts = fake.postsTo(channelId);
  expect(posts).toHaveLength(1);
  const post = posts[0];
  if (!post) throw new Error("no quiz posted");
  const { id, seed } = slotQuizIdentity(channelSubscriptionId("slack", team, channelId), "2026-03-09");
  const question = questionFor(bot.running.app.core.defaultRoadmap, seed);
  return { post, id, question, right: question.answer + 1, wrong: ((question.answer + 1) % 4) + 1 };
}

describe("Slack review buttons, through the real Bolt", () => {
  it("GIVEN a topic marked done and 3 days passed WHEN Remembered is clicked twice THEN the first click answers privately with the check, the second says it was already answered, and one answer is stored", async () => {
    const bot = await learningBot("2026-03-02T10:00:00Z");
    const ann: Person = { user: "U0REVIEW", name: "ann" };
    try {
      const done = await bot.slash("done argocd-architecture", ann);
      expect(messageText(done.message)).toContain("Marked ArgoCD Architecture as done.");
      expect(messageText((await bot.slash("review", ann)).message)).toContain("Nothing to review right now.");

      bot.at("2026-03-05T10:00:00Z");
      const shown = (await bot.slash("review", ann)).message;
      expect(shown.response_type).toBe("ephemeral");
      expect(messageText(shown)).toContain("Review: ArgoCD Architecture");
      const buttons = buttonsOf(shown);
      expect(buttons.map(labelOf)).toEqual(["Remembered", "Fuzzy", "Forgot"]);
      for (const button of buttons) expect(button.action_id).toMatch(/^roadmap\.run\.\d+$/);
      const remembered = buttons[0];
      expect(remembered?.value).toBe("review argocd-architecture remembered 1");

      const first = await bot.click(remembered, ann);
      expect(first.response_type).toBe("ephemeral");
      expect(first.replace_original).toBe(false);
      expect(messageText(first)).toContain("Remembered: ArgoCD Architecture");
      expect(messageText(first)).toContain("The check:");
      expect(messageText(first)).toContain("comes back in");

      const again = await bot.click(remembered, ann);
      expect(again.response_type).toBe("ephemeral");
      expect(messageText(again)).toContain("You already answered this review");

      const deck = storedDeckSchema.parse(
        await bot.store.get(keys.review("release-engineer", { platform: "slack", userId: ann.user })),
      );
      expect(deck.log).toHaveLength(1);
      expect(deck.log[0]).toMatchObject({ topicId: "argocd-architecture", grade: "remembered" });
      expect(messageText((await bot.slash("review status", ann)).message)).toMatch(/\*Reviewed in 30 days\*\n1\b/);
    } finally {
      await bot.stop();
    }
  });
});

describe("Slack personal quiz buttons, through the real Bolt", () => {
  it("GIVEN `quiz` THEN a private question with four buttons; WHEN the right one is clicked THEN Right:, and a second click says it was already answered", async () => {
    const bot = await learningBot("2026-03-02T10:00:00Z");
    const ben: Person = { user: "U0QUIZ", name: "ben" };
    try {
      const asked = (await bot.slash("quiz", ben)).message;
      expect(asked.response_type).toBe("ephemeral");
      const buttons = buttonsOf(asked);
      expect(buttons).toHaveLength(4);
      const seeds = buttons.map((button) => /^quiz answer ([1-4]) ([0-9a-f]+)$/.exec(button.value ?? ""));
      expect(seeds.map((match) => match?.[1])).toEqual(["1", "2", "3", "4"]);
      const seed = seeds[0]?.[2] ?? "";
      expect(new Set(seeds.map((match) => match?.[2]))).toEqual(new Set([seed]));

      const question = questionFor(bot.running.app.core.defaultRoadmap, seed);
      const right = buttons[question.answer];
      const answered = await bot.click(right, ben);
      expect(answered.response_type).toBe("ephemeral");
      expect(messageText(answered)).toContain("Right:");

      const again = await bot.click(right, ben);
      expect(again.response_type).toBe("ephemeral");
      expect(messageText(again)).toContain("You already answered that question.");

      const mine = storedQuizzesSchema.parse(
        await bot.store.get(keys.quizzes({ platform: "slack", userId: ben.user })),
      );
      expect(mine.answers).toHaveLength(1);
      expect(mine.answers[0]).toMatchObject({ seed, right: true });
    } finally {
      await bot.stop();
    }
  });
});

describe("Slack channel quiz, through the real Bolt and the scheduler", () => {
  it("GIVEN an admin turned the channel quiz on and the slot posted it WHEN two people click a choice, once and again THEN each is told privately, and the manager's reveal shows the answer to the channel with the first right", async () => {
    const bot = await learningBot("2026-03-09T08:00:00Z");
    const channelId = "C0QUIZ";
    try {
      expect(
        messageText(
          (await bot.slash("daily quiz on 09:00 UTC daily", { user: "U0PLAIN", name: "pat" }, channelId)).message,
        ),
      ).toContain("Only workspace admins and owners");
      const { post, id, question, right } = await postedChannelQuiz(bot, channelId);
      expect(messageText(post)).toContain(`Quiz of the day: ${question.prompt}`);
      const buttons = buttonsOf(post);
      expect(buttons.map((button) => button.value)).toEqual([1, 2, 3, 4].map((n) => `quiz pick ${id} ${n}`));

      const ann: Person = { user: "U0ANN", name: "ann" };
      const ben: Person = { user: "U0BEN", name: "ben" };
      const onPost = { channelId, ephemeral: false, messageTs: post.ts };
      const annFirst = await bot.click(buttons[right - 1], ann, onPost);
      expect(annFirst.response_type).toBe("ephemeral");
      expect(annFirst.replace_original).toBe(false);
      expect(messageText(annFirst)).toContain(`Got it: you chose ${right}`);
      bot.at("2026-03-09T09:02:00Z");
      const benFirst = await bot.click(buttons[right - 1], ben, onPost);
      expect(benFirst.response_type).toBe("ephemeral");
      expect(messageText(benFirst)).toContain(`Got it: you chose ${right}`);

      const annAgain = await bot.click(buttons[right % 4], ann, onPost);
      expect(annAgain.response_type).toBe("ephemeral");
      expect(messageText(annAgain)).toContain(`You already answered this quiz (you chose ${right})`);
      // The channel post is never replaced by anyone's answer; it is edited to show how many answered.
      expect(fake.postsTo(channelId)).toHaveLength(1);
      const updates = () => fake.callsTo("chat.update", channelId);
      await fake.until(() => updates().some((call) => JSON.stringify(call.params).includes("2 answered so far")));
      const lastUpdate = updates().at(-1)?.params;
      expect(lastUpdate?.ts).toBe(post.ts);
      expect(JSON.stringify(lastUpdate)).toContain(`Quiz of the day: ${question.prompt}`);
      expect(JSON.stringify(lastUpdate)).not.toMatch(/\bann\b|\bben\b/);
      const stored = await repositories(bot.store, silentLogger, "UTC").channelQuizzes.answers(id);
      expect([...stored.keys()].sort()).toEqual([ann.user, ben.user]);
      expect(stored.get(ann.user)).toMatchObject({ choice: right, name: "ann" });

      bot.at("2026-03-09T12:00:00Z");
      const reveal = await bot.slash("daily quiz reveal", manager, channelId);
      expect(reveal.message.response_type).toBe("in_channel");
      const text = messageText(reveal.message);
      expect(text).toContain(`Quiz answer: ${question.prompt}`);
      expect(text).toContain("✓ the answer");
      expect(text).toMatch(new RegExp(`${right}\\. [^\\n]*  ✓ the answer`));
      expect(text).toContain("2 answered, 2 right. First right: ann and ben.");
    } finally {
      await bot.stop();
      fake.clearScripts();
    }
  });

  it("GIVEN someone named `<!channel> @everyone` answered right WHEN the reveal is posted THEN its Slack JSON shows the name escaped and pings nobody", async () => {
    const bot = await learningBot("2026-03-09T08:00:00Z");
    const channelId = "C0PING";
    try {
      const { post, right, wrong } = await postedChannelQuiz(bot, channelId);
      const buttons = buttonsOf(post);
      const onPost = { channelId, ephemeral: false, messageTs: post.ts };
      const pinger: Person = { user: "U0PINGER", name: "<!channel> @everyone" };
      expect(messageText(await bot.click(buttons[right - 1], pinger, onPost))).toContain(`Got it: you chose ${right}`);
      bot.at("2026-03-09T09:02:00Z");
      expect(messageText(await bot.click(buttons[wrong - 1], { user: "U0CAT", name: "cat" }, onPost))).toContain(
        `Got it: you chose ${wrong}`,
      );

      const reveal = await bot.slash("daily quiz reveal", manager, channelId);
      expect(reveal.message.response_type).toBe("in_channel");
      expect(messageText(reveal.message)).toContain("2 answered, 1 right. First right: &lt;!channel&gt; @everyone.");
      expect(reveal.raw).not.toContain("<!channel>");
      expect(reveal.raw).toContain("&lt;!channel&gt;");
      expect(reveal.raw).not.toMatch(/<[!@#]/);
      expect(reveal.raw).not.toMatch(/"link_names"|"parse"/);
    } finally {
      await bot.stop();
      fake.clearScripts();
    }
  });
});
