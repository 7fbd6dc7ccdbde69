import { describe, expect, it } from "vitest";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { sweepRemovedTeams, type TeamDataSweepDeps } from "../src/teams/team-data-sweep.ts";
import { TeamPeople } from "../src/teams/team-people.ts";
import { ask, makeCore, textOf } from "./helpers.ts";
import { channelSubscription } from "./schedule-sim.ts";

const dayMs = 86_400_000;

async function world() {
  let now = new Date("2026-03-02T10:00:00Z");
  const store = openMemoryStore(silentLogger);
  const { core } = await makeCore({ store, now: () => now });
  const wired = repositories(store, silentLogger, "UTC");
  const person = (userId: string, teamId: string) =>
    ({ platform: "test", userId, displayName: userId, teamId, channelId: `C-${teamId}` }) as const;
  const ann = person("U-ann", "T1");
  const ben = person("U-ben", "T1");
  const eve = person("U-eve", "T2");
  for (const who of [ann, ben, eve]) await ask(core, "done what-is-release-engineering", who);
  await ask(core, "remind on 08:00", ann);
  await ask(core, "privacy hidden", ann);
  await wired.schedule.subscriptions.put(
    channelSubscription({ id: "t1-daily", teamId: "T1", channelId: "C-T1" }),
    channelSubscription({ id: "t2-daily", teamId: "T2", channelId: "C-T2" }),
  );
  const deps: TeamDataSweepDeps = {
    store,
    removedTeams: wired.schedule.removedTeams,
    teamPeople: new TeamPeople(store, silentLogger),
    boards: wired.standings.boards,
    personalData: wired.personalData,
    subscriptions: wired.schedule.subscriptions,
    roadmaps: core.roadmaps,
    logger: silentLogger,
  };
  const hasData = async (who: typeof ann) =>
    (await wired.standings.people.get(who)) !== undefined ||
    (await wired.progress.load(core.defaultRoadmap, who)).topics.size > 0;
  return {
    core,
    wired,
    deps,
    ann,
    ben,
    eve,
    hasData,
    later: (days: number) => (now = new Date(now.getTime() + days * dayMs)),
    now: () => now,
  };
}

describe("deleting the data of a team that removed the bot", () => {
  it("GIVEN a team that removed the bot THEN its schedules pause at once, and after 30 days its people's data (hidden people too), subscriptions and settings go; another team's stay", async () => {
    const w = await world();
    expect(await w.core.teamRemoved("test", "T1")).toBe(2); // the channel's daily topic and Ann's reminder
    expect((await w.wired.schedule.subscriptions.get("t1-daily"))?.paused).toBeDefined();
    expect((await w.wired.schedule.subscriptions.get("t2-daily"))?.paused).toBeUndefined();

    w.later(29);
    expect(await sweepRemovedTeams(w.deps, w.now())).toEqual([]);
    expect(await w.hasData(w.ann)).toBe(true);

    w.later(2);
    const swept = await sweepRemovedTeams(w.deps, w.now());
    expect(swept.map((team) => team.teamId)).toEqual(["T1"]);
    expect(await w.hasData(w.ann)).toBe(false);
    expect(await w.hasData(w.ben)).toBe(false);
    expect(await w.hasData(w.eve)).toBe(true);
    expect(await w.wired.schedule.subscriptions.get("t1-daily")).toBeUndefined();
    expect(await w.wired.schedule.subscriptions.get("t2-daily")).toBeDefined();
    expect(await w.deps.store.get(keys.teamSettings("test", "T1"))).toBeUndefined();
    expect(textOf(await ask(w.core, "leaderboard all", w.eve))).toContain("U-eve");
    // Done: nothing is left to sweep.
    expect(await sweepRemovedTeams(w.deps, w.now())).toEqual([]);
  });

  it("GIVEN the team installs the bot again within the grace period THEN nothing is deleted", async () => {
    const w = await world();
    await w.core.teamRemoved("test", "T1");
    w.later(10);
    await w.core.teamRestored("test", "T1");
    w.later(30);
    expect(await sweepRemovedTeams(w.deps, w.now())).toEqual([]);
    expect(await w.hasData(w.ann)).toBe(true);
  });

  it("GIVEN a sweep cut short part-way THEN the team stays listed, and the next sweep finishes it", async () => {
    const w = await world();
    await w.core.teamRemoved("test", "T1");
    w.later(31);
    let forgotten = 0;
    const failing: TeamDataSweepDeps = {
      ...w.deps,
      personalData: {
        forget: async (...args: Parameters<typeof w.wired.personalData.forget>) => {
          if (++forgotten === 2) throw new Error("the process died here");
          return w.wired.personalData.forget(...args);
        },
      } as typeof w.wired.personalData,
    };
    await expect(sweepRemovedTeams(failing, w.now())).rejects.toThrow("died");
    expect((await w.wired.schedule.removedTeams.due(w.now())).map((team) => team.teamId)).toEqual(["T1"]);
    expect(await sweepRemovedTeams(w.deps, w.now())).toHaveLength(1);
    expect(await w.hasData(w.ann)).toBe(false);
    expect(await w.hasData(w.ben)).toBe(false);
  });
});
