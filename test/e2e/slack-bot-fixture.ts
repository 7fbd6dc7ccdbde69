import { afterAll, beforeAll } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { type AppOverrides, type RunningBot, startBot } from "../../src/main.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { FakeSlack, postSigned, type SlackResponse, slackHttpEnv, slashCommandBody } from "./fake-slack.ts";

export const signingSecret = "test-signing-secret";

/**
 * A test file's bot in Slack HTTP mode against its own fake Slack, on a memory store and a fixed
 * clock (Monday 9 March 2026, 10:00 UTC), started before its tests and stopped after them.
 */
export function slackBotForTests(overrides: AppOverrides = {}) {
  const fake = new FakeSlack();
  const state: { bot: RunningBot | undefined; responses: number } = { bot: undefined, responses: 0 };
  beforeAll(async () => {
    await fake.start();
    state.bot = await startBot(loadConfig(slackHttpEnv(fake, signingSecret)), {
      store: openMemoryStore(silentLogger),
      clock: () => new Date("2026-03-09T10:00:00Z"),
      cron: false,
      ...overrides,
    });
  });
  afterAll(async () => {
    await state.bot?.stop();
    await fake.stop();
  });
  const events = () => `http://127.0.0.1:${state.bot?.port}/slack/events`;
  return {
    fake,
    events,
    /** A signed `/roadmap <text>` from `user`; the answer as Slack reads it. */
    async slash(
      user: string,
      text: string,
      fields: { userName?: string; channelId?: string; team?: string } = {},
    ): Promise<SlackResponse> {
      const answer = await postSigned(
        events(),
        slashCommandBody({
          text,
          user,
          userName: fields.userName ?? user.toLowerCase(),
          responseUrl: fake.responseUrl(`r${++state.responses}`),
          ...(fields.channelId ? { channelId: fields.channelId } : {}),
          ...(fields.team ? { team: fields.team } : {}),
        }),
        { secret: signingSecret },
      );
      if (answer.status !== 200) throw new Error(`the bot answered ${answer.status}`);
      return answer.json() as SlackResponse;
    },
  };
}
