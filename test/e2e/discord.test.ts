import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { createServer } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { commands } from "../../src/core/commands/index.ts";
import { silentLogger } from "../../src/logger.ts";
import { type RunningBot, startBot } from "../../src/main.ts";
import { discordCommandData } from "../../src/platforms/discord/command-data.ts";
import { registerCommands, registerIfChanged } from "../../src/platforms/discord/register.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { argoCdTopicTitles, contentDir, gatedStore } from "../helpers.ts";
import { discordViolations } from "./discord-limits.ts";
import {
  APP_ID,
  autocomplete,
  BOB,
  buttonClick,
  type CallbackBody,
  chatInput,
  embedText,
  FakeDiscord,
  GUILD_ID,
  type MessageBody,
  user,
} from "./fake-discord.ts";

const bin = path.resolve(import.meta.dirname, "../../bin/roadmap-bot.js");
const fake = new FakeDiscord();
beforeAll(() => fake.start());
afterAll(() => fake.stop());

const discordEnv = () => ({
  DISCORD_TOKEN: "fake-token",
  DISCORD_APPLICATION_ID: APP_ID,
  DISCORD_API_URL: fake.apiUrl,
  PORT: "0",
  CONTENT_DIR: contentDir,
  LOG_LEVEL: "silent",
});

const startDiscordBot = (store: Store = openMemoryStore(silentLogger), deferAfterMs?: number) =>
  startBot(loadConfig(discordEnv()), {
    store,
    ...(deferAfterMs === undefined ? {} : { discordDeferAfterMs: deferAfterMs }),
  });

/** Runs `/roadmap <subcommand>` as a member and resolves with the interaction callback body. */
async function slash(subcommand: string, option?: { name: string; type: number; value: string | number }, who = {}) {
  const payload = await fake.interaction(chatInput({ subcommand, options: option ? [option] : [], ...who }));
  return fake.callback(payload.id);
}

const customIds = (data: MessageBody | undefined): string[] =>
  (data?.components ?? []).flatMap((row) =>
    ((row as { components: { custom_id?: string }[] }).components ?? []).map((c) => c.custom_id ?? ""),
  );

const limitsOf = (data: MessageBody | undefined) =>
  discordViolations({
    content: data?.content,
    embeds: (data?.embeds ?? []) as never,
    components: (data?.components ?? []) as never,
  });

describe("Discord through the real discord.js", () => {
  let bot: RunningBot;
  beforeAll(async () => {
    bot = await startDiscordBot();
  });
  afterAll(() => bot.stop());

  it("GIVEN login THEN the client fetched /gateway/bot from DISCORD_API_URL and identified with no intents (interactions need none)", () => {
    expect(fake.requests.some((request) => request.path === "/gateway/bot")).toBe(true);
    const identify = fake.received.find((payload) => payload.op === 2)?.d as { intents: number };
    expect(identify.intents).toBe(0);
  });

  it("GIVEN `/roadmap stage number:17` THEN the reply is ArgoCD with its five topics, ephemeral, mentioning no one", async () => {
    const body = (await slash("stage", { name: "number", type: 4, value: 17 })) as CallbackBody;
    expect(body.type).toBe(4);
    expect(body.data?.flags).toBe(64);
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    const text = embedText(body.data);
    expect(text).toContain("Stage 17 · ArgoCD");
    for (const title of argoCdTopicTitles) {
      expect(text).toContain(title);
    }
    expect(customIds(body.data)).toEqual(
      expect.arrayContaining([
        "rb:run:next",
        "rb:run:stage 18",
        "rb:share:stage 17",
        "rb:run:done argocd-architecture",
      ]),
    );
    expect(limitsOf(body.data)).toEqual([]);
  });

  it("GIVEN the largest replies THEN each fits Discord's limits", async () => {
    for (const subcommand of ["stages", "progress", "help"]) {
      expect(limitsOf((await slash(subcommand)).data), subcommand).toEqual([]);
    }
    const search = await slash("search", { name: "words", type: 3, value: "aws pipeline deployment" });
    expect(limitsOf(search.data)).toEqual([]);
  });

  it("GIVEN people marking topics in a channel THEN its leaderboard ranks them by display name and points, pinging no one", async () => {
    const dee = { id: "1290000000000000911", username: "dee", global_name: "@everyone dee" };
    const ann = { id: "1290000000000000912", username: "ann", global_name: `<@${dee.id}> ann` };
    const where = { channelId: "1290000000000000999" };
    const done = (user: typeof dee, topic: string) =>
      slash("done", { name: "topic", type: 3, value: topic }, { user, ...where });
    await done(dee, "argocd-architecture");
    await done(ann, "applicationsets");
    await done(ann, "argocd-rbac-sso");
    const body = await slash("leaderboard", { name: "board", type: 3, value: "all channel" }, { user: dee, ...where });
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    expect(body.data?.flags).toBe(64);
    expect(embedText(body.data)).toContain(`1. <@${dee.id}> ann · 5 pts\n2. @everyone dee · 3 pts (you)`);
    expect(limitsOf(body.data)).toEqual([]);
  });

  it("GIVEN @everyone and a role mention typed as a topic THEN the reply pings no one", async () => {
    const body = await slash("topic", { name: "topic", type: 3, value: "@everyone <@&123456789012345678>" });
    expect(body.data?.allowed_mentions).toEqual({ parse: [] });
    expect(body.data?.content).toContain("No topic matches");
  });

  it("GIVEN autocomplete for “argo” THEN 1-25 valid choices, ArgoCD topics among them; stages by name too", async () => {
    const topicPayload = await fake.interaction(
      autocomplete({ subcommand: "topic", focused: { name: "topic", type: 3, value: "argo" } }),
    );
    const topics = (await fake.callback(topicPayload.id)) as CallbackBody;
    expect(topics.type).toBe(8);
    const choices = topics.data?.choices ?? [];
    expect(choices.length).toBeGreaterThanOrEqual(1);
    expect(choices.length).toBeLessThanOrEqual(25);
    for (const choice of choices) {
      expect(choice.name.length).toBeGreaterThanOrEqual(1);
      expect(choice.name.length).toBeLessThanOrEqual(100);
    }
    expect(choices.map((choice) => choice.value)).toContain("argocd-architecture");
    const stagePayload = await fake.interaction(
      autocomplete({ subcommand: "stage", focused: { name: "number", type: 4, value: "argo" } }),
    );
    expect(((await fake.callback(stagePayload.id)) as CallbackBody).data?.choices).toEqual([
      { name: "17 · ArgoCD", value: 17 },
    ]);
  });

  it("GIVEN a click on Done THEN it is recorded for the member who clicked, and progress shows it", async () => {
    const clicker = user({ id: "1290000000000000555", username: "carol" });
    const card = await slash("topic", { name: "topic", type: 3, value: "argocd-architecture" }, { user: clicker });
    expect(customIds(card.data)).toContain("rb:run:done argocd-architecture");
    const click = await fake.interaction(buttonClick({ customId: "rb:run:done argocd-architecture", user: clicker }));
    const confirmation = (await fake.callback(click.id)) as CallbackBody;
    expect(embedText(confirmation.data)).toContain("Marked ArgoCD Architecture as done. 1/112 done (1%).");
    expect(confirmation.data?.flags).toBe(64);
    expect(embedText((await slash("progress", undefined, { user: clicker })).data)).toContain("1/112");
    expect(embedText((await slash("progress", undefined, { user: BOB })).data)).toContain("0/112");
  });

  it("GIVEN a tampered or foreign custom id THEN an ephemeral refusal and nothing recorded", async () => {
    const intruder = user({ id: "1290000000000000666", username: "mallory" });
    for (const customId of ["rb:run:help", "other-bot:vote", "rb:run:stages and more"]) {
      const click = await fake.interaction(buttonClick({ customId, user: intruder }));
      const answer = (await fake.callback(click.id)) as CallbackBody;
      expect(answer.data?.content).toBe(
        "That button is not one of mine, or it is out of date. Type `/roadmap help` to start again.",
      );
      expect(answer.data?.flags).toBe(64);
    }
    expect(embedText((await slash("progress", undefined, { user: intruder })).data)).toContain("0/112");
  });

  it("GIVEN Share THEN the answer is posted for the channel, not ephemeral", async () => {
    const click = await fake.interaction(buttonClick({ customId: "rb:share:stage 17" }));
    const shared = (await fake.callback(click.id)) as CallbackBody;
    expect(shared.data?.flags ?? 0).toBe(0);
    expect(embedText(shared.data)).toContain("Stage 17 · ArgoCD");
  });

  it("GIVEN a DM with the bot THEN commands work there too", async () => {
    const body = await slash("next", undefined, {
      dm: true,
      user: user({ id: "1290000000000000777", username: "dee" }),
    });
    expect(embedText(body.data)).toContain("Next up: What is Release Engineering?");
  });

  it("GIVEN many members ran commands THEN the client keeps none of them cached, only itself", async () => {
    const members = Array.from({ length: 5 }, (_, i) => user({ id: `129000000000000090${i}`, username: `m${i}` }));
    for (const member of members) await slash("stage", { name: "number", type: 4, value: 1 }, { user: member });
    const { client } = bot.discord ?? {};
    expect(client?.users.cache.map((cached) => cached.id)).toEqual([APP_ID]);
    expect(client?.guilds.cache.size).toBe(0);
  });

  it("GIVEN every body the bot sent THEN each message carries allowed_mentions with parse: []", () => {
    const messages = fake.requests
      .filter((request) => request.method !== "GET" && request.path.startsWith("/interactions/"))
      .map((request) => request.body as CallbackBody)
      .filter((body) => body.type === 4 || body.type === 7);
    expect(messages.length).toBeGreaterThan(10);
    for (const body of messages) expect(body.data?.allowed_mentions).toEqual({ parse: [] });
  });
});

describe("Discord with a slow store", () => {
  it("GIVEN a store that has not answered THEN the bot defers, then edits the answer in", async () => {
    const { store, release } = gatedStore();
    // Startup reads nothing from the store, so the gate only holds back the command below.
    const bot = await startDiscordBot(store, 100);
    try {
      const payload = await fake.interaction(
        chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] }),
      );
      const first = (await fake.callback(payload.id)) as CallbackBody;
      expect(first.type).toBe(5);
      expect(first.data?.flags).toBe(64);
      release();
      const edit = await fake.edit(payload.token);
      expect(embedText(edit)).toContain("Stage 17 · ArgoCD");
      expect(edit.allowed_mentions).toEqual({ parse: [] });
    } finally {
      await bot.stop();
    }
  });
});

describe("Discord button clicks with a slow store", () => {
  it("GIVEN a click while the store is slow THEN the bot defers within the window, then edits the answer in", async () => {
    const { store, release } = gatedStore();
    const bot = await startDiscordBot(store, 100);
    try {
      const click = await fake.interaction(buttonClick({ customId: "rb:run:done argocd-architecture" }));
      const first = (await fake.callback(click.id)) as CallbackBody;
      expect(first.type).toBe(5);
      expect(first.data?.flags).toBe(64);
      release();
      const edit = await fake.edit(click.token);
      expect(embedText(edit)).toContain("Marked ArgoCD Architecture as done.");
      expect(edit.allowed_mentions).toEqual({ parse: [] });
    } finally {
      await bot.stop();
    }
  });
});

describe("Discord command registration", () => {
  const data = discordCommandData(commands, 26);

  it("GIVEN register-discord for a guild THEN one PUT with /roadmap and /roadmap-setup reaches that guild, every command in one of them", async () => {
    const config = loadConfig(discordEnv()).discord;
    if (!config) throw new Error("discord config missing");
    await registerCommands(config, data, GUILD_ID);
    const last = fake.registrations.at(-1);
    expect(last?.guildId).toBe(GUILD_ID);
    expect(fake.registered()?.map((command) => [command.name, command.type])).toEqual([
      ["roadmap", 1],
      ["roadmap-setup", 1],
    ]);
    const names = fake.registered()?.flatMap((command) => command.options?.map((option) => option.name) ?? []);
    expect(names?.sort()).toEqual(commands.map((command) => command.name).sort());
  });

  it("GIVEN registration at start twice with the same data THEN Discord is called once", async () => {
    const config = loadConfig({ ...discordEnv(), DISCORD_REGISTER_ON_START: "true" }).discord;
    if (!config) throw new Error("discord config missing");
    const store = openMemoryStore(silentLogger);
    const before = fake.registrations.length;
    expect((await registerIfChanged(config, data, store, silentLogger)).changed).toBe(true);
    expect((await registerIfChanged(config, data, store, silentLogger)).changed).toBe(false);
    expect(fake.registrations.length).toBe(before + 1);
    expect(fake.registrations.at(-1)?.guildId).toBeNull();
  });
});

describe("Discord connection life", () => {
  it("GIVEN the gateway drops THEN discord.js resumes on its own and the next command is answered", async () => {
    const own = new FakeDiscord();
    await own.start();
    const bot = await startBot(loadConfig({ ...discordEnv(), DISCORD_API_URL: own.apiUrl }), {
      store: openMemoryStore(silentLogger),
    });
    try {
      const connectionsBefore = own.connections;
      own.closeGateway(4000);
      await own.until(() => own.connections > connectionsBefore);
      const payload = await own.interaction(
        chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] }),
      );
      expect(embedText(((await own.callback(payload.id)) as CallbackBody).data)).toContain("Stage 17 · ArgoCD");
    } finally {
      await bot.stop();
      await own.stop();
    }
  });

  it("GIVEN a gateway close discord.js cannot recover from THEN /healthz and /readyz turn 503", async () => {
    const own = new FakeDiscord();
    await own.start();
    const bot = await startBot(loadConfig({ ...discordEnv(), DISCORD_API_URL: own.apiUrl }), {
      store: openMemoryStore(silentLogger),
    });
    try {
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(200);
      own.closeGateway(4004); // authentication failed: a revoked token
      await own.until(() => bot.discord?.alive === false);
      expect((await fetch(`http://127.0.0.1:${bot.port}/healthz`)).status).toBe(503);
      expect((await fetch(`http://127.0.0.1:${bot.port}/readyz`)).status).toBe(503);
    } finally {
      await bot.stop();
      await own.stop();
    }
  });

  it("GIVEN PORT already in use THEN start fails with a message naming PORT", async () => {
    const own = new FakeDiscord();
    await own.start();
    const blocker = createServer();
    await new Promise<void>((resolve) => blocker.listen(0, resolve));
    const port = (blocker.address() as AddressInfo).port;
    try {
      await expect(
        startBot(loadConfig({ ...discordEnv(), DISCORD_API_URL: own.apiUrl, PORT: String(port) }), {
          store: openMemoryStore(silentLogger),
        }),
      ).rejects.toThrow(`PORT ${port} is already in use; set PORT to a free port`);
    } finally {
      blocker.close();
      await own.stop();
    }
  });

  it("GIVEN `roadmap-bot start` with Discord configured THEN it answers, and SIGTERM ends it with exit 0", async () => {
    const own = new FakeDiscord();
    await own.start();
    const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-discord-start-"));
    const child = spawn(process.execPath, [bin, "start"], {
      env: {
        PATH: process.env.PATH ?? "",
        ...discordEnv(),
        DISCORD_API_URL: own.apiUrl,
        LOG_LEVEL: "info",
        STORE_URL: `sqlite://${path.join(dir, "bot.sqlite")}`,
      },
    });
    try {
      await new Promise<void>((resolve, reject) => {
        let logs = "";
        child.stderr.on("data", (chunk: Buffer) => {
          logs += chunk.toString();
          if (logs.includes('"msg":"http server listening"')) resolve();
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${logs}`)));
      });
      const payload = await own.interaction(chatInput({ subcommand: "next" }));
      expect(embedText(((await own.callback(payload.id)) as CallbackBody).data)).toContain("Next up");
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await own.stop();
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("GIVEN `roadmap-bot register-discord --guild` THEN it registers there and prints the invite URL", async () => {
    const { stdout, code } = await new Promise<{ stdout: string; code: number | null }>((resolve) => {
      const child = spawn(process.execPath, [bin, "register-discord", "--guild", GUILD_ID], {
        env: { PATH: process.env.PATH ?? "", ...discordEnv() },
      });
      let out = "";
      child.stdout.on("data", (chunk: Buffer) => {
        out += chunk.toString();
      });
      child.once("exit", (exitCode) => resolve({ stdout: out, code: exitCode }));
    });
    expect(code).toBe(0);
    expect(stdout).toContain(
      `Registered /roadmap (guild ${GUILD_ID}).\nRegistered /roadmap-setup (guild ${GUILD_ID}).`,
    );
    expect(stdout).toContain(
      `https://discord.com/oauth2/authorize?client_id=${APP_ID}&scope=bot+applications.commands&permissions=`,
    );
    expect(fake.registrations.at(-1)?.guildId).toBe(GUILD_ID);
  });
});
