import { describe, expect, it } from "vitest";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { scheduleContext } from "../src/schedule/schedule-context.ts";
import { channelSubscriptionId, reminderId } from "../src/schedule/subscription.ts";
import { makeCore, textOf } from "./helpers.ts";

// Monday 2 March 2026, 10:00 UTC.
const admin: Who = { platform: "test", userId: "U-admin", displayName: "Ada", teamId: "T1", channelId: "C1" };
const member: Who = { ...admin, userId: "U-member", displayName: "Max" };

const managers = (allowed: boolean): ChannelManagers => ({
  description: "members with Manage Channels",
  check: async () => allowed,
});

async function setup() {
  const made = await makeCore();
  const schedule = scheduleContext(made.store, silentLogger, "UTC");
  const run = (text: string, who: Who = admin, allowed = who === admin) =>
    made.core.handle({ text, who, channelManagers: managers(allowed) });
  return { ...made, schedule, run };
}

const id = channelSubscriptionId("test", "T1", "C1");

describe("daily", () => {
  it("GIVEN daily on with no settings THEN the channel gets 09:00 in the default zone, Monday to Friday, all topics, told to everyone", async () => {
    const { run, schedule } = await setup();
    const answer = await run("daily on");
    expect(answer.outcome).toBe("ok");
    expect(answer.private).toBe(false);
    expect(textOf(answer)).toContain("09:00 UTC, Monday to Friday, all topics");
    expect(textOf(answer)).toContain("Tue 3 Mar 09:00 UTC");
    expect(await schedule.subscriptions.get(id)).toMatchObject({
      time: { hour: 9, minute: 0 },
      zone: "UTC",
      weekdays: [1, 2, 3, 4, 5],
      track: "all",
      userId: "U-admin",
    });
  });

  it("GIVEN a time, zone, days and track THEN status shows the next post in local time and UTC and the position", async () => {
    const { run } = await setup();
    await run("daily on 18:30 europe/berlin mon,wed,fri required");
    const status = textOf(await run("daily status", member));
    expect(status).toContain("18:30 Europe/Berlin, Mon, Wed, Fri, Required topics only");
    expect(status).toContain("Mon 2 Mar 18:30 Europe/Berlin (17:30 UTC)");
    expect(status).toContain("topic 1 of 71");
    expect(status).toContain("Last post: none yet");
  });

  it("GIVEN the team's zone THEN daily on without a zone uses it", async () => {
    const { run } = await setup();
    expect((await run("team zone America/New_York")).outcome).toBe("ok");
    expect(textOf(await run("daily on 07:15"))).toContain("07:15 America/New_York");
  });

  it("GIVEN a wrong time or an unknown zone THEN one clear error names a valid example and nothing is saved", async () => {
    const { run, schedule } = await setup();
    const badTime = await run("daily on 25:00");
    expect(badTime.outcome).toBe("user-error");
    expect(textOf(badTime)).toContain("“25:00” is not a time of day");
    expect(textOf(badTime)).toContain("daily on 09:30 Europe/Berlin");
    const badZone = await run("daily on 09:00 Mars/Olympus");
    expect(textOf(badZone)).toContain("“Mars/Olympus” is not a time zone I know");
    expect(textOf(badZone)).toContain("Europe/Berlin");
    expect(await schedule.subscriptions.get(id)).toBeUndefined();
  });

  it("GIVEN a member without the right to manage the channel THEN on and off are refused, status and preview are not", async () => {
    const { run, schedule } = await setup();
    const refused = await run("daily on 09:00", member);
    expect(refused.outcome).toBe("user-error");
    expect(textOf(refused)).toContain("Only members with Manage Channels can change this channel's daily topic");
    expect(await schedule.subscriptions.get(id)).toBeUndefined();
    await run("daily on 09:00");
    expect((await run("daily off", member)).outcome).toBe("user-error");
    expect(await schedule.subscriptions.get(id)).toBeDefined();
    expect((await run("daily status", member)).outcome).toBe("ok");
    expect((await run("daily preview", member)).outcome).toBe("ok");
  });

  it("GIVEN the team lets anyone manage daily topics THEN a member may, and only managers can change that", async () => {
    const { run } = await setup();
    expect((await run("team daily-managers anyone", member)).outcome).toBe("user-error");
    expect((await run("team daily-managers anyone")).outcome).toBe("ok");
    expect((await run("daily on 09:00", member)).outcome).toBe("ok");
    expect((await run("daily off", member)).outcome).toBe("ok");
  });

  it("GIVEN a preview THEN it is private, shows the next topic and advances nothing", async () => {
    const { run, schedule, core } = await setup();
    await run("daily on");
    const first = core.defaultRoadmap.topics[0]?.title ?? "";
    for (let i = 0; i < 2; i++) {
      const preview = await run("daily preview", member);
      expect(preview.private).toBe(true);
      expect(textOf(preview)).toContain(`Today's topic: ${first}`);
      expect(textOf(preview)).toContain("only you see this");
    }
    expect((await schedule.subscriptions.state(id)).lastTopicId).toBeUndefined();
  });

  it("GIVEN a direct message THEN daily explains it belongs in a channel and points to remind", async () => {
    const { run } = await setup();
    const answer = await run("daily on", { ...admin, inDirectMessage: true });
    expect(answer.outcome).toBe("user-error");
    expect(textOf(answer)).toContain("remind on 09:00");
  });

  it("GIVEN daily off THEN the subscription is gone and daily on continues where it stopped", async () => {
    const { run, schedule } = await setup();
    await run("daily on");
    await schedule.subscriptions.updateState(id, (state) => ({ ...state, lastTopicId: "argocd-architecture" }));
    expect(textOf(await run("daily off"))).toContain("Daily topic off");
    expect(await schedule.subscriptions.get(id)).toBeUndefined();
    expect(textOf(await run("daily on"))).toContain("ApplicationSets");
  });

  it("GIVEN an unknown mode THEN the error lists the modes", async () => {
    const { run } = await setup();
    expect(textOf(await run("daily sometimes"))).toContain("daily status");
  });

  it("GIVEN user text with a mass mention THEN it never reaches a reply unquoted", async () => {
    const { run } = await setup();
    const answer = textOf(await run("daily on <!channel> @everyone"));
    expect(answer).toContain("I don't understand");
    expect(answer).not.toContain("@everyone ");
  });
});

describe("daily leaderboard", () => {
  it("GIVEN a channel with a daily topic THEN a manager turns the weekly recap on and off, status shows it, and daily on keeps it", async () => {
    const { run, schedule } = await setup();
    await run("daily on 09:30 weekdays");
    const on = await run("daily leaderboard weekly");
    expect(on.outcome).toBe("ok");
    expect(on.private).toBe(false);
    expect(textOf(on)).toContain("last week's top 5 in this channel");
    expect((await schedule.subscriptions.get(id))?.recap).toBe("weekly");
    expect(textOf(await run("daily status"))).toContain("Weekly leaderboard: on");
    await run("daily on 10:00");
    expect(await schedule.subscriptions.get(id)).toMatchObject({ recap: "weekly", time: { hour: 10, minute: 0 } });
    expect(textOf(await run("daily leaderboard off"))).toContain("Weekly leaderboard off");
    expect((await schedule.subscriptions.get(id))?.recap).toBeUndefined();
    expect(textOf(await run("daily status"))).toContain("Weekly leaderboard: off");
  });

  it("GIVEN no daily topic, a member, or a wrong word THEN one clear error each and nothing changes", async () => {
    const { run, schedule } = await setup();
    const none = await run("daily leaderboard weekly");
    expect(none.outcome).toBe("user-error");
    expect(textOf(none)).toContain("this channel has none");
    expect(textOf(none)).toContain("daily on 09:00");
    await run("daily on");
    const member_ = await run("daily leaderboard weekly", member);
    expect(member_.outcome).toBe("user-error");
    expect(textOf(await run("daily leaderboard monthly"))).toContain("`weekly` or `off`");
    expect((await schedule.subscriptions.get(id))?.recap).toBeUndefined();
  });
});

describe("remind", () => {
  const person: Who = { platform: "test", userId: "U-rem", displayName: "Rem", teamId: "T1", channelId: "C1" };

  it("GIVEN remind on THEN the person's reminder is stored, private, and remind off removes it", async () => {
    const { core, schedule } = await setup();
    const on = await core.handle({ text: "remind on 07:45 Europe/Berlin daily", who: person });
    expect(on.private).toBe(true);
    expect(textOf(on)).toContain("07:45 Europe/Berlin, every day");
    expect(await schedule.subscriptions.get(reminderId("test", "U-rem"))).toMatchObject({ kind: "reminder" });
    expect(textOf(await core.handle({ text: "remind status", who: person }))).toContain("Next reminder");
    await core.handle({ text: "remind off", who: person });
    expect(await schedule.subscriptions.get(reminderId("test", "U-rem"))).toBeUndefined();
  });

  it("GIVEN remind with a bad time THEN the error names an example", async () => {
    const { core } = await setup();
    expect(textOf(await core.handle({ text: "remind on 7pm", who: person }))).toContain("HH:MM");
  });
});
