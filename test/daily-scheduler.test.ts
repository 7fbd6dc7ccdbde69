import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { DailyScheduler } from "../src/schedule/daily-scheduler.ts";
import { DeliveryError } from "../src/schedule/delivery.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import { channelSubscriptionId, reminderId, type Subscription } from "../src/schedule/subscription.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { makeCore, withTempDir } from "./helpers.ts";
import {
  channelSubscription,
  duplicates,
  localDate,
  RecordingDelivery,
  scheduledDates,
  ticks,
} from "./schedule-sim.ts";

async function schedulerOn(
  store: Store,
  options: { instance?: string; clock: () => Date; delivery?: RecordingDelivery },
) {
  const { core } = await makeCore({ store, now: options.clock });
  const { schedule, progress, standings, quizzes, channelQuizzes } = repositories(store, silentLogger, "UTC");
  const delivery = options.delivery ?? new RecordingDelivery();
  const scheduler = new DailyScheduler({
    subscriptions: schedule.subscriptions,
    ledger: new PostLedger(store, silentLogger),
    progress,
    standings,
    quizDeps: { quizzes, channelQuizzes, standings },
    roadmaps: core,
    deliveries: [delivery],
    logger: silentLogger,
    instance: options.instance ?? "a",
    clock: options.clock,
  });
  return { core, scheduler, delivery, subscriptions: schedule.subscriptions };
}

/** A clock the test moves by hand. */
function steppable(start: string) {
  let now = new Date(start);
  return { clock: () => now, set: (at: Date | string) => (now = new Date(at)) };
}

describe("DailyScheduler", () => {
  it("GIVEN a weekday subscription THEN each weekday gets the next topic in roadmap order, weekends nothing", async () => {
    const time = steppable("2026-03-02T00:00:00Z"); // a Monday
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions, core } = await schedulerOn(store, { clock: time.clock });
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1" }));
    for (const at of ticks("2026-03-02T00:00:00Z", "2026-03-09T23:50:00Z", 10)) {
      time.set(at);
      await scheduler.tick();
    }
    const titles = core.defaultRoadmap.topics.slice(0, 6).map((topic) => `Today's topic: ${topic.title}`);
    expect(delivery.sent.map((post) => post.title)).toEqual(titles);
    expect(delivery.sent.map((post) => post.key)).toEqual(
      ["02", "03", "04", "05", "06", "09"].map((day) => `c1@2026-03-${day}`),
    );
    // Stage context, level and the three buttons travel with the post.
    expect(delivery.sent[0]?.text).toContain("Stage 1 · ");
    expect(delivery.sent[0]?.text).toContain("topic 1 of");
  });

  it("GIVEN the Required track THEN only Required topics are posted", async () => {
    const time = steppable("2026-03-02T09:00:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions, core } = await schedulerOn(store, { clock: time.clock });
    await subscriptions.put(
      channelSubscription({ id: "c1", channelId: "C1", track: "required", weekdays: [1, 2, 3, 4, 5, 6, 7] }),
    );
    for (let day = 0; day < 10; day++) {
      time.set(new Date(Date.parse("2026-03-02T09:01:00Z") + day * 86_400_000));
      await scheduler.tick();
    }
    const required = core.defaultRoadmap.topics.filter((topic) => topic.level === "required").slice(0, 10);
    expect(delivery.sent.map((post) => post.title)).toEqual(required.map((topic) => `Today's topic: ${topic.title}`));
  });

  it("GIVEN the last topic was posted THEN a closing post celebrates and the next day starts over", async () => {
    const time = steppable("2026-03-02T09:01:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions, core } = await schedulerOn(store, { clock: time.clock });
    const topics = core.defaultRoadmap.topics;
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1", weekdays: [1, 2, 3, 4, 5, 6, 7] }));
    await subscriptions.updateState("c1", (state) => ({ ...state, lastTopicId: topics.at(-2)?.id }));
    for (let day = 0; day < 3; day++) {
      time.set(new Date(Date.parse("2026-03-02T09:01:00Z") + day * 86_400_000));
      await scheduler.tick();
    }
    expect(delivery.sent.map((post) => post.title)).toEqual([
      `Today's topic: ${topics.at(-1)?.title}`,
      "Release Engineer Beginner to Expert: complete!",
      `Today's topic: ${topics[0]?.title}`,
    ]);
    expect((await subscriptions.state("c1")).rounds).toBe(1);
  });

  it("GIVEN the bot was down at the slot THEN it posts once later that day, marked as a catch-up, and never a missed day", async () => {
    const time = steppable("2026-03-02T15:00:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions } = await schedulerOn(store, { clock: time.clock });
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1" }));
    await scheduler.tick();
    await scheduler.tick();
    expect(delivery.sent).toHaveLength(1);
    expect(delivery.sent[0]?.text).toContain("Catch-up post: this was due at Mon 2 Mar 09:00 UTC");
    // Down from Tuesday to Thursday afternoon: Tuesday and Wednesday are not flooded in.
    time.set("2026-03-05T16:00:00Z");
    await scheduler.tick();
    expect(delivery.sent.map((post) => post.key)).toEqual(["c1@2026-03-02", "c1@2026-03-05"]);
  });

  it("GIVEN a channel failing three scheduled days THEN the others still post, it pauses, its owner gets a DM, and status says why", async () => {
    const time = steppable("2026-03-02T09:01:00Z");
    const store = openMemoryStore(silentLogger);
    const delivery = new RecordingDelivery();
    const { scheduler, subscriptions, core } = await schedulerOn(store, { clock: time.clock, delivery });
    await subscriptions.put(
      channelSubscription({
        id: channelSubscriptionId("test", "T1", "C-gone"),
        channelId: "C-gone",
        userId: "U-owner",
      }),
      channelSubscription({ id: "fine", channelId: "C-fine" }),
    );
    delivery.failing.set(
      "C-gone",
      new DeliveryError("the bot is not in this channel: invite it with /invite @roadmap-bot", "not_in_channel", true),
    );
    for (const day of ["02", "03", "04", "05"]) {
      for (const minute of ["01", "30", "59"]) {
        time.set(`2026-03-${day}T09:${minute}:00Z`);
        await scheduler.tick();
      }
    }
    expect(delivery.sent.filter((post) => post.target === "C-fine")).toHaveLength(4);
    const dms = delivery.sent.filter((post) => post.kind === "direct");
    expect(dms).toHaveLength(1);
    expect(dms[0]).toMatchObject({ target: "U-owner", title: "Daily posts paused" });
    expect(dms[0]?.text).toContain("invite it with /invite @roadmap-bot");
    expect((await subscriptions.get(channelSubscriptionId("test", "T1", "C-gone")))?.paused?.reason).toContain(
      "not in this channel",
    );
    const status = await core.handle({
      text: "daily status",
      who: { platform: "test", userId: "U-owner", teamId: "T1", channelId: "C-gone" },
    });
    const text = JSON.stringify(status.blocks);
    expect(text).toContain("paused");
    expect(text).toContain("not_in_channel");
    expect(text).toContain("3 failed days in a row");
  });

  it("GIVEN the platform itself failing (a revoked token) THEN status says so but no subscription pauses", async () => {
    const time = steppable("2026-03-02T09:01:00Z");
    const store = openMemoryStore(silentLogger);
    const delivery = new RecordingDelivery();
    const { scheduler, subscriptions } = await schedulerOn(store, { clock: time.clock, delivery });
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1" }));
    delivery.failing.set("C1", new DeliveryError("Slack rejected the bot token", "invalid_auth", true, true));
    for (const day of ["02", "03", "04", "05", "06"]) {
      time.set(`2026-03-${day}T09:01:00Z`);
      await scheduler.tick();
    }
    expect((await subscriptions.get("c1"))?.paused).toBeUndefined();
    expect(await subscriptions.state("c1")).toMatchObject({ failedDays: 0, lastError: { code: "invalid_auth" } });
    expect(delivery.sent).toEqual([]);
  });

  it("GIVEN a passing failure THEN the post is retried later the same day and goes out once", async () => {
    const time = steppable("2026-03-02T09:01:00Z");
    const store = openMemoryStore(silentLogger);
    const delivery = new RecordingDelivery();
    const { scheduler, subscriptions } = await schedulerOn(store, { clock: time.clock, delivery });
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1" }));
    delivery.failing.set("C1", new DeliveryError("Slack answered 500", "http_500", false));
    await scheduler.tick();
    delivery.failing.clear();
    time.set("2026-03-02T09:05:00Z");
    await scheduler.tick(); // too soon to retry
    expect(delivery.sent).toHaveLength(0);
    time.set("2026-03-02T09:20:00Z");
    await scheduler.tick();
    time.set("2026-03-02T10:00:00Z");
    await scheduler.tick();
    expect(delivery.sent.map((post) => post.key)).toEqual(["c1@2026-03-02"]);
    expect((await subscriptions.state("c1")).failedDays).toBe(0);
  });

  it("GIVEN the weekly recap THEN the week's first post is followed by last week's channel top 5 with names, once, and only in that week", async () => {
    const time = steppable("2026-03-04T12:00:00Z"); // Wednesday of ISO week 10
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions, core } = await schedulerOn(store, { clock: time.clock });
    const inChannel = (userId: string, displayName: string, channelId = "C1") =>
      ({ platform: "test", userId, displayName, teamId: "T1", channelId }) as const;
    const topics = core.defaultRoadmap.topics.filter((topic) => topic.level === "required");
    for (const [who, count] of [
      [inChannel("U-ann", "Ann"), 2],
      [inChannel("U-ben", "Ben <!channel>"), 1],
      [inChannel("U-elsewhere", "Eve", "C2"), 3],
    ] as const) {
      for (const topic of topics.slice(0, count)) await core.handle({ text: `done ${topic.id}`, who });
    }
    await subscriptions.put(
      channelSubscription({ id: "c1", channelId: "C1", weekdays: [2, 4], recap: "weekly" }),
      channelSubscription({ id: "c2", channelId: "C2", weekdays: [2, 4] }),
    );
    for (const at of ticks("2026-03-09T00:00:00Z", "2026-03-13T23:50:00Z", 30)) {
      time.set(at);
      await scheduler.tick();
    }
    // Tuesday 10 March is C1's first post of week 11; Thursday's comes alone; C2 has no recap.
    // Channels post concurrently, so the order across channels is not fixed.
    const sent = delivery.sent
      .map((post) => [post.key, post.title])
      .sort(([a], [b]) => String(a).localeCompare(String(b)));
    expect(sent).toEqual([
      ["c1@2026-03-10", `Today's topic: ${core.defaultRoadmap.topics[0]?.title}`],
      ["c1@2026-03-10/recap", "Last week's leaderboard in this channel"],
      ["c1@2026-03-12", `Today's topic: ${core.defaultRoadmap.topics[1]?.title}`],
      ["c2@2026-03-10", `Today's topic: ${core.defaultRoadmap.topics[0]?.title}`],
      ["c2@2026-03-12", `Today's topic: ${core.defaultRoadmap.topics[1]?.title}`],
    ]);
    const recapIndex = delivery.sent.findIndex((post) => post.key.endsWith("/recap"));
    const recap = delivery.sent[recapIndex]?.text ?? "";
    expect(recap).toContain("1. Ann · 6 pts\n2. Ben <!channel> · 3 pts");
    expect(recap).toContain("2 people · 9 pts in total");
    expect(recap).not.toContain("Eve");
    expect(delivery.sent[recapIndex]?.target).toEqual(
      delivery.sent.find((post) => post.key === "c1@2026-03-10")?.target,
    );
  });

  it("GIVEN the weekly recap and nobody on last week's board THEN no recap is posted", async () => {
    const time = steppable("2026-03-09T09:01:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, delivery, subscriptions } = await schedulerOn(store, { clock: time.clock });
    await subscriptions.put(channelSubscription({ id: "c1", channelId: "C1", recap: "weekly" }));
    await scheduler.tick();
    expect(delivery.sent.map((post) => post.key)).toEqual(["c1@2026-03-09"]);
  });

  it("GIVEN a reminder THEN the person gets their own next topic once a day, with their streak when today is not counted yet", async () => {
    const time = steppable("2026-03-03T07:00:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, subscriptions, delivery, core } = await schedulerOn(store, { clock: time.clock });
    const who = { platform: "test", userId: "U-rem", teamId: "T1" };
    // Studied yesterday: a one-day streak that today's study would extend.
    time.set("2026-03-02T12:00:00Z");
    await core.handle({ text: `done ${core.defaultRoadmap.topics[0]?.id}`, who });
    await subscriptions.put({
      ...channelSubscription({ id: reminderId("test", "U-rem"), channelId: "" }),
      kind: "reminder",
      userId: "U-rem",
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    } satisfies Subscription);
    for (const at of ticks("2026-03-03T08:00:00Z", "2026-03-03T23:50:00Z", 10)) {
      time.set(at);
      await scheduler.tick();
    }
    expect(delivery.sent).toHaveLength(1);
    expect(delivery.sent[0]).toMatchObject({ kind: "direct", target: "U-rem" });
    expect(delivery.sent[0]?.title).toBe(`Study reminder: ${core.defaultRoadmap.topics[1]?.title}`);
    expect(delivery.sent[0]?.text).toContain("1-day streak and have not studied today");
  });

  it("GIVEN reviews due WHEN the reminder goes out THEN it says how many, with a button to start, and a review answered counts for the streak", async () => {
    // Done at 06:00: the first reviews are due three days later at 06:00, before the 09:00 reminder.
    const time = steppable("2026-03-02T06:00:00Z");
    const store = openMemoryStore(silentLogger);
    const { scheduler, subscriptions, delivery, core } = await schedulerOn(store, { clock: time.clock });
    const who = { platform: "test", userId: "U-rev", teamId: "T1" };
    for (const topic of core.defaultRoadmap.topics.slice(0, 2)) await core.handle({ text: `done ${topic.id}`, who });
    await subscriptions.put({
      ...channelSubscription({ id: reminderId("test", "U-rev"), channelId: "" }),
      kind: "reminder",
      userId: "U-rev",
      weekdays: [1, 2, 3, 4, 5, 6, 7],
    } satisfies Subscription);
    // Three days later both first reviews are due; one is answered before the reminder's 09:00.
    time.set("2026-03-05T08:00:00Z");
    await core.handle({ text: `review ${core.defaultRoadmap.topics[0]?.id} remembered`, who });
    time.set("2026-03-05T09:01:00Z");
    await scheduler.tick();
    expect(delivery.sent).toHaveLength(1);
    expect(delivery.sent[0]?.text).toContain("1 review is due");
    // The review counted for today: no "have not studied today" line.
    expect(delivery.sent[0]?.text).not.toContain("have not studied today");
    expect(delivery.sent[0]?.buttons).toContain("review");
  });

  it("GIVEN three instances on one SQLite store ticking every 10 minutes for 30 days across both DST changes THEN zero duplicates and zero missed posts", async () => {
    await withTempDir(async (dir) => {
      const store = await openStore(`sqlite://${dir}/sim.sqlite`, silentLogger);
      try {
        const time = steppable("2027-03-01T00:00:00Z");
        const delivery = new RecordingDelivery();
        const instances = await Promise.all(
          ["a", "b", "c"].map((instance) => schedulerOn(store, { instance, clock: time.clock, delivery })),
        );
        const subs = [
          // 02:30 does not exist in New York on 14 March 2027 (spring forward): posts at 03:00.
          channelSubscription({ id: "ny", channelId: "C-ny", zone: "America/New_York", time: { hour: 2, minute: 30 } }),
          // Berlin springs forward on 28 March 2027.
          channelSubscription({
            id: "berlin",
            channelId: "C-berlin",
            zone: "Europe/Berlin",
            time: { hour: 9, minute: 0 },
            weekdays: [1, 2, 3, 4, 5, 6, 7],
          }),
          channelSubscription({
            id: "tokyo",
            channelId: "C-tokyo",
            zone: "Asia/Tokyo",
            time: { hour: 23, minute: 50 },
            weekdays: [1, 3, 5],
          }),
        ];
        await instances[0]?.subscriptions.put(...subs);
        for (const at of ticks("2027-03-01T00:00:00Z", "2027-03-31T23:50:00Z", 10)) {
          time.set(at);
          await Promise.all(instances.map(({ scheduler }) => scheduler.tick()));
        }
        const keys = delivery.sent.map((post) => post.key);
        expect(duplicates(keys)).toEqual([]);
        const lastDay = (zone: string) => localDate(Date.parse("2027-03-31T23:50:00Z") - 24 * 3_600_000, zone);
        for (const sub of subs) {
          const expected = scheduledDates("2027-03-01", lastDay(sub.zone), sub.weekdays).map(
            (date) => `${sub.id}@${date}`,
          );
          const got = keys.filter((key) => key.startsWith(`${sub.id}@`) && key.slice(-10) <= lastDay(sub.zone));
          expect(got).toEqual(expected);
        }
        // No post was a catch-up: the instances were running at every slot.
        expect(delivery.sent.filter((post) => post.text.includes("Catch-up"))).toEqual([]);
      } finally {
        await store.close();
      }
    });
  });
});
