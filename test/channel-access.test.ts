import { describe, expect, it } from "vitest";
import type { ChannelAccess, ChannelManagers, Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { scheduleContext } from "../src/schedule/schedule-context.ts";
import { channelSubscriptionId } from "../src/schedule/subscription.ts";
import { makeCore, textOf } from "./helpers.ts";
import { scanStore } from "./store-scan.ts";

const admin: Who = { platform: "test", userId: "U-admin", displayName: "Ada", teamId: "T1", channelId: "C1" };
const managers: ChannelManagers = { description: "members with Manage Channels", check: async () => true };
const id = channelSubscriptionId("test", "T1", "C1");

/** A platform's answer, and how often it was asked. */
function access(refusal?: { problem: string; fix: string }): ChannelAccess & { asked: number } {
  const counted = {
    asked: 0,
    async check() {
      counted.asked++;
      return refusal;
    },
  };
  return counted;
}

const refusal = {
  problem: "roadmap-bot cannot post here: it lacks Send Messages in this channel.",
  fix: "Allow it in the channel's settings, then run it again.",
};

async function setup() {
  const made = await makeCore();
  const schedule = scheduleContext(made.store, silentLogger, "UTC");
  const run = (text: string, channelAccess?: ChannelAccess) =>
    made.core.handle({ text, who: admin, channelManagers: managers, ...(channelAccess ? { channelAccess } : {}) });
  return { ...made, schedule, run };
}

describe("daily on and daily quiz on check that the bot can post in the channel", () => {
  it("GIVEN a channel the bot cannot post in THEN `daily on` answers the problem and the fix, and the store is untouched", async () => {
    const { run, store, schedule } = await setup();
    const before = await scanStore(store);
    const answer = await run("daily on 09:30 Europe/Berlin", access(refusal));
    expect(answer.outcome).toBe("user-error");
    expect(answer.private).toBe(true);
    expect(textOf(answer)).toBe(`${refusal.problem} ${refusal.fix}`);
    expect(await scanStore(store)).toEqual(before);
    expect(await schedule.subscriptions.get(id)).toBeUndefined();
  });

  it("GIVEN a channel the bot cannot post in THEN `daily quiz on` is refused the same way and writes nothing, also when the daily topic is already on", async () => {
    const { run, store } = await setup();
    const empty = await scanStore(store);
    const refused = await run("daily quiz on 09:00", access(refusal));
    expect(textOf(refused)).toBe(`${refusal.problem} ${refusal.fix}`);
    expect(await scanStore(store)).toEqual(empty);

    expect((await run("daily on 09:00", access())).outcome).toBe("ok");
    const withDaily = await scanStore(store);
    expect((await run("daily quiz on", access(refusal))).outcome).toBe("user-error");
    expect(await scanStore(store)).toEqual(withDaily);
  });

  it("GIVEN the bot can post THEN `daily on` and `daily quiz on` work as before, each asking once", async () => {
    const { run, schedule } = await setup();
    const allowed = access();
    expect((await run("daily on 09:00", allowed)).outcome).toBe("ok");
    expect((await run("daily quiz on", allowed)).outcome).toBe("ok");
    expect(allowed.asked).toBe(2);
    expect(await schedule.subscriptions.get(id)).toMatchObject({ quiz: "on" });
  });

  it("GIVEN the person may not manage the channel THEN that is said first and the platform is not asked", async () => {
    const made = await makeCore();
    const asked = access(refusal);
    const answer = await made.core.handle({
      text: "daily on",
      who: admin,
      channelManagers: { ...managers, check: async () => false },
      channelAccess: asked,
    });
    expect(textOf(answer)).toContain("Only members with Manage Channels");
    expect(asked.asked).toBe(0);
  });

  it("GIVEN commands that only look or turn things off THEN the platform is not asked", async () => {
    const { run } = await setup();
    await run("daily on 09:00", access());
    const asked = access(refusal);
    for (const text of ["daily status", "daily preview", "daily off"]) {
      expect((await run(text, asked)).outcome, text).toBe("ok");
    }
    expect(asked.asked).toBe(0);
  });

  it("GIVEN no channel access (the console) THEN nothing is checked", async () => {
    const { run } = await setup();
    expect((await run("daily on 09:00")).outcome).toBe("ok");
  });
});
