import { describe, expect, it } from "vitest";
import { commands } from "../src/core/commands/index.ts";
import type { Reply } from "../src/core/reply.ts";
import {
  commandDataHash,
  discordCommandData,
  discordName,
  roadmapCommandData,
  setupCommandData,
} from "../src/platforms/discord/command-data.ts";
import { invitePermissions, inviteUrl } from "../src/platforms/discord/invite.ts";
import { toDiscordMessage } from "../src/platforms/discord/messages.ts";
import { modeFixture } from "./discord-mode-fixture.ts";
import { combinedCharacters, commandDataViolations } from "./e2e/discord-command-limits.ts";
import { discordViolations } from "./e2e/discord-limits.ts";

describe("Discord command data", () => {
  const data = roadmapCommandData(commands, 26);
  const setup = setupCommandData(commands, 26);
  const nameRule = /^[-_\p{Ll}\p{N}]{1,32}$/u;
  const personal = commands.filter((command) => command.name !== "daily" && command.name !== "team");

  it("GIVEN the core's commands THEN /roadmap has one subcommand per personal command and /roadmap-setup has daily and team, with valid names and descriptions", () => {
    expect(data.name).toBe("roadmap");
    expect(data.options?.map((option) => option.name)).toEqual(personal.map((command) => command.name));
    expect(setup?.name).toBe("roadmap-setup");
    expect(setup?.options?.map((option) => option.name)).toEqual(["daily", "team"]);
    expect(data.options?.length).toBeLessThanOrEqual(25);
    for (const sub of [...(data.options ?? []), ...(setup?.options ?? [])]) {
      expect(sub.name).toMatch(nameRule);
      expect(sub.description.length).toBeGreaterThan(0);
      expect(sub.description.length).toBeLessThanOrEqual(100);
      const options = "options" in sub ? (sub.options ?? []) : [];
      expect(options.length).toBeLessThanOrEqual(25);
      for (const option of options) {
        expect(option.name).toMatch(nameRule);
        expect(option.description.length).toBeLessThanOrEqual(100);
      }
    }
  });

  it("GIVEN the stage subcommand THEN its option is an integer 1..26 with autocomplete; topics autocomplete too", () => {
    const sub = (name: string) => data.options?.find((option) => option.name === name);
    const stage = sub("stage");
    expect(stage && "options" in stage && stage.options?.[0]).toMatchObject({
      name: "number",
      type: 4,
      required: true,
      min_value: 1,
      max_value: 26,
      autocomplete: true,
    });
    const done = sub("done");
    expect(done && "options" in done && done.options?.[0]).toMatchObject({
      name: "topic",
      type: 3,
      autocomplete: true,
    });
  });

  it("GIVEN review and quiz THEN they are subcommand groups (review next|status|answer, quiz ask|answer|stats) and review answer's topic autocompletes", () => {
    const group = (name: string) => data.options?.find((option) => option.name === name);
    const subcommands = (name: string) => {
      const found = group(name);
      return found && "options" in found ? (found.options ?? []) : [];
    };
    expect(subcommands("review").map((sub) => sub.name)).toEqual(["next", "status", "answer"]);
    expect(subcommands("quiz").map((sub) => sub.name)).toEqual(["ask", "answer", "stats"]);
    const answer = subcommands("review").find((sub) => sub.name === "answer");
    const options = answer && "options" in answer ? (answer.options ?? []) : [];
    expect(options.map((option) => [option.name, "autocomplete" in option && option.autocomplete === true])).toEqual([
      ["topic", true],
      ["grade", false],
    ]);
  });

  it("GIVEN personal commands THEN /roadmap is offered everywhere, in servers, DMs with the bot and as a user-installed app", () => {
    expect(data.integration_types).toEqual([0, 1]);
    expect(data.contexts).toEqual([0, 1, 2]);
  });

  it("GIVEN channel and team setup THEN /roadmap-setup is offered only in servers that installed the app", () => {
    expect(setup?.integration_types).toEqual([0]);
    expect(setup?.contexts).toEqual([0]);
    expect(setup?.default_member_permissions).toBeUndefined();
  });

  it("GIVEN no setup command in the list THEN only /roadmap is registered", () => {
    expect(discordCommandData(personal, 26).map((command) => command.name)).toEqual(["roadmap"]);
    expect(discordCommandData(commands, 26).map((command) => command.name)).toEqual(["roadmap", "roadmap-setup"]);
  });

  it("GIVEN the same data twice THEN the hash is the same; any change alters it", () => {
    const both = discordCommandData(commands, 26);
    expect(commandDataHash(discordCommandData(commands, 26))).toBe(commandDataHash(both));
    expect(commandDataHash(discordCommandData(commands, 27))).not.toBe(commandDataHash(both));
    expect(commandDataHash(discordCommandData(personal, 26))).not.toBe(commandDataHash(both));
  });

  it("GIVEN an application id THEN the invite URL asks for bot + applications.commands and the computed permissions", () => {
    const url = new URL(inviteUrl("123456789012345678"));
    expect(url.searchParams.get("scope")).toBe("bot applications.commands");
    expect(url.searchParams.get("permissions")).toBe(invitePermissions.bitfield.toString());
    expect(invitePermissions.toArray()).toEqual([
      "ViewChannel",
      "SendMessages",
      "EmbedLinks",
      "CreatePublicThreads",
      "SendMessagesInThreads",
    ]);
  });
});

describe("Discord command data for commands with modes", () => {
  const fixture = modeFixture();
  const data = roadmapCommandData([...commands, fixture], 26);
  const group = data.options?.find((option) => option.name === fixture.name);

  it("GIVEN the shipped commands THEN the data of each slash command breaks none of Discord's command rules", () => {
    for (const shipped of discordCommandData(commands, 26)) {
      // The 4000 combined characters are shared by every subcommand and group: mode groups spend them fast.
      expect(
        commandDataViolations(shipped),
        `${shipped.name}: ${combinedCharacters(shipped)} combined characters`,
      ).toEqual([]);
    }
  });

  it("GIVEN a command with modes THEN it is a subcommand group with one subcommand per mode", () => {
    expect(group).toMatchObject({ type: 2, name: "practice", description: fixture.summary });
    const subs = group && "options" in group ? (group.options ?? []) : [];
    expect(subs.map((sub) => [sub.type, sub.name, sub.description])).toEqual([
      [1, "on", "Post a topic here at a time you choose"],
      [1, "off", "Stop posting here"],
      [1, "status", "Show what is set up here and whether the last post went out"],
      [1, "preview", "Show the next post, only to you"],
    ]);
  });

  it("GIVEN a mode's options THEN each is an optional string in the declared order, descriptions cut to 100", () => {
    const subs = group && "options" in group ? (group.options ?? []) : [];
    const on = subs.find((sub) => sub.name === "on");
    const options = (on && "options" in on ? (on.options ?? []) : []) as {
      type: number;
      name: string;
      description: string;
      required: boolean;
      max_length: number;
    }[];
    expect(options.map((option) => [option.type, option.name, option.required])).toEqual([
      [3, "time", false],
      [3, "zone", false],
      [3, "days", false],
      [3, "track", false],
    ]);
    const days = options[2];
    expect(days?.description).toHaveLength(100);
    expect(days?.description.endsWith("…")).toBe(true);
    // Four values and the two words stay inside the 300 characters a command may have.
    expect(options.reduce((sum, option) => sum + option.max_length, 0)).toBeLessThanOrEqual(250);
    const off = subs.find((sub) => sub.name === "off");
    expect(off && "options" in off ? off.options : undefined).toEqual([]);
  });

  it("GIVEN the data with a mode group THEN it breaks none of Discord's command rules", () => {
    expect(commandDataViolations(data)).toEqual([]);
  });

  it("GIVEN more than 25 commands THEN subcommands and groups together stop at 25", () => {
    const many = Array.from({ length: 30 }, (_, index) => modeFixture(`fixture${index}`));
    const crowded = roadmapCommandData([...commands, ...many], 26);
    expect(crowded.options).toHaveLength(25);
    expect(commandDataViolations(crowded).filter((problem) => !problem.startsWith("combined"))).toEqual([]);
  });

  it("GIVEN names Discord would refuse THEN they are folded to lowercase letters, digits, - and _", () => {
    expect(discordName("Time Zone")).toBe("time-zone");
    expect(discordName("x".repeat(40))).toHaveLength(32);
    expect(discordName("")).toBe("x");
    expect(discordName("days")).toBe("days");
  });
});

describe("Reply -> Discord message", () => {
  const huge: Reply = {
    private: true,
    outcome: "ok",
    share: "stage 1",
    blocks: [
      { type: "header", text: "H".repeat(400) },
      { type: "text", text: "@everyone <@&123> ".repeat(400) },
      {
        type: "fields",
        fields: Array.from({ length: 40 }, (_, i) => ({ label: `F${i} ${"n".repeat(300)}`, value: "v".repeat(2_000) })),
      },
      ...Array.from({ length: 80 }, (_, i) => ({
        type: "progress" as const,
        label: `${i}. ${"Stage ".repeat(20)}`,
        done: i,
        total: 80,
      })),
      {
        type: "topics",
        topics: Array.from({ length: 300 }, (_, i) => ({
          id: `topic-${i}`,
          title: `Topic ${i} ${"long ".repeat(30)}`,
          level: "required" as const,
          state: "todo" as const,
          action: { label: "Done", command: `done topic-${i}` },
        })),
      },
      {
        type: "actions",
        buttons: Array.from({ length: 40 }, (_, i) => ({
          label: `B ${"x".repeat(100)} ${i}`,
          command: `done topic-${i % 7}`,
        })),
      },
      { type: "context", text: "c".repeat(5_000) },
    ],
  };

  it("GIVEN a reply far past every limit THEN the message fits Discord's limits and says what was left out", () => {
    const message = toDiscordMessage(huge);
    expect(discordViolations(message)).toEqual([]);
    expect(message.embeds.at(-1)?.description).toMatch(/…and \d+ more\. Narrow it down with `search <words>`\.$/);
    expect(message.allowedMentions).toEqual({ parse: [] });
    expect(message.flags).toBe(64);
  });

  it("GIVEN a user error THEN it is plain content, ephemeral, mentioning no one", () => {
    const message = toDiscordMessage({
      private: true,
      outcome: "user-error",
      blocks: [{ type: "text", text: "No stage matches “@everyone”." }],
    });
    expect(message).toEqual({
      content: "No stage matches “@everyone”.",
      embeds: [],
      components: [],
      allowedMentions: { parse: [] },
      flags: 64,
    });
  });
});
