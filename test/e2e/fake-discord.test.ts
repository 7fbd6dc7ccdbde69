import { spawn } from "node:child_process";
import { once } from "node:events";
import path from "node:path";
import {
  AttachmentBuilder,
  ChannelType,
  Client,
  DiscordAPIError,
  Events,
  GatewayIntentBits,
  type Interaction,
  MessageFlags,
  RESTEvents,
  Routes,
  TextChannel,
  ThreadChannel,
} from "discord.js";
import { afterEach, describe, expect, it } from "vitest";
import {
  ALICE,
  autocomplete,
  BOT_ID,
  buttonClick,
  CHANNEL_ID,
  chatInput,
  DM_CHANNEL_ID,
  discordErrors,
  FakeDiscord,
  GUILD_ID,
  OTHER_GUILD_ID,
  USER_INSTALL_APP_PERMISSIONS,
} from "./fake-discord.ts";

const running: { fake: FakeDiscord; client: Client }[] = [];

afterEach(async () => {
  for (const { fake, client } of running.splice(0)) {
    await client.destroy();
    await fake.stop();
  }
});

/** A started fake and a bare discord.js client logged in to it, ready. */
async function connect(fake = new FakeDiscord()): Promise<{ fake: FakeDiscord; client: Client }> {
  await fake.start();
  const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
  running.push({ fake, client });
  await Promise.all([once(client, Events.ClientReady), client.login("fake-token")]);
  return { fake, client };
}

/** Runs `handle` on the next interaction the client receives; resolves (or rejects) with what it did. */
function nextInteraction<T>(client: Client, handle: (interaction: Interaction) => Promise<T>): Promise<T> {
  return new Promise((resolve, reject) => {
    client.once(Events.InteractionCreate, (interaction) => handle(interaction).then(resolve, reject));
  });
}

describe("fake Discord with a bare discord.js client", () => {
  it("logs in over REST and the gateway and becomes ready", async () => {
    const { fake, client } = await connect();
    expect(fake.requests[0]).toMatchObject({ method: "GET", path: "/gateway/bot", authorization: "Bot fake-token" });
    expect(fake.identified).toMatchObject({ token: "fake-token", intents: GatewayIntentBits.Guilds, shard: [0, 1] });
    expect(client.isReady()).toBe(true);
    expect(client.user?.id).toBe(BOT_ID);
    expect(client.application?.id).toBe(fake.appId);
    expect(fake.unknownRoutes).toEqual([]);
  });

  it("records a reply to a slash command as the callback body", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error(`unexpected ${interaction.type}`);
      await interaction.reply({ content: "pong", allowedMentions: { parse: [] } });
      return {
        subcommand: interaction.options.getSubcommand(),
        number: interaction.options.getInteger("number"),
        user: interaction.user.id,
        guild: interaction.guildId,
        inGuild: interaction.inGuild(),
      };
    });
    const payload = await fake.interaction(
      chatInput({ name: "roadmap", subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] }),
    );
    const body = await fake.callback(payload.id);
    expect(body).toEqual({
      type: 4,
      data: expect.objectContaining({ content: "pong", allowed_mentions: { parse: [] } }),
    });
    expect(await handled).toEqual({ subcommand: "stage", number: 17, user: ALICE.id, guild: GUILD_ID, inGuild: true });
    await expect(fake.callbackRequest(payload.id)).resolves.toMatchObject({ query: { with_response: "false" } });
  });

  it("delivers a dispatch given as JSON text, and with record: false keeps no request", async () => {
    const { fake, client } = await connect(new FakeDiscord({ record: false }));
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error(`unexpected ${interaction.type}`);
      await interaction.reply({ content: "pong", allowedMentions: { parse: [] } });
      return { id: interaction.id, number: interaction.options.getInteger("number") };
    });
    const payload = chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] });
    await fake.dispatchJson("INTERACTION_CREATE", JSON.stringify(payload));
    expect(await handled).toEqual({ id: payload.id, number: 17 });
    expect((await fake.callback(payload.id)).data?.content).toBe("pong");
    expect(fake.requests).toEqual([]);
    expect(fake.received).toEqual([]);
  });

  it("sends a deferred reply's edit to PATCH @original and gives back a parsed message", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a command");
      await interaction.deferReply({ flags: MessageFlags.Ephemeral });
      const message = await interaction.editReply({ content: "done thinking", allowedMentions: { parse: [] } });
      return { content: message.content, channel: message.channelId, flags: message.flags.bitfield };
    });
    const payload = await fake.interaction(chatInput({ subcommand: "next" }));
    expect(await fake.callback(payload.id)).toEqual({ type: 5, data: { flags: MessageFlags.Ephemeral } });
    expect(await fake.edit(payload.token)).toMatchObject({ content: "done thinking" });
    expect(await handled).toEqual({ content: "done thinking", channel: CHANNEL_ID, flags: MessageFlags.Ephemeral });
    const patch = fake.requests.find((request) => request.method === "PATCH");
    expect(patch?.path).toBe(`/webhooks/${fake.appId}/${payload.token}/messages/@original`);
    expect(fake.webhookMessages(payload.token).original?.content).toBe("done thinking");
  });

  it("records autocomplete choices as a type 8 callback", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isAutocomplete()) throw new Error("expected autocomplete");
      const focused = interaction.options.getFocused(true);
      await interaction.respond([{ name: `Topic ${focused.value}`, value: "closures" }]);
      return { focused: focused.name, subcommand: interaction.options.getSubcommand() };
    });
    const payload = await fake.interaction(
      autocomplete({ subcommand: "topic", focused: { name: "name", type: 3, value: "clo" } }),
    );
    expect(await fake.callback(payload.id)).toEqual({
      type: 8,
      data: { choices: [{ name: "Topic clo", value: "closures" }] },
    });
    expect(await handled).toEqual({ focused: "name", subcommand: "topic" });
  });

  it("handles a button click in a DM: update, then a follow-up", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isButton()) throw new Error("expected a button");
      await interaction.update({ content: "Marked done", components: [] });
      const followUp = await interaction.followUp({ content: "Next up: closures", flags: MessageFlags.Ephemeral });
      return {
        customId: interaction.customId,
        inGuild: interaction.inGuild(),
        user: interaction.user.id,
        channel: interaction.channelId,
        clickedOn: interaction.message.components.length,
        followUp: followUp.content,
      };
    });
    const payload = await fake.interaction(buttonClick({ customId: "done:stage-1:closures", dm: true }));
    expect(await fake.callback(payload.id)).toEqual({
      type: 7,
      data: expect.objectContaining({ content: "Marked done", components: [] }),
    });
    expect(await fake.followUp(payload.token)).toMatchObject({ content: "Next up: closures", flags: 64 });
    expect(await handled).toEqual({
      customId: "done:stage-1:closures",
      inGuild: false,
      user: ALICE.id,
      channel: DM_CHANNEL_ID,
      clickedOn: 1,
      followUp: "Next up: closures",
    });
  });

  it("parses multipart callbacks: payload_json and the attached files", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a command");
      const file = new AttachmentBuilder(Buffer.from("stage,topic\n1,closures\n"), { name: "progress.csv" });
      await interaction.reply({ content: "Your export", files: [file] });
    });
    const payload = await fake.interaction(chatInput({ subcommand: "export" }));
    const request = await fake.callbackRequest(payload.id);
    await handled;
    expect(request.body).toMatchObject({
      type: 4,
      data: { content: "Your export", attachments: [{ id: "0" }] },
    });
    expect(request.files).toMatchObject([
      { field: "files[0]", filename: "progress.csv", content: "stage,topic\n1,closures\n" },
    ]);
  });

  it("answers with_response=true with a message discord.js parses", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand()) throw new Error("expected a command");
      const response = await interaction.reply({ content: "pong", withResponse: true });
      return { content: response.resource?.message?.content, id: response.interaction.id };
    });
    const payload = await fake.interaction(chatInput());
    expect(await handled).toEqual({ content: "pong", id: payload.id });
  });

  it("records global and guild command registrations and answers them with ids", async () => {
    const { fake, client } = await connect();
    const command = { name: "roadmap", description: "Study the roadmap" };
    const global = await client.application?.commands.set([command]);
    expect(fake.registered()).toEqual([expect.objectContaining(command)]);
    const guild = await client.application?.commands.set([command], GUILD_ID);
    expect(global?.first()?.name).toBe("roadmap");
    expect(guild?.first()?.guildId).toBe(GUILD_ID);
    expect(fake.registrations[1]?.answered).toEqual([
      expect.objectContaining({ ...command, id: guild?.first()?.id, guild_id: GUILD_ID, application_id: fake.appId }),
    ]);
    expect(fake.registrations.map((registration) => registration.guildId)).toEqual([null, GUILD_ID]);
    expect(fake.requests.filter((request) => request.method === "PUT").map((request) => request.path)).toEqual([
      `/applications/${fake.appId}/commands`,
      `/applications/${fake.appId}/guilds/${GUILD_ID}/commands`,
    ]);
  });

  it("404s unknown routes, records them, and discord.js throws a DiscordAPIError", async () => {
    const { fake, client } = await connect();
    const error = await client.rest.get(Routes.guildRoles(GUILD_ID)).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(DiscordAPIError);
    expect(fake.unknownRoutes).toMatchObject([{ method: "GET", path: `/guilds/${GUILD_ID}/roles` }]);
  });

  it("lets the client resume after the gateway drops, then delivers interactions again", async () => {
    const { fake, client } = await connect();
    fake.closeGateway(4000);
    await fake.until(() => fake.received.some((payload) => payload.op === 6));
    expect(fake.connections).toBe(2);
    const handled = nextInteraction(client, async (interaction) => {
      if (interaction.isChatInputCommand()) await interaction.reply({ content: "still here" });
    });
    const payload = await fake.interaction(chatInput());
    expect(await fake.callback(payload.id)).toMatchObject({ type: 4, data: { content: "still here" } });
    await handled;
  });

  it("with guilds, caches them so channel messages and threads work", async () => {
    const fake = new FakeDiscord({ guilds: [{ id: GUILD_ID, channels: [{ id: CHANNEL_ID, name: "learning" }] }] });
    const { client } = await connect(fake);
    expect(client.guilds.cache.get(GUILD_ID)?.channels.cache.get(CHANNEL_ID)).toBeInstanceOf(TextChannel);
    const handled = nextInteraction(client, async (interaction) => {
      if (!interaction.isChatInputCommand() || !interaction.inCachedGuild())
        throw new Error("expected a guild command");
      const channel = interaction.channel;
      if (channel?.type !== ChannelType.GuildText) throw new Error("expected a cached text channel");
      await interaction.reply({ content: "Starting a study thread" });
      const sent = await channel.send({ content: "Week 1" });
      const thread = await sent.startThread({ name: "Week 1 notes" });
      await thread.send({ content: "first note" });
      return { thread, sentId: sent.id };
    });
    await fake.interaction(chatInput({ subcommand: "share" }));
    const { thread, sentId } = await handled;
    expect(thread).toBeInstanceOf(ThreadChannel);
    expect(thread.id).toBe(sentId);
    expect(await fake.channelMessages(CHANNEL_ID)).toMatchObject([{ content: "Week 1" }]);
    expect(await fake.channelMessages(thread.id)).toMatchObject([{ content: "first note" }]);
    expect(fake.threads).toMatchObject([{ channelId: CHANNEL_ID, messageId: sentId, body: { name: "Week 1 notes" } }]);
  });

  it("answers a repeated nonce with enforce_nonce with the first message, and records nonces", async () => {
    const { fake, client } = await connect();
    const post = (nonce: string, enforce_nonce = true) =>
      client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: "Daily topic", nonce, enforce_nonce } });
    const first = (await post("n-1")) as { id: string; nonce: string };
    const again = (await post("n-1")) as { id: string };
    const loose = (await post("n-1", false)) as { id: string };
    expect(first.nonce).toBe("n-1");
    expect(again.id).toBe(first.id);
    expect(loose.id).not.toBe(first.id);
    expect(await fake.channelMessages(CHANNEL_ID, 2)).toMatchObject([
      { nonce: "n-1", enforce_nonce: true },
      { nonce: "n-1", enforce_nonce: false },
    ]);
  });

  it("answers scripted channel errors as DiscordAPIErrors, only where and as often as scripted", async () => {
    const { fake, client } = await connect();
    fake.failChannel(CHANNEL_ID, discordErrors.missingPermissions, { times: 1 });
    fake.failChannel(CHANNEL_ID, discordErrors.missingAccess, { on: "threads" });
    const send = () => client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: "hi" } });
    const refused = await send().catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(DiscordAPIError);
    expect(refused).toMatchObject({ status: 403, code: 50013 });
    const sent = (await send()) as { id: string };
    const thread = await client.rest
      .post(Routes.threads(CHANNEL_ID, sent.id), { body: { name: "t" } })
      .catch((caught: unknown) => caught);
    expect(thread).toMatchObject({ status: 403, code: 50001 });
    expect(fake.threads).toEqual([]);
  });

  it("refuses a second thread on one message with 160004, as Discord does", async () => {
    const { client } = await connect();
    const sent = (await client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: "hi" } })) as {
      id: string;
    };
    await client.rest.post(Routes.threads(CHANNEL_ID, sent.id), { body: { name: "t" } });
    const again = await client.rest
      .post(Routes.threads(CHANNEL_ID, sent.id), { body: { name: "t" } })
      .catch((caught: unknown) => caught);
    expect(again).toMatchObject({ status: 400, code: 160004 });
  });

  it("rate-limits a channel with 429 and Retry-After, which discord.js waits out and retries", async () => {
    const { fake, client } = await connect();
    fake.rateLimitChannel(CHANNEL_ID, { retryAfter: 0.02 });
    const limited: string[] = [];
    client.rest.on(RESTEvents.RateLimited, (info) => limited.push(info.route));
    await client.rest.post(Routes.channelMessages(CHANNEL_ID), { body: { content: "hi" } });
    expect(fake.requests.filter((request) => request.path === `/channels/${CHANNEL_ID}/messages`)).toHaveLength(2);
    expect(await fake.channelMessages(CHANNEL_ID)).toHaveLength(1);
    expect(limited.length).toBeGreaterThan(0);
  });

  it("lets a payload carry a member's channel permissions", async () => {
    const { fake, client } = await connect();
    const handled = nextInteraction(client, async (interaction) => interaction.memberPermissions?.toArray());
    await fake.interaction(chatInput({ permissions: "16" }));
    expect(await handled).toEqual(["ManageChannels"]);
  });

  it("builds user-install payloads: only the person's install authorizes them, with an app's limited permissions", async () => {
    const { fake, client } = await connect();
    const seen = (interaction: Interaction) =>
      Promise.resolve({
        context: interaction.context,
        guildInstall: interaction.authorizingIntegrationOwners.guildId,
        userInstall: interaction.authorizingIntegrationOwners.userId,
        app: interaction.appPermissions.bitfield.toString(),
        guild: interaction.guildId,
      });
    let handled = nextInteraction(client, seen);
    await fake.interaction(chatInput({ install: "user", guildId: OTHER_GUILD_ID }));
    expect(await handled).toEqual({
      context: 0,
      guildInstall: null,
      userInstall: ALICE.id,
      app: USER_INSTALL_APP_PERMISSIONS,
      guild: OTHER_GUILD_ID,
    });
    handled = nextInteraction(client, seen);
    await fake.interaction(chatInput({ install: "user", dm: true }));
    expect(await handled).toMatchObject({ context: 2, guildInstall: null, userInstall: ALICE.id, guild: null });
    handled = nextInteraction(client, seen);
    await fake.interaction(chatInput({ install: "both", appPermissions: "2048" }));
    expect(await handled).toMatchObject({ context: 0, guildInstall: GUILD_ID, userInstall: ALICE.id, app: "2048" });
  });

  it("answers the bot's own membership in the servers it joined, and 403 Missing Access elsewhere", async () => {
    const { client } = await connect();
    await expect(client.rest.get(Routes.guildMember(GUILD_ID, BOT_ID))).resolves.toMatchObject({
      user: { id: BOT_ID },
    });
    await expect(client.rest.get(Routes.guildMember(OTHER_GUILD_ID, BOT_ID))).rejects.toMatchObject({
      status: 403,
      code: 50001,
    });
  });

  it("closes a client still connected at stop() with 4004, so it gives up instead of reconnecting", async () => {
    const { fake, client } = await connect();
    const disconnected = once(client, Events.ShardDisconnect);
    await fake.stop();
    const [event] = (await disconnected) as [{ code: number }];
    expect(event.code).toBe(4004);
    expect(fake.connections).toBe(1);
  });

  it("leaves nothing running once the client is destroyed and the fake stopped", async () => {
    const fakeModule = path.join(import.meta.dirname, "fake-discord.ts");
    const script = `
      import { once } from "node:events";
      import { Client, Events, GatewayIntentBits } from "discord.js";
      import { chatInput, FakeDiscord } from ${JSON.stringify(fakeModule)};
      const fake = new FakeDiscord();
      await fake.start();
      const client = new Client({ intents: [GatewayIntentBits.Guilds], rest: { api: fake.apiUrl } });
      client.on(Events.InteractionCreate, (i) => void (i.isChatInputCommand() && i.reply({ content: "pong" })));
      await Promise.all([once(client, Events.ClientReady), client.login("fake-token")]);
      const payload = await fake.interaction(chatInput());
      const body = await fake.callback(payload.id);
      await client.destroy();
      await fake.stop();
      console.log(JSON.stringify(body.data?.content));
    `;
    const child = spawn(process.execPath, ["--import", "tsx", "--input-type=module", "-e", script], {
      cwd: path.resolve(import.meta.dirname, "../.."),
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    let printedAt = 0;
    child.stdout.on("data", (chunk: Buffer) => {
      stdout += chunk.toString();
      printedAt = Date.now();
    });
    child.stderr.on("data", (chunk: Buffer) => {
      stderr += chunk.toString();
    });
    const kill = setTimeout(() => child.kill("SIGKILL"), 20_000);
    const [code] = (await once(child, "exit")) as [number | null];
    clearTimeout(kill);
    expect(code, stderr).toBe(0);
    expect(stdout.trim()).toBe('"pong"');
    // Exiting on its own means nothing kept the event loop alive; it happens right after the last line.
    expect(Date.now() - printedAt).toBeLessThan(1000);
  });
});
