import { RESTEvents } from "discord.js";
import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { reply } from "../../src/core/reply.ts";
import type { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import type { DiscordDelivery } from "../../src/platforms/discord/discord-delivery.ts";
import { DeliveryError, type OutgoingPost } from "../../src/schedule/delivery.ts";
import { makeCore } from "../helpers.ts";
import { startAdapterOn } from "./discord-adapter-fixture.ts";
import { discordViolations } from "./discord-limits.ts";
import {
  ALICE,
  BOB,
  DM_CHANNEL_ID,
  discordErrors,
  FakeDiscord,
  type FakeError,
  type MessageBody,
  user,
} from "./fake-discord.ts";

const fake = new FakeDiscord();
const logs: { level: number; msg: string; code?: number }[] = [];
let adapter: DiscordAdapter;
let delivery: DiscordDelivery;
let rateLimited = 0;

beforeAll(async () => {
  await fake.start();
  const { core, store } = await makeCore();
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  adapter = await startAdapterOn(fake, { core, store, logger: logger });
  delivery = adapter.delivery;
  adapter.client.rest.on(RESTEvents.RateLimited, () => rateLimited++);
});

afterAll(async () => {
  await adapter.stop();
  await fake.stop();
});

let channels = 0;
/** A channel id no other test posts to, so scripted errors stay with their test. */
const freshChannel = () => `12900000000000${String(7000 + ++channels)}`;

/** The daily topic card as the scheduler sends it: a topic with Done / Learning / Skip. */
const topicCard = (key: string, extra: Partial<OutgoingPost> = {}): OutgoingPost => ({
  key,
  reply: reply(
    [
      { type: "header", text: "Today's topic: ArgoCD Architecture" },
      { type: "text", text: "How Argo CD reconciles Git with the cluster. @everyone <@&123456789012345678>" },
      {
        type: "actions",
        buttons: [
          { label: "Done", command: "done argocd-architecture", style: "primary" },
          { label: "Learning", command: "start argocd-architecture" },
          { label: "Skip", command: "skip argocd-architecture" },
        ],
      },
    ],
    // Command replies are private with a Share button; a channel post is for everyone and has neither.
    { private: true, share: "topic argocd-architecture" },
  ),
  ...extra,
});

const customIds = (body: MessageBody | undefined) =>
  (body?.components ?? []).flatMap((row) =>
    (row as { components: { custom_id: string; label: string }[] }).components.map((c) => [c.label, c.custom_id]),
  );

const postsTo = (channelId: string) =>
  fake.requests.filter((request) => request.method === "POST" && request.path === `/channels/${channelId}/messages`);

describe("DiscordDelivery through the real discord.js REST client", () => {
  it("GIVEN a channel post THEN the topic card lands with its embed, Done/Learning/Skip, no pings, a nonce", async () => {
    const channel = freshChannel();
    const id = await delivery.postToChannel({ channelId: channel }, topicCard("sub-1 2026-03-02"));
    const [body] = await fake.channelMessages(channel);
    expect(id).toMatch(/^\d{17,20}$/);
    expect(body?.embeds?.[0]).toMatchObject({ title: "Today's topic: ArgoCD Architecture" });
    expect(customIds(body)).toEqual([
      ["Done", "rb:run:done argocd-architecture"],
      ["Learning", "rb:run:start argocd-architecture"],
      ["Skip", "rb:run:skip argocd-architecture"],
    ]);
    expect(body?.allowed_mentions).toEqual({ parse: [] });
    expect(body?.flags).toBeUndefined();
    expect(body?.nonce).toEqual(expect.any(String));
    expect(String(body?.nonce).length).toBeLessThanOrEqual(25);
    expect(body?.enforce_nonce).toBe(true);
    expect(
      discordViolations({
        content: body?.content,
        embeds: body?.embeds as never,
        components: body?.components as never,
      }),
    ).toEqual([]);
    expect(fake.threads.filter((thread) => thread.channelId === channel)).toEqual([]);
  });

  it("GIVEN the same post key twice THEN the same nonce goes out, and Discord shows one message", async () => {
    const channel = freshChannel();
    const first = await delivery.postToChannel({ channelId: channel }, topicCard("sub-2 2026-03-02"));
    const again = await delivery.postToChannel({ channelId: channel }, topicCard("sub-2 2026-03-02"));
    const nextDay = await delivery.postToChannel({ channelId: channel }, topicCard("sub-2 2026-03-03"));
    expect(again).toBe(first);
    expect(nextDay).not.toBe(first);
    const nonces = postsTo(channel).map((request) => (request.body as MessageBody).nonce);
    expect(nonces[0]).toBe(nonces[1]);
    expect(nonces[2]).not.toBe(nonces[0]);
    expect(await fake.channelMessages(channel)).toHaveLength(2);
    // The same key in another channel is another post.
    const elsewhere = freshChannel();
    await delivery.postToChannel({ channelId: elsewhere }, topicCard("sub-2 2026-03-02"));
    const otherNonce = (postsTo(elsewhere)[0]?.body as MessageBody | undefined)?.nonce;
    expect(otherNonce).toEqual(expect.any(String));
    expect(otherNonce).not.toBe(nonces[0]);
  });

  it("GIVEN a thread name THEN a thread is started from the posted message, named within 100 characters", async () => {
    const channel = freshChannel();
    const name = `ArgoCD Architecture: questions and notes ${"x".repeat(120)}`;
    const id = await delivery.postToChannel({ channelId: channel }, topicCard("sub-3 2026-03-02", { thread: name }));
    const thread = fake.threads.find((started) => started.channelId === channel);
    expect(thread?.messageId).toBe(id);
    expect(thread?.body.auto_archive_duration).toBe(1440);
    expect(String(thread?.body.name)).toHaveLength(100);
    expect(String(thread?.body.name)).toMatch(/^ArgoCD Architecture: questions and notes x+…$/);
  });

  it("GIVEN the same post with a thread twice THEN one message and one thread; the repeat still resolves", async () => {
    const channel = freshChannel();
    const post = topicCard("sub-4 2026-03-02", { thread: "Notes" });
    const first = await delivery.postToChannel({ channelId: channel }, post);
    expect(await delivery.postToChannel({ channelId: channel }, post)).toBe(first);
    expect(fake.threads.filter((thread) => thread.channelId === channel)).toHaveLength(1);
    expect(await fake.channelMessages(channel)).toHaveLength(1);
    expect(logs).toContainEqual(expect.objectContaining({ level: 20, code: 160004 }));
  });

  it("GIVEN thread creation is refused THEN the post still succeeds and the refusal is logged, not thrown", async () => {
    const channel = freshChannel();
    fake.failChannel(channel, discordErrors.missingPermissions, { on: "threads" });
    const id = await delivery.postToChannel({ channelId: channel }, topicCard("sub-5 2026-03-02", { thread: "Notes" }));
    expect(id).toMatch(/^\d+$/);
    expect(await fake.channelMessages(channel)).toHaveLength(1);
    expect(fake.requests.some((request) => request.path === `/channels/${channel}/messages/${id}/threads`)).toBe(true);
    expect(fake.threads.filter((thread) => thread.channelId === channel)).toEqual([]);
    expect(logs).toContainEqual(
      expect.objectContaining({ level: 30, code: 50013, msg: expect.stringContaining("thread not opened") }),
    );
  });

  it("GIVEN a direct message THEN the DM channel is opened once per person and the post lands there without a thread", async () => {
    const carol = user({ id: "1290000000000000888", username: "carol" });
    const first = await delivery.sendDirect({ userId: carol.id }, topicCard("remind-carol 1", { thread: "Notes" }));
    const second = await delivery.sendDirect({ userId: carol.id }, topicCard("remind-carol 2"));
    expect(second).not.toBe(first);
    const opened = fake.requests.filter((request) => request.path === "/users/@me/channels");
    expect(opened.map((request) => request.body)).toEqual([{ recipient_id: carol.id }]);
    const dmChannel = fake.dmChannelOf(carol.id) ?? "none";
    const dm = await fake.channelMessages(dmChannel, 2);
    expect(dm.map((body) => body.allowed_mentions)).toEqual([{ parse: [] }, { parse: [] }]);
    expect(customIds(dm[0])).toContainEqual(["Done", "rb:run:done argocd-architecture"]);
    expect(fake.threads.filter((thread) => thread.channelId === dmChannel)).toEqual([]);
  });

  it("GIVEN a remembered DM channel Discord no longer knows THEN it is opened afresh and the DM goes out", async () => {
    await delivery.sendDirect({ userId: BOB.id }, topicCard("remind-bob 1"));
    const bobChannel = fake.dmChannelOf(BOB.id) ?? "none";
    const before = fake.requests.filter((request) => request.path === "/users/@me/channels").length;
    fake.failChannel(bobChannel, discordErrors.unknownChannel, { times: 1 });
    await delivery.sendDirect({ userId: BOB.id }, topicCard("remind-bob 2"));
    expect(fake.requests.filter((request) => request.path === "/users/@me/channels")).toHaveLength(before + 1);
    expect(await fake.channelMessages(bobChannel, 2)).toHaveLength(2);
  });

  it.each([
    [discordErrors.missingPermissions, "give roadmap-bot View Channel, Send Messages and Embed Links here"],
    [discordErrors.missingAccess, "the bot cannot see this channel"],
    [discordErrors.unknownChannel, "the channel no longer exists"],
    [discordErrors.invalidFormBody, "this is a bug in roadmap-bot"],
  ] as [FakeError, string][])(
    "GIVEN a channel post refused with %j THEN a permanent DeliveryError with that code",
    async (error, words) => {
      const channel = freshChannel();
      fake.failChannel(channel, error);
      const caught = await delivery
        .postToChannel({ channelId: channel }, topicCard("sub-x 1"))
        .catch((e: unknown) => e);
      expect(caught).toBeInstanceOf(DeliveryError);
      expect(caught).toMatchObject({ code: String(error.code), permanent: true });
      expect((caught as DeliveryError).message).toContain(words);
      expect(postsTo(channel)).toHaveLength(1);
    },
  );

  it("GIVEN Missing Permissions THEN the message names the permissions to grant, in plain words", async () => {
    const channel = freshChannel();
    fake.failChannel(channel, discordErrors.missingPermissions);
    await expect(delivery.postToChannel({ channelId: channel }, topicCard("sub-y 1"))).rejects.toThrow(
      "the bot lacks permission to send messages in this channel: give roadmap-bot View Channel, Send Messages and Embed Links here",
    );
  });

  it("GIVEN a person who does not accept DMs THEN a permanent DeliveryError 50007 that says what they can change", async () => {
    fake.failChannel(DM_CHANNEL_ID, discordErrors.cannotMessageUser, { times: 1 });
    const caught = await delivery
      .sendDirect({ userId: ALICE.id }, topicCard("remind-alice 1"))
      .catch((e: unknown) => e);
    expect(caught).toMatchObject({ name: "DeliveryError", code: "50007", permanent: true });
    expect((caught as Error).message).toContain("allow direct messages");
  });

  it("GIVEN a user Discord does not know THEN a permanent DeliveryError 10013 and nothing posted", async () => {
    const ghost = "1290000000000000999";
    fake.failUser(ghost, discordErrors.unknownUser);
    const caught = await delivery.sendDirect({ userId: ghost }, topicCard("remind-ghost 1")).catch((e: unknown) => e);
    expect(caught).toMatchObject({ name: "DeliveryError", code: "10013", permanent: true });
  });

  it("GIVEN Discord keeps answering 503 THEN discord.js retries, then a transient DeliveryError", async () => {
    const channel = freshChannel();
    fake.failChannel(channel, discordErrors.serviceUnavailable);
    const caught = await delivery.postToChannel({ channelId: channel }, topicCard("sub-z 1")).catch((e: unknown) => e);
    expect(caught).toMatchObject({ name: "DeliveryError", code: "http_503", permanent: false });
    // discord.js's default: the first try and three retries.
    expect(postsTo(channel)).toHaveLength(4);
  });

  it("GIVEN a 429 for one channel THEN discord.js waits it out and the post goes through once", async () => {
    const channel = freshChannel();
    fake.rateLimitChannel(channel, { retryAfter: 0.05 });
    const before = rateLimited;
    const id = await delivery.postToChannel({ channelId: channel }, topicCard("sub-r 1"));
    expect(id).toMatch(/^\d+$/);
    expect(postsTo(channel)).toHaveLength(2);
    expect(await fake.channelMessages(channel)).toHaveLength(1);
    expect(rateLimited).toBeGreaterThan(before);
  });
});
