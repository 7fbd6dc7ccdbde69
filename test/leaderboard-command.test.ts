import { beforeAll, describe, expect, it } from "vitest";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import type { Reply } from "../src/core/reply.ts";
import { ask, makeCore, shippedRoadmaps, textOf } from "./helpers.ts";

const person = (name: string, extra: Partial<Who> = {}): Who => ({
  platform: "test",
  userId: `U-${name.toLowerCase().replaceAll(" ", "-")}`,
  displayName: name,
  teamId: "T1",
  channelId: "C1",
  ...extra,
});
const alice = person("Alice");

const headerOf = (reply: Reply) => {
  const header = reply.blocks.find((block) => block.type === "header");
  return header?.type === "header" ? header.text : undefined;
};
/** The ranked lines, as written. */
const linesOf = (reply: Reply): string[] => {
  const body = reply.blocks.find((block) => block.type === "text");
  return body?.type === "text" ? body.text.split("\n") : [];
};

let required: string[];
beforeAll(async () => {
  const [roadmap] = (await shippedRoadmaps()) as [Roadmap];
  required = roadmap.topics.filter((topic) => topic.level === "required").map((topic) => topic.id);
});

/** One user error: a single line saying what was wrong and what to type instead. */
function expectOneUserError(reply: Reply): string {
  expect(reply.outcome).toBe("user-error");
  expect(reply.blocks).toHaveLength(1);
  const text = textOf(reply);
  expect(text).not.toContain("\n");
  return text;
}

describe("leaderboard: the top 10 and the asker's own line", () => {
  // Twelve people reach 3 pts one after another: the tie-break is the order they got there.
  const people = Array.from({ length: 12 }, (_, i) => person(`Person ${i + 1}`));
  async function twelve() {
    const { core } = await makeCore();
    for (const who of people) await ask(core, `done ${required[0]}`, who);
    return core;
  }

  it("GIVEN 12 people on the same points THEN the top 10 is in the order they got there, and #12 sees their own line", async () => {
    const core = await twelve();
    const last = people[11] as Who;
    const reply = await ask(core, "leaderboard", last);
    expect(reply.outcome).toBe("ok");
    expect(linesOf(reply)).toEqual(people.slice(0, 10).map((_, i) => `${i + 1}. Person ${i + 1} · 3 pts`));
    const text = textOf(reply);
    expect(text).toContain("You: #12 · 3 pts");
    expect(text).toContain("12 people · 36 pts in total");
    expect(text).not.toMatch(/<@|U-person/);

    expect(textOf(await ask(core, "leaderboard", people[10] as Who))).toContain("You: #11 · 3 pts");
  });

  it("GIVEN the asker is in the top 10 THEN their line is marked and no extra line repeats it", async () => {
    const core = await twelve();
    const reply = await ask(core, "leaderboard all", people[2] as Who);
    expect(linesOf(reply)[2]).toBe("3. Person 3 · 3 pts (you)");
    expect(linesOf(reply).filter((line) => line.endsWith("(you)"))).toHaveLength(1);
    expect(textOf(reply)).not.toContain("You: #");
  });

  it("GIVEN #12 climbs past everyone THEN they lead and the others keep their order", async () => {
    const core = await twelve();
    await ask(core, `done ${required[1]}`, people[11] as Who);
    const lines = linesOf(await ask(core, "leaderboard", people[0] as Who));
    expect(lines[0]).toBe("1. Person 12 · 6 pts");
    expect(lines[1]).toBe("2. Person 1 · 3 pts (you)");
    expect(lines).toHaveLength(10);
  });

  it("GIVEN someone with no points asks THEN the board shows and tells them how to get on it", async () => {
    const core = await twelve();
    const reply = await ask(core, "leaderboard", person("Newcomer"));
    expect(linesOf(reply)).toHaveLength(10);
    expect(textOf(reply)).toContain("You have no points on this board yet");
  });

  it("GIVEN nobody has points THEN the board says so instead of an empty list", async () => {
    const { core } = await makeCore();
    const reply = await ask(core, "leaderboard", alice);
    expect(reply.outcome).toBe("ok");
    expect(textOf(reply)).toContain("Nobody has points here yet");
    expect(textOf(reply)).toContain("0 people · 0 pts in total");
  });
});

describe("leaderboard: words", () => {
  it("GIVEN week, month or all THEN the header names the period and its dates", async () => {
    const { core } = await makeCore(); // Monday 2 March 2026, UTC
    expect(headerOf(await ask(core, "leaderboard", alice))).toBe(
      "Leaderboard · This week (Mon 2 Mar – Sun 8 Mar) · the team",
    );
    expect(headerOf(await ask(core, "leaderboard week", alice))).toBe(
      "Leaderboard · This week (Mon 2 Mar – Sun 8 Mar) · the team",
    );
    expect(headerOf(await ask(core, "leaderboard month", alice))).toBe(
      "Leaderboard · This month (Sun 1 Mar – Tue 31 Mar) · the team",
    );
    expect(headerOf(await ask(core, "leaderboard all", alice))).toBe("Leaderboard · All time · the team");
  });

  it("GIVEN the words in any order, any case, or an alias THEN the same board answers", async () => {
    const { core } = await makeCore();
    await ask(core, `done ${required[0]}`, alice);
    const expected = headerOf(await ask(core, "leaderboard month channel", alice));
    expect(expected).toBe("Leaderboard · This month (Sun 1 Mar – Tue 31 Mar) · this channel");
    for (const text of ["leaderboard channel month", "LEADERBOARD Month Channel", "top month channel"]) {
      expect(headerOf(await ask(core, text, alice))).toBe(expected);
    }
    expect(headerOf(await ask(core, "leaders all team", alice))).toBe("Leaderboard · All time · the team");
    expect(headerOf(await ask(core, "leaderboard channel team", alice))).toContain("· the team");
  });

  it("GIVEN a board THEN it explains the points, offers the other boards and can be shared", async () => {
    const { core } = await makeCore();
    const reply = await ask(core, "leaderboard month channel", alice);
    const text = textOf(reply);
    expect(text).toContain("Required 3 · Recommended 2 · Optional 1");
    expect(text).toContain("ties go to whoever got there first");
    expect(text).toContain("`leaderboard week channel`, `leaderboard all channel`");
    expect(reply.share).toBe("leaderboard month channel");
  });

  it("GIVEN `leaderboard yearly` THEN one user error names the word and shows what to type", async () => {
    const { core } = await makeCore();
    const text = expectOneUserError(await ask(core, "leaderboard yearly", alice));
    expect(text).toContain("yearly");
    expect(text).toContain("`leaderboard week`");
    expect(text).toContain("`leaderboard month`");
    // A good word next to a bad one is still an error, not half a board.
    expectOneUserError(await ask(core, "leaderboard week forever", alice));
  });
});

describe("leaderboard: where it can be asked", () => {
  it("GIVEN a conversation without a team THEN one user error says boards belong to a team", async () => {
    const { core } = await makeCore();
    const { teamId: _, ...noTeam } = person("Dee", { channelId: "D1", inDirectMessage: true });
    const text = expectOneUserError(await ask(core, "leaderboard", noTeam));
    expect(text).toContain("belong to a team");
    expect(text).toContain("`leaderboard`");
    expectOneUserError(await ask(core, "leaderboard all channel", noTeam));
  });

  it("GIVEN a direct message inside a team THEN the team's board answers, but the channel board is one user error", async () => {
    const { core } = await makeCore();
    const inDm = person("Alice", { channelId: "D1", inDirectMessage: true });
    await ask(core, `done ${required[0]}`, inDm);
    expect(linesOf(await ask(core, "leaderboard", inDm))).toEqual(["1. Alice · 3 pts (you)"]);
    const text = expectOneUserError(await ask(core, "leaderboard channel", inDm));
    expect(text).toContain("direct message");
  });

  it("GIVEN a hidden person asks THEN they see the board without themselves and how to come back", async () => {
    const { core } = await makeCore();
    await ask(core, `done ${required[0]}`, alice);
    await ask(core, "privacy hidden", alice);
    const reply = await ask(core, "leaderboard", alice);
    expect(linesOf(reply)).toEqual([expect.stringContaining("Nobody has points")]);
    expect(textOf(reply)).toContain("You are hidden from leaderboards. `privacy public` shows you again.");
    expect(textOf(reply)).not.toContain("You: #");
  });
});
