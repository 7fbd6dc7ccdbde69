import { beforeAll, describe, expect, it } from "vitest";
import type { Level, Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import type { Core } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { periodDates, periodOf, previousWeek } from "../src/progress/periods.ts";
import { ProgressRepository } from "../src/progress/progress-repository.ts";
import { studyDay } from "../src/progress/streak.ts";
import { ask, makeCore, shippedRoadmaps, textOf } from "./helpers.ts";

const person = (name: string, extra: Partial<Who> = {}): Who => ({
  platform: "test",
  userId: `U-${name.toLowerCase()}`,
  displayName: name,
  teamId: "T1",
  channelId: "C1",
  ...extra,
});
const alice = person("Alice");
const bob = person("Bob");
const carol = person("Carol");

/** A core whose clock the test moves: `at("2026-03-02T10:00Z")` sets it. */
async function clockedCore(start = "2026-03-02T10:00:00Z") {
  let now = new Date(start);
  const { core, store } = await makeCore({ now: () => now });
  const at = (instant: string) => {
    now = new Date(instant);
  };
  return { core, store, at };
}

interface Line {
  rank: number;
  name: string;
  points: number;
  me: boolean;
}

/** A leaderboard reply as a person reads it: its lines and its "N people · M pts in total" line. */
function boardOf(reply: Reply): { lines: Line[]; header: string; summary: string; text: string } {
  expect(reply.outcome).toBe("ok");
  const header = reply.blocks.find((block) => block.type === "header");
  const body = reply.blocks.find((block) => block.type === "text");
  const summary = reply.blocks.find((block) => block.type === "context" && block.text.includes("in total"));
  const lines = (body?.type === "text" ? body.text.split("\n") : []).flatMap((line) => {
    const match = /^(\d+)\. (.+) · (\d+) pts( \(you\))?$/.exec(line);
    return match
      ? [{ rank: Number(match[1]), name: match[2] as string, points: Number(match[3]), me: Boolean(match[4]) }]
      : [];
  });
  return {
    lines,
    header: header?.type === "header" ? header.text : "",
    summary: summary?.type === "context" ? summary.text : "",
    text: textOf(reply),
  };
}

const board = async (core: Core, who: Who, words = "") => boardOf(await ask(core, `leaderboard ${words}`, who));
const standings = async (core: Core, who: Who, words = "") =>
  (await board(core, who, words)).lines.map((line) => [line.name, line.points]);

const fieldsOf = (reply: Reply) =>
  Object.fromEntries(
    reply.blocks.flatMap((block) => (block.type === "fields" ? block.fields : [])).map((f) => [f.label, f.value]),
  );

let roadmap: Roadmap;
/** Topic ids of one level, from the shipped roadmap. */
const topicsOf = (level: Level) => roadmap.topics.filter((topic) => topic.level === level).map((topic) => topic.id);
let required: string[];
let recommended: string[];
let optional: string[];

beforeAll(async () => {
  [roadmap] = (await shippedRoadmaps()) as [Roadmap];
  expect(roadmap.id).toBe("release-engineer");
  required = topicsOf("required");
  recommended = topicsOf("recommended");
  optional = topicsOf("optional");
});

describe("points", () => {
  it("GIVEN done on a Required, a Recommended and an Optional topic THEN they are worth 3, 2 and 1 pts on every board", async () => {
    const { core } = await clockedCore();
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${recommended[0]}`, bob);
    await ask(core, `done ${optional[0]}`, carol);
    for (const kind of ["week", "month", "all"]) {
      for (const scope of ["", "channel"]) {
        expect(await standings(core, alice, `${kind} ${scope}`)).toEqual([
          ["Alice", 3],
          ["Bob", 2],
          ["Carol", 1],
        ]);
      }
    }
    expect((await board(core, alice)).summary).toMatch(/^3 people · 6 pts in total/);
    // The same person's topics add up.
    await ask(core, `done ${required[1]}`, carol);
    await ask(core, `done ${recommended[1]}`, carol);
    expect(await standings(core, alice, "all")).toEqual([
      ["Carol", 6],
      ["Alice", 3],
      ["Bob", 2],
    ]);
  });

  it("GIVEN skip or start THEN no points; GIVEN done then skip THEN the points are gone", async () => {
    const { core } = await clockedCore();
    await ask(core, `skip ${required[0]}`, alice);
    await ask(core, `start ${required[1]}`, alice);
    expect((await board(core, alice)).lines).toEqual([]);
    expect((await board(core, alice)).summary).toMatch(/^0 people · 0 pts in total/);

    await ask(core, `done ${required[2]}`, alice);
    expect(await standings(core, alice)).toEqual([["Alice", 3]]);
    await ask(core, `skip ${required[2]}`, alice);
    expect((await board(core, alice)).lines).toEqual([]);
    // Marking the same topic done twice counts it once.
    await ask(core, `done ${required[3]}`, alice);
    await ask(core, `done ${required[3]}`, alice);
    expect(await standings(core, alice, "all")).toEqual([["Alice", 3]]);
  });

  it("GIVEN undo of a topic done this week THEN its points leave the week, month and all-time boards", async () => {
    const { core } = await clockedCore();
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${optional[0]}`, alice);
    await ask(core, `done ${recommended[0]}`, bob);
    await ask(core, `undo ${required[0]}`, alice);
    for (const kind of ["week", "month", "all"]) {
      expect(await standings(core, alice, kind)).toEqual([
        ["Bob", 2],
        ["Alice", 1],
      ]);
      expect((await board(core, alice, kind)).summary).toMatch(/^2 people · 3 pts in total/);
    }
    await ask(core, `undo ${optional[0]}`, alice);
    expect(await standings(core, alice, "all")).toEqual([["Bob", 2]]);
  });

  it("GIVEN undo of a topic done in an earlier week and month THEN that week's and month's boards lose it too", async () => {
    const { core, at } = await clockedCore();
    at("2026-02-25T12:00:00Z"); // Wednesday of ISO week 9, February
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${required[1]}`, alice);
    await ask(core, `done ${optional[0]}`, bob);
    at("2026-03-02T10:00:00Z"); // Monday of week 10, March
    await ask(core, `done ${recommended[0]}`, alice);
    await ask(core, `undo ${required[0]}`, alice);
    expect(await standings(core, alice, "week")).toEqual([["Alice", 2]]);
    expect(await standings(core, alice, "month")).toEqual([["Alice", 2]]);
    expect(await standings(core, alice, "all")).toEqual([
      ["Alice", 5],
      ["Bob", 1],
    ]);

    at("2026-02-26T12:00:00Z"); // back in week 9, to read its boards
    expect(await standings(core, alice, "week")).toEqual([
      ["Alice", 3],
      ["Bob", 1],
    ]);
    expect(await standings(core, alice, "month")).toEqual([
      ["Alice", 3],
      ["Bob", 1],
    ]);
    expect((await board(core, alice, "week")).summary).toMatch(/^2 people · 4 pts in total/);
  });
  it("GIVEN undo of an old topic after joining a new channel THEN the new channel's old boards gain nobody", async () => {
    const { core, at } = await clockedCore();
    at("2026-02-25T12:00:00Z"); // week 9, February, in C1
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${required[1]}`, alice);
    at("2026-03-02T10:00:00Z"); // week 10, March: Alice first uses C2
    const aliceInC2 = { ...alice, channelId: "C2" };
    await ask(core, `undo ${required[0]}`, aliceInC2);
    expect(await standings(core, aliceInC2, "all channel")).toEqual([["Alice", 3]]);
    at("2026-02-26T12:00:00Z");
    // C1's week 9 lost the undone topic; C2 had nobody in week 9 and still has nobody.
    expect(await standings(core, alice, "week channel")).toEqual([["Alice", 3]]);
    expect((await board(core, aliceInC2, "week channel")).lines).toEqual([]);
    expect((await board(core, aliceInC2, "month channel")).lines).toEqual([]);
  });
});

describe("periods follow the team's time zone", () => {
  // A: Saturday 28 Feb 23:30 UTC = Sunday 1 Mar 00:30 in Berlin (week 9; February in UTC, March in Berlin).
  const a = "2026-02-28T23:30:00Z";
  // B: Sunday 1 Mar 23:30 UTC = Monday 2 Mar 00:30 in Berlin (week 9 in UTC, week 10 in Berlin).
  const b = "2026-03-01T23:30:00Z";

  it("GIVEN a team in Europe/Berlin and one in UTC THEN the same two instants fall in different weeks and months", async () => {
    const { core, at } = await clockedCore();
    const berliner = person("Berliner", { teamId: "T-berlin" });
    const londoner = person("Utcer", { teamId: "T-utc" });
    await ask(core, "team zone Europe/Berlin", berliner);
    for (const who of [berliner, londoner]) {
      at(a);
      await ask(core, `done ${required[0]}`, who);
      at(b);
      await ask(core, `done ${recommended[0]}`, who);
    }

    // At B, Berlin is in week 10 and March: A is last week, but this month.
    expect(await standings(core, berliner, "week")).toEqual([["Berliner", 2]]);
    expect(await standings(core, berliner, "month")).toEqual([["Berliner", 5]]);
    expect(await standings(core, berliner, "all")).toEqual([["Berliner", 5]]);
    expect((await board(core, berliner, "week")).header).toBe(
      "Leaderboard · This week (Mon 2 Mar – Sun 8 Mar) · the team",
    );
    expect((await board(core, berliner, "week")).summary).toContain("times in Europe/Berlin");

    // At B, UTC is still in week 9 (both count) but already in March (A was February).
    expect(await standings(core, londoner, "week")).toEqual([["Utcer", 5]]);
    expect(await standings(core, londoner, "month")).toEqual([["Utcer", 2]]);
    expect(await standings(core, londoner, "all")).toEqual([["Utcer", 5]]);
    expect((await board(core, londoner, "week")).header).toBe(
      "Leaderboard · This week (Mon 23 Feb – Sun 1 Mar) · the team",
    );

    // At A, Berlin's week 9 holds A alone and its March holds both; UTC's February holds A alone.
    at(a);
    expect(await standings(core, berliner, "week")).toEqual([["Berliner", 3]]);
    expect(await standings(core, berliner, "month")).toEqual([["Berliner", 5]]);
    expect(await standings(core, londoner, "month")).toEqual([["Utcer", 3]]);
    expect((await board(core, londoner, "month")).header).toBe(
      "Leaderboard · This month (Sun 1 Feb – Sat 28 Feb) · the team",
    );
  });

  it("GIVEN dates around a year's end THEN ISO weeks belong to the year of their Thursday", () => {
    expect(periodOf("week", Date.parse("2025-12-29T12:00:00Z"), "UTC")).toBe("week-2026-W01");
    expect(periodOf("week", Date.parse("2027-01-03T12:00:00Z"), "UTC")).toBe("week-2026-W53");
    expect(periodOf("week", Date.parse("2027-01-04T12:00:00Z"), "UTC")).toBe("week-2027-W01");
    expect(periodOf("week", Date.parse("2026-01-04T23:30:00Z"), "Europe/Berlin")).toBe("week-2026-W02");
    expect(periodOf("month", Date.parse("2026-12-31T23:30:00Z"), "Europe/Berlin")).toBe("month-2027-01");
    expect(periodOf("month", Date.parse("2026-03-01T03:00:00Z"), "America/Los_Angeles")).toBe("month-2026-02");
    expect(periodDates("week-2026-W01")).toEqual({ first: "2025-12-29", last: "2026-01-04" });
    expect(periodDates("week-2026-W53")).toEqual({ first: "2026-12-28", last: "2027-01-03" });
    expect(periodDates("month-2028-02")).toEqual({ first: "2028-02-01", last: "2028-02-29" });
    expect(previousWeek("week-2026-W01")).toBe("week-2025-W52");
    expect(previousWeek("week-2027-W01")).toBe("week-2026-W53");
  });
});

describe("channel boards", () => {
  it("GIVEN people active in different channels THEN a channel's board ranks only those active in it", async () => {
    const { core } = await clockedCore();
    const bobElsewhere = { ...bob, channelId: "C2" };
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${recommended[0]}`, bobElsewhere);
    await ask(core, "help", carol); // active in C1, no points
    expect(await standings(core, alice, "channel")).toEqual([["Alice", 3]]);
    expect(await standings(core, bobElsewhere, "channel")).toEqual([["Bob", 2]]);
    expect((await board(core, alice, "channel")).header).toContain("· this channel");
    for (const kind of ["week", "month", "all"]) {
      expect(await standings(core, carol, kind)).toEqual([
        ["Alice", 3],
        ["Bob", 2],
      ]);
    }

    // Looking in C1 leaves no trace; the first change he makes there puts him on C1's boards, with
    // the points he has.
    await ask(core, "progress", bob);
    expect(await standings(core, carol, "all channel")).toEqual([["Alice", 3]]);
    await ask(core, `start ${required[1]}`, bob);
    for (const kind of ["week", "month", "all"]) {
      expect(await standings(core, carol, `${kind} channel`)).toEqual([
        ["Alice", 3],
        ["Bob", 2],
      ]);
    }
    // And points earned later count on both channels he used.
    await ask(core, `done ${optional[0]}`, bobElsewhere);
    expect(await standings(core, alice, "channel")).toEqual([
      ["Alice", 3],
      ["Bob", 3],
    ]);
    expect(await standings(core, bobElsewhere, "channel")).toEqual([["Bob", 3]]);
  });

  it("GIVEN progress stored before profiles existed THEN the person's first change puts their points on the team's boards", async () => {
    const { core, store } = await clockedCore();
    // Written straight to the progress document, as an earlier version of the bot did: no profile.
    const early = new ProgressRepository(store, silentLogger);
    await early.setStatus(roadmap, alice, required[0] as string, "done", new Date("2026-03-02T09:00:00Z"));
    await early.setStatus(roadmap, alice, recommended[0] as string, "done", new Date("2025-12-01T09:00:00Z"));
    await ask(core, "help", alice);
    expect(await standings(core, bob, "week")).toEqual([]);
    await ask(core, `start ${optional[0]}`, alice);
    expect(await standings(core, bob, "week")).toEqual([["Alice", 3]]);
    expect(await standings(core, bob, "all")).toEqual([["Alice", 5]]);
    expect(await standings(core, bob, "all channel")).toEqual([["Alice", 5]]);
  });

  it("GIVEN commands from a direct message THEN the team's boards count them and no channel board is made of the DM", async () => {
    const { core } = await clockedCore();
    const inDm = { ...alice, channelId: "D-alice", inDirectMessage: true };
    await ask(core, `done ${required[0]}`, inDm);
    expect(await standings(core, inDm)).toEqual([["Alice", 3]]);
    expect((await ask(core, "leaderboard channel", inDm)).outcome).toBe("user-error");
    // Her DM is no channel: someone in a channel with that id would not see her.
    expect((await board(core, { ...bob, channelId: "D-alice" }, "channel")).lines).toEqual([]);
  });
});

describe("privacy", () => {
  it("GIVEN `privacy hidden` THEN the person leaves every board, keeps their progress, and `privacy public` brings their points back", async () => {
    const { core, at } = await clockedCore();
    at("2026-02-25T12:00:00Z"); // week 9, February
    await ask(core, `done ${required[0]}`, alice);
    at("2026-03-02T10:00:00Z"); // week 10, March
    await ask(core, `done ${recommended[0]}`, alice);
    await ask(core, `done ${optional[0]}`, bob);

    const hide = await ask(core, "privacy hidden", alice);
    expect(textOf(hide)).toContain("you are off every leaderboard");
    for (const kind of ["week", "month", "all"]) {
      for (const scope of ["", "channel"]) {
        const seen = await board(core, bob, `${kind} ${scope}`);
        expect(seen.lines.map((line) => line.name)).toEqual(["Bob"]);
        expect(seen.summary).toMatch(/^1 person · 1 pts in total/);
        expect(seen.text).not.toContain("Alice");
      }
    }
    at("2026-02-26T12:00:00Z");
    expect((await board(core, bob, "week")).lines).toEqual([]);
    at("2026-03-02T10:00:00Z");

    // Her own view works as before, and says she is hidden.
    const mine = await ask(core, "leaderboard", alice);
    expect(textOf(mine)).toContain("You are hidden from leaderboards");
    expect(boardOf(mine).lines.some((line) => line.me)).toBe(false);
    const progress = fieldsOf(await ask(core, "progress", alice));
    expect(progress.Required).toMatch(/^1\/71 /);
    expect(progress.Recommended).toMatch(/^1\/33 /);
    expect(textOf(await ask(core, "privacy", alice))).toContain("You are hidden");

    // Studying while hidden earns points nobody sees...
    await ask(core, `done ${optional[1]}`, alice);
    expect(await standings(core, bob, "all")).toEqual([["Bob", 1]]);
    // ...until she is public again: then they all count.
    const show = await ask(core, "privacy public", alice);
    expect(textOf(show)).toContain("leaderboards show you again");
    expect(await standings(core, bob, "week")).toEqual([
      ["Alice", 3],
      ["Bob", 1],
    ]);
    expect(await standings(core, bob, "month channel")).toEqual([
      ["Alice", 3],
      ["Bob", 1],
    ]);
    expect(await standings(core, bob, "all")).toEqual([
      ["Alice", 6],
      ["Bob", 1],
    ]);
    expect(await standings(core, bob, "all channel")).toEqual([
      ["Alice", 6],
      ["Bob", 1],
    ]);
    expect(textOf(await ask(core, "privacy", alice))).toContain("You are public");
  });

  it("GIVEN a hidden person uses a new channel THEN that channel's board does not show them either", async () => {
    const { core } = await clockedCore();
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, "privacy hidden", alice);
    await ask(core, "progress", { ...alice, channelId: "C9" });
    expect((await board(core, { ...bob, channelId: "C9" }, "all channel")).lines).toEqual([]);
    expect(textOf(await ask(core, "privacy hidden", alice))).toContain("You were already hidden");
  });
});

describe("names on the boards", () => {
  it("GIVEN display names THEN boards show them, never a user id or a mention, and follow a rename on the next change", async () => {
    const { core } = await clockedCore();
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${recommended[0]}`, bob);
    let seen = await board(core, alice, "all");
    expect(seen.lines.map((line) => line.name)).toEqual(["Alice", "Bob"]);
    expect(seen.text).not.toMatch(/<@|U-alice|U-bob/);

    // A rename reaches the boards with the next change the person makes, not with a look.
    await ask(core, "help", { ...bob, displayName: "Robert" });
    expect((await board(core, alice, "all")).lines.map((line) => line.name)).toEqual(["Alice", "Bob"]);
    await ask(core, `start ${required[1]}`, { ...bob, displayName: "Robert" });
    seen = await board(core, alice, "all");
    expect(seen.lines.map((line) => line.name)).toEqual(["Alice", "Robert"]);
    expect(seen.text).not.toContain("Bob");
  });

  it("GIVEN a person the platform gave no name THEN the board still names nobody by id", async () => {
    const { core } = await clockedCore();
    const { displayName: _, ...nameless } = person("Nameless");
    await ask(core, `done ${required[0]}`, nameless);
    const seen = await board(core, alice, "all");
    expect(seen.lines).toHaveLength(1);
    expect(seen.text).not.toMatch(/<@|U-nameless/);
  });
});

describe("many people at once", () => {
  it("GIVEN 20 people marking topics done at the same time THEN the board's total is the sum of their points", async () => {
    const { core } = await clockedCore();
    const people = Array.from({ length: 20 }, (_, i) => person(`P${i}`));
    await Promise.all(people.map((who, i) => ask(core, `done ${(i % 2 ? required : optional)[0]}`, who)));
    // 10 × 3 + 10 × 1 = 40; and one person marking five topics at once gets all five counted: 15.
    await Promise.all(required.slice(1, 6).map((id) => ask(core, `done ${id}`, alice)));
    const seen = await board(core, alice, "all");
    expect(seen.summary).toMatch(/^21 people · 55 pts in total/);
    expect(seen.lines[0]).toMatchObject({ name: "Alice", points: 15, me: true });
  });
});

describe("streaks", () => {
  const streakOf = async (core: Core, who: Who = alice) => fieldsOf(await ask(core, "streak", who));

  it("GIVEN topics done on consecutive days THEN the streak counts them, today included", async () => {
    const { core, at } = await clockedCore();
    for (const [index, day] of ["02-27", "02-28", "03-01", "03-02"].entries()) {
      at(`2026-${day}T12:00:00Z`);
      await ask(core, `done ${required[index]}`, alice);
    }
    at("2026-03-02T18:00:00Z");
    expect(await streakOf(core)).toEqual({ Current: "4 days", Longest: "4 days", Today: "counted" });
    expect(textOf(await ask(core, "streak", alice))).toContain("Today is counted.");
    expect(fieldsOf(await ask(core, "progress", alice)).Streak).toBe("4 days, today counted");
  });

  it("GIVEN a day without study THEN the current streak starts again and the longest is kept", async () => {
    const { core, at } = await clockedCore();
    for (const [index, day] of ["02-20", "02-21", "02-22", "02-24", "02-25"].entries()) {
      at(`2026-${day}T12:00:00Z`);
      await ask(core, `done ${required[index]}`, alice);
    }
    expect(await streakOf(core)).toEqual({ Current: "2 days", Longest: "3 days", Today: "counted" });

    at("2026-02-26T12:00:00Z"); // yesterday counted, today not yet: the streak still stands
    expect(await streakOf(core)).toEqual({ Current: "2 days", Longest: "3 days", Today: "not yet" });
    expect(textOf(await ask(core, "streak", alice))).toContain("Today is not counted yet");
    expect(fieldsOf(await ask(core, "progress", alice)).Streak).toBe("2 days, today not yet");

    at("2026-02-27T12:00:00Z"); // a whole day missed
    expect(await streakOf(core)).toEqual({ Current: "0 days", Longest: "3 days", Today: "not yet" });
    expect(textOf(await ask(core, "streak", alice))).toContain("Mark a topic done today to start one.");
    expect(fieldsOf(await ask(core, "progress", alice)).Streak).toBe("0 days");
  });

  it("GIVEN undo of the only topic done today THEN today is no longer counted", async () => {
    const { core } = await clockedCore();
    await ask(core, `done ${required[0]}`, alice);
    expect((await streakOf(core)).Today).toBe("counted");
    await ask(core, `undo ${required[0]}`, alice);
    expect(await streakOf(core)).toEqual({ Current: "0 days", Longest: "0 days", Today: "not yet" });
  });

  it("GIVEN a topic done at 03:30 local THEN it counts for the day before; at 04:30 for the day itself", async () => {
    const { core, at } = await clockedCore();
    await ask(core, "team zone Europe/Berlin", alice);
    at("2026-03-01T11:00:00Z"); // Sunday 12:00 in Berlin
    await ask(core, `done ${required[0]}`, alice);
    at("2026-03-02T02:30:00Z"); // Monday 03:30 in Berlin: still Sunday's study
    await ask(core, `done ${required[1]}`, alice);
    at("2026-03-02T11:00:00Z");
    expect(await streakOf(core)).toEqual({ Current: "1 day", Longest: "1 day", Today: "not yet" });
    expect(textOf(await ask(core, "streak", alice))).toContain("days run 04:00 to 04:00 in Europe/Berlin");

    at("2026-03-02T03:30:00Z"); // Monday 04:30 in Berlin: Monday's study
    await ask(core, `done ${required[2]}`, alice);
    at("2026-03-02T11:00:00Z");
    expect(await streakOf(core)).toEqual({ Current: "2 days", Longest: "2 days", Today: "counted" });
  });

  it("GIVEN the nights the clocks change THEN the day still turns at 04:00 local time", () => {
    // Berlin springs forward on 29 March 2026 (02:00 -> 03:00) and falls back on 25 October (03:00 -> 02:00).
    expect(studyDay(Date.parse("2026-03-29T01:30:00Z"), "Europe/Berlin")).toBe("2026-03-28"); // 03:30 CEST
    expect(studyDay(Date.parse("2026-03-29T02:30:00Z"), "Europe/Berlin")).toBe("2026-03-29"); // 04:30 CEST
    expect(studyDay(Date.parse("2026-10-25T02:30:00Z"), "Europe/Berlin")).toBe("2026-10-24"); // 03:30 CET
    expect(studyDay(Date.parse("2026-10-25T03:00:00Z"), "Europe/Berlin")).toBe("2026-10-25"); // 04:00 CET
    expect(studyDay(Date.parse("2026-03-02T03:59:00Z"), "UTC")).toBe("2026-03-01");
    expect(studyDay(Date.parse("2026-03-02T04:00:00Z"), "UTC")).toBe("2026-03-02");
  });

  it("GIVEN a personal reminder in another zone THEN the streak's days follow the reminder's zone, not the team's", async () => {
    const { core, at } = await clockedCore();
    await ask(core, "team zone Europe/Berlin", alice);
    await ask(core, "remind on 09:00 America/New_York", alice);
    // 06:00 UTC on Monday: 07:00 in Berlin (Monday), 01:00 in New York (still Sunday's study day).
    at("2026-03-02T06:00:00Z");
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, `done ${required[0]}`, bob);
    at("2026-03-02T15:00:00Z"); // Monday 10:00 in New York, 16:00 in Berlin
    expect(await streakOf(core, alice)).toEqual({ Current: "1 day", Longest: "1 day", Today: "not yet" });
    expect(textOf(await ask(core, "streak", alice))).toContain("in America/New_York");
    expect(await streakOf(core, bob)).toEqual({ Current: "1 day", Longest: "1 day", Today: "counted" });
    expect(textOf(await ask(core, "streak", bob))).toContain("in Europe/Berlin");
  });
});
