import { describe, expect, it } from "vitest";
import type { Roadmap } from "../src/content/schema.ts";
import { teamProgressMapView } from "../src/core/picture-views.ts";
import type { ReplyPicture } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import type { ProgressMapView, WeeklyChartView } from "../src/pictures/views.ts";
import type { TopicRecord, UserProgress } from "../src/progress/model.ts";
import { repositories } from "../src/repositories.ts";
import { doneByDay, weekDays } from "../src/schedule/recap-pictures.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { makeCore, shippedRoadmaps } from "./helpers.ts";
import { channelSubscription, RecordingDelivery, schedulerFor } from "./schedule-sim.ts";

const progressOf = (records: Record<string, TopicRecord>): UserProgress => ({
  topics: new Map(Object.entries(records)),
});
const done = (since: string): TopicRecord => ({ status: "done", since });

async function roadmap(): Promise<Roadmap> {
  const [first] = await shippedRoadmaps();
  if (!first) throw new Error("no roadmap shipped");
  return first;
}

describe("the weekly recap's pictures", () => {
  it("GIVEN topics done around local midnight in a zone that just changed its clocks THEN each counts on its local day", async () => {
    const map = await roadmap();
    const [a, b, c, d, e] = map.topics.map((topic) => topic.id) as [string, string, string, string, string];
    // Los Angeles moved to PDT (UTC-7) on Sunday 8 March 2026; the week of 9 March is all PDT.
    const days = weekDays("week-2026-W11");
    expect(days[0]).toEqual({ year: 2026, month: 3, day: 9 });
    expect(days[6]).toEqual({ year: 2026, month: 3, day: 15 });
    const people = [
      progressOf({
        [a]: done("2026-03-09T06:59:00.000Z"), // Sunday 23:59 PDT: the week before
        [b]: done("2026-03-09T07:00:00.000Z"), // Monday 00:00 PDT
        [c]: done("2026-03-11T19:00:00.000Z"), // Wednesday noon
        [d]: { status: "skipped", since: "2026-03-11T19:00:00.000Z" },
      }),
      progressOf({
        [c]: done("2026-03-16T06:59:00.000Z"), // Sunday 15 March 23:59 PDT
        [e]: done("2026-03-16T07:00:00.000Z"), // the Monday after: outside
      }),
    ];
    expect(doneByDay(people, map, days, "America/Los_Angeles")).toEqual([1, 0, 1, 0, 0, 0, 1]);
    expect(doneByDay(people, map, weekDays("week-2026-W10"), "America/Los_Angeles")).toEqual([0, 0, 0, 0, 0, 0, 1]);
    // The same instants in UTC fall on other days.
    expect(doneByDay(people, map, days, "UTC")).toEqual([2, 0, 1, 0, 0, 0, 0]);
  });

  it("GIVEN a team's people THEN its map sums them: a station is done once all have done it, and the pin is on the middle person's stage", async () => {
    const map = await roadmap();
    const [stage1, stage2] = map.stages;
    if (!stage1 || !stage2) throw new Error("the roadmap has fewer than 2 stages");
    const all = (topics: readonly { id: string }[]) =>
      Object.fromEntries(topics.map((topic) => [topic.id, done("2026-03-02T10:00:00.000Z")]));
    const firstDone = progressOf(all(stage1.topics));
    const twoDone = progressOf({ ...all(stage1.topics), ...all(stage2.topics) });
    const nothing = progressOf({});
    const team = teamProgressMapView(map, [firstDone, twoDone, nothing], "This channel") as ProgressMapView;
    expect(team.people).toBe(3);
    expect(team.stations[0]).toMatchObject({ done: 2 * stage1.topics.length, total: 3 * stage1.topics.length });
    expect(team.stations[1]).toMatchObject({ done: stage2.topics.length, total: 3 * stage2.topics.length });
    expect(team.done).toBe(2 * stage1.topics.length + stage2.topics.length);
    expect(team.total).toBe(3 * map.topics.length);
    // Current stages 1 (nothing done), 2 and 3: the middle one is 2.
    expect(team.current).toBe(2);
    const everything = progressOf(all(map.topics));
    expect(teamProgressMapView(map, [everything, everything], "This channel")?.current).toBeUndefined();
    expect(teamProgressMapView(map, [], "This channel")).toBeUndefined();
  });

  it("GIVEN a channel's people over two weeks THEN the recap carries last week's topics per day, the week before's total and the channel's map, and none once the team turns pictures off", async () => {
    let now = new Date("2026-02-25T10:00:00Z");
    const clock = () => now;
    const store = openMemoryStore(silentLogger);
    const { core } = await makeCore({ store, now: clock });
    const wired = repositories(store, silentLogger, "UTC");
    const { schedule, standings } = wired;
    const delivery = new RecordingDelivery();
    const scheduler = schedulerFor({ store, wired, core, delivery, clock, instance: "a" });
    const who = (userId: string, displayName: string, channelId = "C1") =>
      ({ platform: "test", userId, displayName, teamId: "T1", channelId }) as const;
    const topics = core.defaultRoadmap.topics.map((topic) => topic.id);
    const mark = async (at: string, person: ReturnType<typeof who>, verb: string, ...ids: string[]) => {
      now = new Date(at);
      for (const id of ids) expect((await core.handle({ text: `${verb} ${id}`, who: person })).outcome).toBe("ok");
    };
    const ann = who("U-ann", "Ann");
    const ben = who("U-ben", "Ben");
    await mark("2026-02-25T10:00:00Z", ann, "done", topics[0] as string, topics[1] as string); // week 9
    await mark("2026-03-02T08:00:00Z", ann, "done", topics[2] as string, topics[3] as string); // Mon, week 10
    await mark("2026-03-04T12:00:00Z", ann, "done", topics[4] as string); // Wed
    await mark("2026-03-04T13:00:00Z", ben, "done", topics[0] as string); // Wed
    await mark("2026-03-08T23:30:00Z", ben, "done", topics[1] as string, topics[2] as string, topics[3] as string); // Sun
    await mark("2026-03-08T23:40:00Z", ben, "undo", topics[3] as string); // undone: not counted
    await mark("2026-03-05T09:00:00Z", who("U-eve", "Eve", "C2"), "done", topics[0] as string); // another channel
    await schedule.subscriptions.put(channelSubscription({ id: "c1", channelId: "C1", recap: "weekly" }));

    now = new Date("2026-03-09T09:01:00Z"); // Monday of week 11: its first post carries the recap of week 10
    await scheduler.tick();
    const recap = delivery.sent.find((post) => post.key === "c1@2026-03-09/recap");
    const [chart, map] = (recap?.pictures ?? []) as [ReplyPicture, ReplyPicture];
    expect(recap?.pictures?.map((picture) => picture.name)).toEqual(["weekly-chart.png", "team-progress.png"]);
    const view = chart.view as WeeklyChartView;
    expect(view.days.map((day) => day.done)).toEqual([2, 0, 2, 0, 0, 0, 2]);
    expect(view.lastWeekTotal).toBe(2);
    expect(view.title).toBe("This channel · Mon 2 Mar – Sun 8 Mar");
    expect(chart.alt).toBe(
      "Weekly chart, This channel · Mon 2 Mar – Sun 8 Mar: 6 topics done that week (Mon 2, Tue 0, Wed 2, Thu 0, Fri 0, Sat 0, Sun 2); 2 the week before.",
    );
    expect(map.view).toMatchObject({ kind: "progress-map", subject: "This channel", people: 2, done: 8, total: 224 });
    expect(map.alt).toContain("This channel's progress map of");
    expect(map.alt).toContain("2 people together");

    await standings.teams.update("test", "T1", { pictures: "off" });
    await mark("2026-03-10T12:00:00Z", ben, "done", topics[5] as string);
    now = new Date("2026-03-16T09:01:00Z");
    await scheduler.tick();
    const textOnly = delivery.sent.find((post) => post.key === "c1@2026-03-16/recap");
    expect(textOnly?.text).toContain("Last week's leaderboard");
    expect(textOnly?.pictures).toBeUndefined();
  });
});
