import { PermissionFlagsBits } from "discord.js";
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
import { contentDir } from "../helpers.ts";
import {
  APP_ID,
  buttonClick,
  type CallbackBody,
  type ChatInputOptions,
  chatInput,
  embedText,
  FakeDiscord,
  GUILD_ID,
  type MessageBody,
  type OptionInput,
  type RecordedRequest,
  user,
} from "./fake-discord.ts";

/**
 * Reviews, personal quizzes and channel quizzes through the real discord.js, against a fake
 * Discord on 127.0.0.1: slash commands and button clicks arrive as INTERACTION_CREATE on its
 * gateway, answers are read from the interaction callback it received, channel posts from its
 * POST /channels/:id/messages.
 */

const fake = new FakeDiscord();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

type DiscordUser = ReturnType<typeof user>;

const managerPermissions = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages | PermissionFlagsBits.ManageChannels,
);
const olga = user({ id: "1290000000000000901", username: "olga", global_name: "Olga" });

/** The buttons of a message: label and custom id, row by row. */
const buttonsOf = (data: MessageBody | undefined): { label: string; custom_id: string }[] =>
  (data?.components ?? []).flatMap(
    (row) => (row as { components?: { label?: string; custom_id?: string }[] }).components ?? [],
  ) as { label: string; custom_id: string }[];

const ephemeral = 64;

/** The bot on an in-memory store the test keeps, with a clock the test moves and no cron: the test runs ticks. */
async function learningBot(start: string) {
  let now = new Date(start);
  const store: Store = openMemoryStore(silentLogger);
  const running: RunningBot = await startBot(
    loadConfig({
      DISCORD_TOKEN: "fake-token",
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: fake.apiUrl,
      PORT: "0",
      CONTENT_DIR: contentDir,
      LOG_LEVEL: "silent",
    }),
    { store, clock: () => now, cron: false, instance: "discord-learning", refreshAfterMs: 20 },
  );

  /** `/roadmap ...` as the given member: the interaction callback request the fake received. */
  const slashRequest = async (input: ChatInputOptions): Promise<RecordedRequest> => {
    const payload = await fake.interaction(chatInput(input));
    return fake.callbackRequest(payload.id);
  };
  /** `/roadmap ...` as the given member: the body of the interaction callback the fake received. */
  const slash = async (input: ChatInputOptions): Promise<CallbackBody> =>
    (await slashRequest(input)).body as CallbackBody;

  /** A click on a button with this custom id: the interaction callback the fake received. */
  const click = async (
    customId: string | undefined,
    who: DiscordUser,
    where: { channelId?: string; message?: { id: string } } = {},
  ): Promise<CallbackBody> => {
    if (!customId) throw new Error("no such button");
    const payload = await fake.interaction(buttonClick({ customId, user: who, ...where }));
    return (await fake.callbackRequest(payload.id)).body as CallbackBody;
  };

  return {
    running,
    store,
    slash,
    slashRequest,
    click,
    at: (instant: string) => {
      now = new Date(instant);
    },
    stop: () => running.stop(),
  };
}

type LearningBot = Awaited<ReturnType<typeof learningBot>>;

const text = (options: Record<string, string>): OptionInput[] =>
  Object.entries(options).map(([name, value]) => ({ name, type: 3, value }));

/** Turns the channel quiz on at 09:00 UTC daily on Monday 9 March 2026, and runs that slot's tick. */
async function postedChannelQuiz(bot: LearningBot, channelId: string) {
  const turnedOn = await bot.slash({
    group: "daily",
    subcommand: "quiz",
    options: text({ action: "on", time: "09:00", zone: "UTC", days: "daily" }),
    user: olga,
    permissions: managerPermissions,
    channelId,
  });
  expect(turnedOn.type).toBe(4);
  expect(turnedOn.data?.flags ?? 0).toBe(0);
  expect(embedText(turnedOn.data)).toContain("Channel quiz on");
  bot.at("2026-03-09T09:01:00Z");
  await bot.running.scheduler.tick();
  const posts = await fake.channelMessages(channelId);
  expect(posts).toHaveLength(1);
  const post = posts[0];
  const { id, seed } = slotQuizIdentity(channelSubscriptionId("discord", GUILD_ID, channelId), "2026-03-09");
  const question = questionFor(bot.running.app.core.defaultRoadmap, seed);
  return { post, id, question, right: question.answer + 1, wrong: ((question.answer + 1) % 4) + 1 };
}

/** `/roadmap daily quiz reveal` by the manager: the interaction callback request the fake received. */
const reveal = (bot: LearningBot, channelId: string) =>
  bot.slashRequest({
    group: "daily",
    subcommand: "quiz",
    options: text({ action: "reveal" }),
    user: olga,
    permissions: managerPermissions,
    channelId,
  });

describe("Discord review buttons, through the real discord.js", () => {
  it("GIVEN a topic marked done and 3 days passed WHEN Remembered is clicked twice THEN the first click answers privately with the check, the second says it was already answered, and one answer is stored", async () => {
    const bot = await learningBot("2026-03-02T10:00:00Z");
    const ann = user({ id: "1290000000000000911", username: "ann", global_name: "Ann" });
    try {
      const done = await bot.slash({
        subcommand: "done",
        options: [{ name: "topic", type: 3, value: "argocd-architecture" }],
        user: ann,
      });
      expect(embedText(done.data)).toContain("Marked ArgoCD Architecture as done.");

      bot.at("2026-03-05T10:00:00Z");
      const shown = await bot.slash({ group: "review", subcommand: "next", user: ann });
      expect(shown.type).toBe(4);
      expect(shown.data?.flags).toBe(ephemeral);
      expect(embedText(shown.data)).toContain("Review: ArgoCD Architecture");
      const buttons = buttonsOf(shown.data);
      expect(buttons.map((button) => button.label)).toEqual(["Remembered", "Fuzzy", "Forgot"]);
      const remembered = buttons[0]?.custom_id;
      expect(remembered).toBe("rb:run:review argocd-architecture remembered 1");

      const first = await bot.click(remembered, ann);
      expect(first.type).toBe(4);
      expect(first.data?.flags).toBe(ephemeral);
      expect(embedText(first.data)).toContain("Remembered: ArgoCD Architecture");
      expect(embedText(first.data)).toContain("The check:");
      expect(embedText(first.data)).toContain("comes back in");

      const again = await bot.click(remembered, ann);
      expect(again.data?.flags).toBe(ephemeral);
      expect(embedText(again.data)).toContain("You already answered this review");

      const deck = storedDeckSchema.parse(
        await bot.store.get(keys.review("release-engineer", { platform: "discord", userId: ann.id })),
      );
      expect(deck.log).toHaveLength(1);
      expect(deck.log[0]).toMatchObject({ topicId: "argocd-architecture", grade: "remembered" });
      const status = await bot.slash({ group: "review", subcommand: "status", user: ann });
      expect(embedText(status.data)).toContain("Reviewed in 30 days: 1");
    } finally {
      await bot.stop();
    }
  });
});

describe("Discord personal quiz buttons, through the real discord.js", () => {
  it("GIVEN `quiz` THEN a private question with four buttons; WHEN the right one is clicked THEN Right:, and a second click says it was already answered", async () => {
    const bot = await learningBot("2026-03-02T10:00:00Z");
    const ben = user({ id: "1290000000000000912", username: "ben", global_name: "Ben" });
    try {
      const asked = await bot.slash({ group: "quiz", subcommand: "ask", user: ben });
      expect(asked.data?.flags).toBe(ephemeral);
      const buttons = buttonsOf(asked.data);
      expect(buttons).toHaveLength(4);
      const seeds = buttons.map((button) => /^rb:run:quiz answer ([1-4]) ([0-9a-f]+)$/.exec(button.custom_id));
      expect(seeds.map((match) => match?.[1])).toEqual(["1", "2", "3", "4"]);
      const seed = seeds[0]?.[2] ?? "";
      expect(new Set(seeds.map((match) => match?.[2]))).toEqual(new Set([seed]));

      const question = questionFor(bot.running.app.core.defaultRoadmap, seed);
      const right = buttons[question.answer]?.custom_id;
      const answered = await bot.click(right, ben);
      expect(answered.data?.flags).toBe(ephemeral);
      expect(embedText(answered.data)).toContain("Right:");

      const again = await bot.click(right, ben);
      expect(again.data?.flags).toBe(ephemeral);
      expect(embedText(again.data)).toContain("You already answered that question.");

      const mine = storedQuizzesSchema.parse(
        await bot.store.get(keys.quizzes({ platform: "discord", userId: ben.id })),
      );
      expect(mine.answers).toHaveLength(1);
      expect(mine.answers[0]).toMatchObject({ seed, right: true });
    } finally {
      await bot.stop();
    }
  });
});

describe("Discord channel quiz, through the real discord.js and the scheduler", () => {
  it("GIVEN a member with Manage Channels turned the channel quiz on and the slot posted it WHEN two people click a choice, once and again THEN each is told privately, and the manager's reveal shows the answer to the channel with the first right", async () => {
    const bot = await learningBot("2026-03-09T08:00:00Z");
    const channelId = "1290000000000000210";
    try {
      const refused = await bot.slash({
        group: "daily",
        subcommand: "quiz",
        options: text({ action: "on", time: "09:00", zone: "UTC", days: "daily" }),
        user: user({ id: "1290000000000000913", username: "pat" }),
        channelId,
      });
      expect(refused.data?.content).toContain("Only members with Manage Channels");

      const { post, id, question, right } = await postedChannelQuiz(bot, channelId);
      expect(embedText(post)).toContain(`Quiz of the day: ${question.prompt}`);
      expect(post?.allowed_mentions).toEqual({ parse: [] });
      const buttons = buttonsOf(post);
      expect(buttons.map((button) => button.custom_id)).toEqual([1, 2, 3, 4].map((n) => `rb:run:quiz pick ${id} ${n}`));

      const ann = user({ id: "1290000000000000914", username: "ann", global_name: "Ann" });
      const ben = user({ id: "1290000000000000915", username: "ben", global_name: "Ben" });
      // Clicks on the posted quiz message itself, whose count the bot edits afterwards.
      const onPost = { channelId, message: { id: "1300000000000000777" } };
      const annFirst = await bot.click(buttons[right - 1]?.custom_id, ann, onPost);
      expect(annFirst.type).toBe(4);
      expect(annFirst.data?.flags).toBe(ephemeral);
      expect(embedText(annFirst.data)).toContain(`Got it: you chose ${right}`);
      bot.at("2026-03-09T09:02:00Z");
      const benFirst = await bot.click(buttons[right - 1]?.custom_id, ben, onPost);
      expect(benFirst.data?.flags).toBe(ephemeral);
      expect(embedText(benFirst.data)).toContain(`Got it: you chose ${right}`);

      const annAgain = await bot.click(buttons[right % 4]?.custom_id, ann, onPost);
      // The channel's message shows how many answered, and nothing of who or what.
      const editPath = `/channels/${channelId}/messages/${onPost.message.id}`;
      const edits = () => fake.requests.filter((request) => request.method === "PATCH" && request.path === editPath);
      await fake.until(() => edits().some((edit) => JSON.stringify(edit.body).includes("2 answered so far")));
      const lastEdit = JSON.stringify(edits().at(-1)?.body);
      expect(lastEdit).toContain(`Quiz of the day: ${question.prompt}`);
      expect(lastEdit).not.toMatch(/\bAnn\b|\bBen\b/);
      expect(edits().at(-1)?.body).toMatchObject({ allowed_mentions: { parse: [] } });
      expect(annAgain.data?.flags).toBe(ephemeral);
      expect(embedText(annAgain.data)).toContain(`You already answered this quiz (you chose ${right})`);
      const stored = await repositories(bot.store, silentLogger, "UTC").channelQuizzes.answers(id);
      expect([...stored.keys()].sort()).toEqual([ann.id, ben.id].sort());
      expect(stored.get(ann.id)?.choice).toBe(right);

      bot.at("2026-03-09T12:00:00Z");
      const revealed = (await reveal(bot, channelId)).body as CallbackBody;
      expect(revealed.type).toBe(4);
      expect(revealed.data?.flags ?? 0).toBe(0);
      expect(revealed.data?.allowed_mentions).toEqual({ parse: [] });
      const shown = embedText(revealed.data);
      expect(shown).toContain(`Quiz answer: ${question.prompt}`);
      expect(shown).toContain(`${right}. ${question.choices[question.answer]?.label ?? "(no label)"}  ✓ the answer`);
      expect(shown).toContain("2 answered, 2 right. First right: Ann and Ben.");
    } finally {
      await bot.stop();
    }
  });

  it("GIVEN someone named `<!channel> @everyone` answered right WHEN the reveal is posted THEN the response Discord received carries allowed_mentions with parse: []", async () => {
    const bot = await learningBot("2026-03-09T08:00:00Z");
    const channelId = "1290000000000000220";
    try {
      const { post, right, wrong } = await postedChannelQuiz(bot, channelId);
      const buttons = buttonsOf(post);
      const pinger = user({ id: "1290000000000000916", username: "pinger", global_name: "<!channel> @everyone" });
      const cat = user({ id: "1290000000000000917", username: "cat", global_name: "Cat" });
      expect(embedText((await bot.click(buttons[right - 1]?.custom_id, pinger, { channelId })).data)).toContain(
        `Got it: you chose ${right}`,
      );
      bot.at("2026-03-09T09:02:00Z");
      expect(embedText((await bot.click(buttons[wrong - 1]?.custom_id, cat, { channelId })).data)).toContain(
        `Got it: you chose ${wrong}`,
      );

      const request = await reveal(bot, channelId);
      expect(request.method).toBe("POST");
      expect(request.path).toMatch(/^\/interactions\/\d+\/[^/]+\/callback$/);
      const sent = request.body as CallbackBody;
      expect(sent.type).toBe(4);
      expect(sent.data?.flags ?? 0).toBe(0);
      expect(sent.data?.allowed_mentions).toEqual({ parse: [] });
      expect(embedText(sent.data)).toContain("2 answered, 1 right. First right: <!channel> @everyone.");
    } finally {
      await bot.stop();
    }
  });
});
