import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/logger.ts";
import { type RunningBot, startBot } from "../src/main.ts";
import { createMetrics, type Metrics } from "../src/metrics.ts";
import { repositories } from "../src/repositories.ts";
import { DailyScheduler } from "../src/schedule/daily-scheduler.ts";
import { DeliveryError } from "../src/schedule/delivery.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import { reminderId } from "../src/schedule/subscription.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { FakeSlack, postSigned, slashCommandBody } from "./e2e/fake-slack.ts";
import { contentDir, makeCore } from "./helpers.ts";
import { channelSubscription, RecordingDelivery } from "./schedule-sim.ts";

const secret = "test-signing-secret";
const fake = new FakeSlack();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

/** The value of one sample line (`name{labels} value`) in Prometheus text, or undefined. */
const sample = (text: string, line: string): number | undefined => {
  const found = text.split("\n").find((candidate) => candidate.startsWith(`${line} `));
  return found === undefined ? undefined : Number(found.slice(line.length + 1));
};

describe("GET /metrics on the bot's HTTP server", () => {
  const store = openMemoryStore(silentLogger);
  let bot: RunningBot;
  let url: string;
  let responses = 0;
  // Monday 2 March 2026, 09:01 UTC: a 09:00 daily topic is due.
  const now = new Date("2026-03-02T09:01:00.000Z");

  beforeAll(async () => {
    const env = {
      SLACK_BOT_TOKEN: "xoxb-test",
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      PORT: "0",
      CONTENT_DIR: contentDir,
      LOG_LEVEL: "silent",
    };
    bot = await startBot(loadConfig(env), { store, cron: false, clock: () => now });
    url = `http://127.0.0.1:${bot.port}`;
  });
  afterAll(() => bot.stop());

  const slash = async (text: string) => {
    const body = slashCommandBody({ text, responseUrl: fake.responseUrl(`m${++responses}`) });
    const response = await postSigned(`${url}/slack/events`, body, { secret });
    expect(response.status).toBe(200);
  };

  it("GIVEN an ok command, a user error and unparsable text THEN each is counted by command and outcome, and timed", async () => {
    await slash("stage 17");
    await slash("stage 99");
    await slash("make me a sandwich please");
    const response = await fetch(`${url}/metrics`);
    expect(response.status).toBe(200);
    expect(response.headers.get("content-type")).toBe(bot.app.metrics?.registry.contentType);
    const text = await response.text();
    expect(text).toContain('roadmap_bot_commands_total{command="stage",outcome="ok"} 1\n');
    expect(text).toContain('roadmap_bot_commands_total{command="stage",outcome="user-error"} 1\n');
    expect(text).toContain('roadmap_bot_commands_total{command="unknown",outcome="user-error"} 1\n');
    // The user's words never become a label.
    expect(text).not.toContain("sandwich");
    expect(sample(text, 'roadmap_bot_command_duration_seconds_count{command="stage"}')).toBe(2);
    expect(sample(text, 'roadmap_bot_command_duration_seconds_count{command="unknown"}')).toBe(1);
    // The default process metrics come along, under the bot's prefix.
    expect(text).toContain("roadmap_bot_process_cpu_seconds_total");
  });

  it("GIVEN the bot's scheduler posts a daily topic THEN the bot's /metrics counts it", async () => {
    const { schedule } = repositories(store, silentLogger, "UTC");
    await schedule.subscriptions.put(
      channelSubscription({ id: "c1", channelId: "C1", weekdays: [1, 2, 3, 4, 5, 6, 7] }),
    );
    const report = await bot.app.scheduler([new RecordingDelivery()]).tick();
    expect(report.posted).toHaveLength(1);
    const text = await (await fetch(`${url}/metrics`)).text();
    expect(text).toContain('roadmap_bot_daily_posts_total{kind="channel",outcome="posted"} 1\n');
  });

  it("GIVEN another path or method THEN 404", async () => {
    expect((await fetch(`${url}/metrics`, { method: "POST" })).status).toBe(404);
    expect((await fetch(`${url}/metricsz`)).status).toBe(404);
  });
});

describe("DailyScheduler counts its posts", () => {
  it("GIVEN a channel post, a failing channel, a reminder and a weekly recap THEN each is counted by kind and outcome", async () => {
    let now = new Date("2026-03-04T12:00:00Z"); // Wednesday of ISO week 10
    const store = openMemoryStore(silentLogger);
    const { core } = await makeCore({ store, now: () => now });
    const metrics: Metrics = createMetrics({ defaultMetrics: false });
    const { schedule, progress, standings, quizzes, channelQuizzes } = repositories(store, silentLogger, "UTC");
    const delivery = new RecordingDelivery();
    delivery.failing.set("C-broken", new DeliveryError("channel_not_found", "channel_not_found", true));
    const scheduler = new DailyScheduler({
      subscriptions: schedule.subscriptions,
      ledger: new PostLedger(store, silentLogger),
      progress,
      standings,
      quizDeps: { quizzes, channelQuizzes, standings },
      roadmaps: core,
      deliveries: [delivery],
      logger: silentLogger,
      instance: "a",
      clock: () => now,
      metrics,
    });
    // Someone on C1's board last week, so Monday's first post is followed by a recap.
    const who = { platform: "test", userId: "U-ann", displayName: "Ann", teamId: "T1", channelId: "C1" };
    await core.handle({ text: `done ${core.defaultRoadmap.topics[0]?.id}`, who });
    const everyDay = [1, 2, 3, 4, 5, 6, 7];
    await schedule.subscriptions.put(
      channelSubscription({ id: "c1", channelId: "C1", weekdays: everyDay, recap: "weekly" }),
      channelSubscription({ id: "c2", channelId: "C-broken", weekdays: everyDay }),
      {
        ...channelSubscription({ id: reminderId("test", "U-rem"), channelId: "", weekdays: everyDay }),
        kind: "reminder",
        userId: "U-rem",
      },
    );
    now = new Date("2026-03-09T09:01:00Z"); // Monday of week 11
    await scheduler.tick();
    const text = await metrics.registry.metrics();
    expect(text).toContain('roadmap_bot_daily_posts_total{kind="channel",outcome="posted"} 1\n');
    expect(text).toContain('roadmap_bot_daily_posts_total{kind="channel",outcome="failed"} 1\n');
    expect(text).toContain('roadmap_bot_daily_posts_total{kind="reminder",outcome="posted"} 1\n');
    expect(text).toContain('roadmap_bot_daily_posts_total{kind="recap",outcome="posted"} 1\n');
  });
});
