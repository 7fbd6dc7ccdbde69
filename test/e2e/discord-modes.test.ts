import { PermissionFlagsBits } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Core } from "../../src/core/core.ts";
import { silentLogger } from "../../src/logger.ts";
import { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { repositories } from "../../src/repositories.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { modeFixture } from "../discord-mode-fixture.ts";
import { fixedNow, makeCore, shippedRoadmaps } from "../helpers.ts";
import { startAdapterOn } from "./discord-adapter-fixture.ts";
import { APP_ID, type CallbackBody, chatInput, FakeDiscord, GUILD_ID, type OptionInput } from "./fake-discord.ts";

const fake = new FakeDiscord();
const fixture = modeFixture();
let adapter: DiscordAdapter;

beforeAll(async () => {
  await fake.start();
  const store = openMemoryStore(silentLogger);
  // A core with only the test command: what reaches it is exactly what the adapter built.
  const core = new Core({
    roadmaps: await shippedRoadmaps(),
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => fixedNow,
    commands: [fixture],
  });
  adapter = await startAdapterOn(fake, { core, store, logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await adapter.stop();
  await fake.stop();
});

const text = (options: OptionInput[]): OptionInput[] => options.map((option) => ({ ...option, type: 3 }));

/** Runs `/roadmap practice <mode> options...` and resolves with what the command saw. */
async function run(mode: string, options: OptionInput[] = [], where: Parameters<typeof chatInput>[0] = {}) {
  const before = fixture.runs.length;
  const payload = await fake.interaction(chatInput({ ...where, group: fixture.name, subcommand: mode, options }));
  const answer = (await fake.callback(payload.id)) as CallbackBody;
  expect(answer.type).toBe(4);
  expect(fixture.runs).toHaveLength(before + 1);
  const context = fixture.runs.at(-1);
  if (!context) throw new Error("the command did not run");
  return context;
}

describe("Discord subcommand groups for commands with modes", () => {
  it("GIVEN `/roadmap practice on` with options in any order THEN the core gets the text grammar in declared order", async () => {
    const context = await run(
      "on",
      text([
        { name: "days", type: 3, value: "mon, wed ,fri" },
        { name: "time", type: 3, value: "09:30" },
        { name: "zone", type: 3, value: " Europe/Berlin " },
      ]),
    );
    expect(context.commandName).toBe("practice");
    expect(context.arg).toBe("on 09:30 Europe/Berlin mon,wed,fri");
  });

  it("GIVEN a mode without options THEN the text is the command and the mode", async () => {
    expect((await run("status")).arg).toBe("status");
    expect((await run("on")).arg).toBe("on");
  });

  it("GIVEN a member without Manage Channels THEN channelManagers.check() is false, described for people", async () => {
    const context = await run("off", [], {
      permissions: String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.SendMessages),
    });
    expect(context.channelManagers?.description).toBe("members with Manage Channels");
    expect(await context.channelManagers?.check()).toBe(false);
    expect(context.who).toMatchObject({ platform: "discord", teamId: GUILD_ID });
    expect(context.who.inDirectMessage).toBeUndefined();
  });

  it("GIVEN a member with Manage Channels in the channel THEN check() is true", async () => {
    const permissions = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageChannels);
    expect(await (await run("off", [], { permissions })).channelManagers?.check()).toBe(true);
  });

  it("GIVEN an Administrator THEN check() is true (Administrator implies every permission)", async () => {
    const permissions = String(PermissionFlagsBits.Administrator);
    expect(await (await run("off", [], { permissions })).channelManagers?.check()).toBe(true);
  });

  it("GIVEN a DM with the bot THEN the person is in a direct message and manages no channel", async () => {
    const context = await run("status", [], { dm: true });
    expect(context.who.inDirectMessage).toBe(true);
    expect(context.who.teamId).toBeUndefined();
    expect(await context.channelManagers?.check()).toBe(false);
  });

  it("GIVEN a group or mode this version does not know THEN the core answers the words, without a crash", async () => {
    const payload = await fake.interaction(chatInput({ group: "gone", subcommand: "on" }));
    const answer = (await fake.callback(payload.id)) as CallbackBody;
    expect(answer.data?.flags).toBe(64);
    expect(answer.data?.content).toEqual(expect.any(String));
  });
});

describe("the shipped daily command through /roadmap daily", () => {
  const own = new FakeDiscord();
  let bot: DiscordAdapter;

  beforeAll(async () => {
    await own.start();
    const { core, store } = await makeCore();
    bot = new DiscordAdapter({
      core,
      store,
      logger: pino({ level: "silent" }),
      config: {
        token: "fake-token",
        applicationId: APP_ID,
        guildId: undefined,
        apiUrl: own.apiUrl,
        registerOnStart: false,
      },
    });
    await bot.start();
  });

  afterAll(async () => {
    await bot.stop();
    await own.stop();
  });

  const daily = async (mode: string, options: OptionInput[], permissions: string) => {
    const payload = await own.interaction(chatInput({ group: "daily", subcommand: mode, options, permissions }));
    return (await own.callback(payload.id)) as CallbackBody;
  };

  it("GIVEN a member without Manage Channels THEN `daily on` is refused, naming who may", async () => {
    const answer = await daily(
      "on",
      text([{ name: "time", type: 3, value: "09:30" }]),
      String(PermissionFlagsBits.ViewChannel),
    );
    expect(answer.data?.content).toContain("Only members with Manage Channels can");
  });

  it("GIVEN a member with Manage Channels THEN `daily on` is accepted", async () => {
    const answer = await daily(
      "on",
      text([
        { name: "time", type: 3, value: "09:30" },
        { name: "zone", type: 3, value: "Europe/Berlin" },
      ]),
      String(PermissionFlagsBits.ManageChannels),
    );
    expect(answer.data?.content ?? "").not.toContain("Only members with Manage Channels");
    expect(answer.data?.embeds?.length ?? 0).toBeGreaterThan(0);
  });
});
