import { PermissionFlagsBits } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Core } from "../../src/core/core.ts";
import { silentLogger } from "../../src/logger.ts";
import type { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { inviteUrl } from "../../src/platforms/discord/invite.ts";
import { scheduleContext } from "../../src/schedule/schedule-context.ts";
import { channelSubscriptionId } from "../../src/schedule/subscription.ts";
import type { Store } from "../../src/store/store.ts";
import { makeCore } from "../helpers.ts";
import { scanStore } from "../store-scan.ts";
import { startAdapterOn } from "./discord-adapter-fixture.ts";
import {
  APP_ID,
  buttonClick,
  type CallbackBody,
  type ChatInputOptions,
  chatInput,
  embedText,
  FakeDiscord,
  GUILD_ID,
  type MessageBody,
  type OptionInput,
  OTHER_GUILD_ID,
} from "./fake-discord.ts";

const fake = new FakeDiscord();
let adapter: DiscordAdapter;
let core: Core;
let store: Store;

beforeAll(async () => {
  await fake.start();
  ({ core, store } = await makeCore());
  adapter = await startAdapterOn(fake, { core, store, logger: pino({ level: "silent" }) });
});

afterAll(async () => {
  await adapter.stop();
  await fake.stop();
});

const manager = String(PermissionFlagsBits.ViewChannel | PermissionFlagsBits.ManageChannels);
/** Every permission a bot needs to post, but Send Messages. */
const withoutSendMessages = String(
  PermissionFlagsBits.ViewChannel | PermissionFlagsBits.EmbedLinks | PermissionFlagsBits.CreatePublicThreads,
);
const text = (options: Record<string, string>): OptionInput[] =>
  Object.entries(options).map(([name, value]) => ({ name, type: 3, value }));

/** Runs a slash command and resolves with the answer the bot gave it. */
async function ask(input: ChatInputOptions): Promise<MessageBody> {
  const payload = await fake.interaction(chatInput(input));
  const answer = (await fake.callback(payload.id)) as CallbackBody;
  expect(answer.type).toBe(4);
  return answer.data ?? {};
}

/** `/roadmap-setup daily …` (or `/roadmap daily …`, as older registrations send it). */
const daily = (mode: string, where: ChatInputOptions, name = "roadmap-setup") =>
  ask({ name, group: "daily", subcommand: mode, permissions: manager, ...where });

const customIds = (data: MessageBody): string[] =>
  (data.components ?? []).flatMap((row) =>
    ((row as { components?: { custom_id?: string }[] }).components ?? []).map((button) => button.custom_id ?? ""),
  );

/** What the bot sent to channels itself (posts, edits, threads): never an interaction's answer. */
const channelRequests = () => fake.requests.filter((request) => request.path.startsWith("/channels/"));

/** Where the app was installed by the person only: in a server that never added the bot, or a DM between people. */
const otherServer: ChatInputOptions = { install: "user", guildId: OTHER_GUILD_ID, channelId: "1290000000000000210" };
const dmBetweenPeople: ChatInputOptions = { install: "user", dm: true, channelId: "1290000000000000310" };

describe("Discord user install: where the bot is not, answers are the person's alone", () => {
  for (const [where, place] of [
    ["a server that never added the bot", otherServer],
    ["a DM between people", dmBetweenPeople],
  ] as const) {
    it(`GIVEN ${where} THEN \`/roadmap stage\` answers ephemerally, without a Share button, and posts nothing`, async () => {
      const before = channelRequests().length;
      const answer = await ask({ ...place, subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] });
      expect(embedText(answer)).toContain("Stage 17 · ArgoCD");
      expect(answer.flags).toBe(64);
      expect(customIds(answer).some((id) => id.startsWith("rb:share:"))).toBe(false);
      expect(customIds(answer).some((id) => id.startsWith("rb:run:done "))).toBe(true);
      expect(answer.allowed_mentions).toEqual({ parse: [] });
      expect(channelRequests()).toHaveLength(before);
    });
  }

  it("GIVEN a Share click on an older message there THEN the answer stays ephemeral and shows nothing to the channel", async () => {
    const payload = await fake.interaction(buttonClick({ ...otherServer, customId: "rb:share:stage 17" }));
    const answer = (await fake.callback(payload.id)) as CallbackBody;
    expect(embedText(answer.data)).toContain("Stage 17 · ArgoCD");
    expect(answer.data?.flags).toBe(64);
    expect(customIds(answer.data ?? {}).some((id) => id.startsWith("rb:share:"))).toBe(false);
  });

  it("GIVEN the same answer where the bot is THEN it keeps its Share button (only the bot's absence removes it)", async () => {
    const answer = await ask({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] });
    expect(customIds(answer)).toContain("rb:share:stage 17");
    const both = await ask({ install: "both", subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] });
    expect(customIds(both)).toContain("rb:share:stage 17");
  });

  it("GIVEN a command whose answer is normally for the channel (`team zone`) THEN there it is ephemeral", async () => {
    const answer = await ask({
      ...otherServer,
      name: "roadmap",
      group: "team",
      subcommand: "zone",
      options: text({ zone: "Europe/Berlin" }),
      permissions: manager,
    });
    expect(embedText(answer)).toContain("The team's time zone is now Europe/Berlin");
    expect(answer.flags).toBe(64);
  });

  it("GIVEN `daily on` in a server that never added the bot THEN it says to add the bot, with the invite link, and writes nothing", async () => {
    const before = await scanStore(store);
    const posts = channelRequests().length;
    const answer = await daily("on", { ...otherServer, options: text({ time: "09:30" }) }, "roadmap");
    expect(answer.flags).toBe(64);
    expect(answer.content).toBe(
      `roadmap-bot is not in this server, so it cannot post here. Someone with Manage Server can add it with <${inviteUrl(APP_ID)}>, then run it again.`,
    );
    expect(await scanStore(store)).toEqual(before);
    expect(channelRequests()).toHaveLength(posts);
    expect(embedText(await daily("status", otherServer, "roadmap"))).toContain("This channel has no daily topic.");
  });

  it("GIVEN `daily on` in a DM between people THEN it is refused as a DM and writes nothing", async () => {
    const before = await scanStore(store);
    const answer = await daily("on", dmBetweenPeople, "roadmap");
    expect(answer.flags).toBe(64);
    expect(answer.content).toContain("Daily topics are posted to channels, and this is a direct message.");
    expect(answer.content).toContain("`/roadmap remind on 09:00`");
    expect(await scanStore(store)).toEqual(before);
  });

  it("GIVEN a server that installed the app for its commands only (no bot) THEN `daily on` says to add the bot", async () => {
    const before = await scanStore(store);
    const answer = await daily("on", { guildId: OTHER_GUILD_ID, channelId: "1290000000000000220" });
    expect(answer.content).toContain("roadmap-bot is not in this server, so it cannot post here.");
    expect(answer.content).toContain(inviteUrl(APP_ID));
    expect(await scanStore(store)).toEqual(before);
  });
});

describe("Discord: `daily on` checks the bot's permissions in the channel (app_permissions)", () => {
  const channel = "1290000000000000230";

  it("GIVEN the bot lacks Send Messages THEN `daily on` names it and how to allow it, turns nothing on, and status shows none", async () => {
    const before = await scanStore(store);
    const answer = await daily("on", { channelId: channel, appPermissions: withoutSendMessages });
    expect(answer.flags).toBe(64);
    expect(answer.content).toBe(
      "roadmap-bot cannot post here: it lacks Send Messages in this channel. Open this channel's settings → Permissions, add the roadmap-bot role if it is not listed, allow Send Messages, then run it again.",
    );
    expect(await scanStore(store)).toEqual(before);
    expect(await scheduleOf(channel)).toBeUndefined();
    expect(embedText(await daily("status", { channelId: channel }))).toContain("This channel has no daily topic.");
  });

  it("GIVEN several missing THEN each is named; `daily quiz on` is refused the same way", async () => {
    const answer = await daily("quiz", {
      channelId: channel,
      appPermissions: String(PermissionFlagsBits.ViewChannel),
      options: text({ action: "on" }),
    });
    expect(answer.content).toContain("it lacks Send Messages, Embed Links and Create Public Threads in this channel.");
    expect(await scheduleOf(channel)).toBeUndefined();
  });

  it("GIVEN every permission THEN `daily on` turns it on, for the channel to see, and its hints name /roadmap-setup", async () => {
    const answer = await daily("on", { channelId: channel, options: text({ time: "09:30", zone: "Europe/Berlin" }) });
    expect(answer.flags ?? 0).toBe(0);
    const shown = embedText(answer);
    expect(shown).toContain("Daily topic on for this channel");
    expect(shown).toContain("/roadmap-setup daily preview shows the next post, /roadmap-setup daily off stops them.");
    expect(await scheduleOf(channel)).toMatchObject({ zone: "Europe/Berlin", time: { hour: 9, minute: 30 } });
    // The bot asked Discord whether it is in the server: a route the fake knows.
    expect(fake.requests.some((request) => request.path === `/guilds/${GUILD_ID}/members/${APP_ID}`)).toBe(true);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("GIVEN `daily on` under /roadmap, as commands registered by an older version send it THEN it still works", async () => {
    const legacy = "1290000000000000240";
    expect(embedText(await daily("on", { channelId: legacy }, "roadmap"))).toContain("Daily topic on for this channel");
    expect(await scheduleOf(legacy)).toBeDefined();
  });

  it("GIVEN an Administrator bot THEN nothing is missing", async () => {
    const admin = "1290000000000000250";
    const answer = await daily("on", {
      channelId: admin,
      appPermissions: String(PermissionFlagsBits.Administrator),
    });
    expect(embedText(answer)).toContain("Daily topic on for this channel");
  });
});

describe("Discord hints name the slash command each command is typed under", () => {
  it("GIVEN a topic that does not exist THEN the hint is a /roadmap command", async () => {
    const answer = await ask({ subcommand: "topic", options: [{ name: "topic", type: 3, value: "zzzqqq" }] });
    expect(answer.content).toContain("`/roadmap search <words>`");
  });

  it("GIVEN `daily status` without a daily topic THEN the hint is a /roadmap-setup command", async () => {
    const answer = await daily("status", { channelId: "1290000000000000260" });
    expect(embedText(answer)).toContain("Start one with /roadmap-setup daily on 09:00 Europe/Berlin weekdays");
  });
});

describe("Discord: who is who", () => {
  it("GIVEN a member with a server nickname THEN the nickname is their name; else the global name, else the username", async () => {
    const cases = [
      { channelId: "1290000000000000410", nick: "Captain Nick", global_name: "Global Name", expected: "Captain Nick" },
      { channelId: "1290000000000000420", global_name: "Global Name", expected: "Global Name" },
      { channelId: "1290000000000000430", global_name: null, expected: "plainuser" },
    ];
    for (const { channelId, nick, global_name, expected } of cases) {
      const user = { id: channelId.replace(/0$/, "9"), username: "plainuser", global_name };
      await daily("on", { channelId, user, ...(nick ? { nick } : {}) });
      // The subscription keeps the name of whoever set it up, as the payload gave it.
      expect((await scheduleOf(channelId))?.userName).toBe(expected);
    }
  });
});

/** The daily subscription of a channel in GUILD_ID as stored, if any. */
const scheduleOf = (channelId: string) =>
  scheduleContext(store, silentLogger, "UTC").subscriptions.get(channelSubscriptionId("discord", GUILD_ID, channelId));

describe("Discord registration: two slash commands, each where it may run", () => {
  const own = new FakeDiscord();
  let bot: DiscordAdapter | undefined;

  beforeAll(() => own.start());
  afterAll(async () => {
    await bot?.stop();
    await own.stop();
  });

  const start = async () => {
    await bot?.stop();
    bot = await startAdapterOn(own, { core, store, logger: pino({ level: "silent" }) }, { registerOnStart: true });
  };

  it("GIVEN registration at start THEN /roadmap goes to both installs and every context, /roadmap-setup to servers that installed the app; a restart with the same data registers nothing", async () => {
    await start();
    expect(own.registrations).toHaveLength(1);
    const [personal, setup] = own.registered() ?? [];
    expect(personal).toMatchObject({ name: "roadmap", integration_types: [0, 1], contexts: [0, 1, 2] });
    expect(setup).toMatchObject({ name: "roadmap-setup", integration_types: [0], contexts: [0] });
    expect(setup?.options?.map((option) => option.name)).toEqual(["daily", "team"]);
    expect(personal?.options?.map((option) => option.name)).not.toContain("daily");
    await start();
    expect(own.registrations).toHaveLength(1);
  });
});
