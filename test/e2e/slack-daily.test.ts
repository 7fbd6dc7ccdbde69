import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { startBot } from "../../src/main.ts";
import { openStore } from "../../src/store/open-store.ts";
import { withTempDir } from "../helpers.ts";
import { FakeSlack, messageText, postSigned, slackHttpEnv, slashCommandBody } from "./fake-slack.ts";

const secret = "test-signing-secret";
const fake = new FakeSlack();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const env = () => loadConfig(slackHttpEnv(fake, secret));

/** The bot on an SQLite file, with the clock the test sets and no cron: the test runs the ticks. */
async function bot(file: string, clock: () => Date, instance: string) {
  const store = await openStore(`sqlite://${file}`, silentLogger);
  const running = await startBot(env(), { store, clock, cron: false, instance });
  const slash = async (text: string, user = "U0ADMIN") => {
    const response = await postSigned(
      `http://127.0.0.1:${running.port}/slack/events`,
      slashCommandBody({ text, user, responseUrl: fake.responseUrl(`r-${text}`), channelId: "C0DAILY" }),
      { secret },
    );
    return messageText(response.json());
  };
  return { running, slash };
}

describe("Slack daily topic, end to end through the real Bolt", () => {
  it("GIVEN an admin's `daily on` THEN the channel gets one post per day at 09:00 Berlin, also after a restart past the slot", async () => {
    await withTempDir(async (dir) => {
      let now = new Date("2026-03-02T06:00:00Z"); // Monday, 07:00 in Berlin
      const clock = () => now;
      fake.setRoles("U0ADMIN", { is_admin: true });
      const first = await bot(`${dir}/bot.sqlite`, clock, "first");
      try {
        expect(await first.slash("daily on 09:00 Europe/Berlin", "U0MEMBER")).toContain(
          "Only workspace admins and owners",
        );
        expect(await first.slash("daily on 09:00 Europe/Berlin")).toContain(
          "Mon 2 Mar 09:00 Europe/Berlin (08:00 UTC)",
        );
        now = new Date("2026-03-02T08:00:30Z");
        await first.running.scheduler.tick();
        await first.running.scheduler.tick();
      } finally {
        await first.running.stop();
      }
      const posts = () => fake.postsTo("C0DAILY");
      expect(posts()).toHaveLength(1);
      expect(JSON.stringify(posts()[0])).toContain("Today's topic");
      // Down over Tuesday's slot; back at 15:00 Berlin: one catch-up post, and Monday's not repeated.
      now = new Date("2026-03-03T14:00:00Z");
      const second = await bot(`${dir}/bot.sqlite`, clock, "second");
      try {
        await second.running.scheduler.tick();
        await second.running.scheduler.tick();
        expect(posts()).toHaveLength(2);
        expect(JSON.stringify(posts()[1])).toContain("Catch-up post");
        const status = await second.slash("daily status", "U0MEMBER");
        expect(status).toContain("Wed 4 Mar 09:00 Europe/Berlin (08:00 UTC)");
        expect(status).toContain("2026-03-03");
        expect(status).toContain("(catch-up)");
      } finally {
        await second.running.stop();
      }
    });
  });

  it("GIVEN the bot was removed from the channel THEN status names the error and the fix", async () => {
    await withTempDir(async (dir) => {
      let now = new Date("2026-03-02T06:00:00Z");
      fake.setRoles("U0ADMIN", { is_admin: true });
      const { running, slash } = await bot(`${dir}/bot.sqlite`, () => now, "only");
      try {
        await slash("daily on 09:00 Europe/Berlin");
        fake.failChannel("C0DAILY", "not_in_channel");
        now = new Date("2026-03-02T08:01:00Z");
        const report = await running.scheduler.tick();
        expect(report.failed).toMatchObject([{ permanent: true }]);
        const status = await slash("daily status");
        expect(status).toContain("not_in_channel");
        expect(status).toContain("/invite @roadmap-bot");
      } finally {
        await running.stop();
        fake.clearScripts();
      }
    });
  });
});
