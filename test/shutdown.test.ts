import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { type RunningBot, startBot } from "../src/main.ts";

import { APP_ID, type CallbackBody, chatInput, FakeDiscord, type MessageBody } from "./e2e/fake-discord.ts";
import { FakeSlack, messageText, postSigned, type SlackResponse, slashCommandBody } from "./e2e/fake-slack.ts";
import { alice, contentDir, gatedStore, textOf } from "./helpers.ts";

const secret = "test-signing-secret";
const slack = new FakeSlack();
const discord = new FakeDiscord();
beforeAll(() => Promise.all([slack.start(), discord.start()]));
afterAll(() => Promise.all([slack.stop(), discord.stop()]));

const common = { PORT: "0", CONTENT_DIR: contentDir, LOG_LEVEL: "silent" };

/** Lets every pending callback and I/O event run once, several times over; no timers involved. */
const settle = async () => {
  for (let round = 0; round < 20; round++) await new Promise((resolve) => setImmediate(resolve));
};

/** Starts stop() and reports whether it has resolved yet. */
function stopping(bot: RunningBot) {
  const state = { done: false, promise: bot.stop() };
  void state.promise.then(() => {
    state.done = true;
  });
  return state;
}

describe("stop() while a command is in flight", () => {
  it("GIVEN a Slack command waiting on a slow store THEN stop stops taking work, waits for it, the answer goes out, and stop resolves", async () => {
    const { store, release } = gatedStore();
    const env = { ...common, SLACK_BOT_TOKEN: "xoxb-test", SLACK_SIGNING_SECRET: secret, SLACK_API_URL: slack.apiUrl };
    const bot = await startBot(loadConfig(env), { store, cron: false, slackDeferAfterMs: 50 });
    try {
      const body = slashCommandBody({ text: "stage 17", responseUrl: slack.responseUrl("in-flight") });
      // Slack got its empty acknowledgement; the command itself still waits for the store.
      expect((await postSigned(`http://127.0.0.1:${bot.port}/slack/events`, body, { secret })).status).toBe(200);
      expect(bot.app.core.inFlight).toBe(1);

      const stop = stopping(bot);
      expect(bot.server.listening).toBe(false);
      // Work arriving now (Discord's gateway, a kept-alive connection) is turned away politely.
      const late = await bot.app.core.handle({ text: "stage 17", who: alice });
      expect(late.outcome).toBe("internal-error");
      expect(textOf(late)).toContain("Try again in a minute.");
      await settle();
      expect(stop.done).toBe(false);

      release();
      await stop.promise;
      expect(bot.app.core.inFlight).toBe(0);
      const answer = (await slack.response("in-flight")) as SlackResponse;
      expect(messageText(answer)).toContain("Stage 17 · ArgoCD");
      // A second stop (a second signal) is the same shutdown, not a new one.
      await expect(bot.stop()).resolves.toBeUndefined();
    } finally {
      release();
      await bot.stop();
    }
  });

  it("GIVEN a Discord command deferred on a slow store THEN stop waits for it and the deferred answer is edited in", async () => {
    const { store, release } = gatedStore();
    const env = {
      ...common,
      DISCORD_TOKEN: "fake-token",
      DISCORD_APPLICATION_ID: APP_ID,
      DISCORD_API_URL: discord.apiUrl,
    };
    const bot = await startBot(loadConfig(env), { store, cron: false, discordDeferAfterMs: 50 });
    try {
      const payload = await discord.interaction(
        chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] }),
      );
      expect(((await discord.callback(payload.id)) as CallbackBody).type).toBe(5);
      expect(bot.app.core.inFlight).toBe(1);

      const stop = stopping(bot);
      await settle();
      expect(stop.done).toBe(false);

      release();
      await stop.promise;
      const edit: MessageBody = await discord.edit(payload.token);
      expect(JSON.stringify(edit.embeds)).toContain("Stage 17 · ArgoCD");
    } finally {
      release();
      await bot.stop();
    }
  });
});
