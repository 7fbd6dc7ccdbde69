import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import type { Command } from "../../src/core/command.ts";
import { Core } from "../../src/core/core.ts";
import { reply } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/logger.ts";
import { SlackAdapter } from "../../src/platforms/slack/slack-adapter.ts";
import { SlackDelivery } from "../../src/platforms/slack/slack-delivery.ts";
import { repositories } from "../../src/repositories.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import { shippedRoadmaps } from "../helpers.ts";
import { FakeSlack, messageText, postSigned, slashCommandBody } from "./fake-slack.ts";

const secret = "test-signing-secret";
const fake = new FakeSlack();

/** A test-only command: answers with what the platform said about the caller's channel rights. */
const mayManage: Command = {
  name: "may-manage",
  summary: "Says whether you may manage this channel",
  async run({ channelManagers, who }) {
    const answer = channelManagers ? String(await channelManagers.check()) : "not asked";
    return reply([
      { type: "text", text: `may manage: ${answer} (${channelManagers?.description ?? "nobody"})` },
      { type: "text", text: `direct message: ${who.inDirectMessage === true}` },
    ]);
  },
};
/** Never asks: users.info must not be called for it. */
const hello: Command = {
  name: "hello",
  summary: "Says hello",
  run: async () => reply([{ type: "text", text: "hello" }]),
};

let adapter: SlackAdapter;
let server: Server;
let url = "";
let responses = 0;

beforeAll(async () => {
  await fake.start();
  const store = openMemoryStore(silentLogger);
  const core = new Core({
    roadmaps: await shippedRoadmaps(),
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    commands: [mayManage, hello],
  });
  adapter = new SlackAdapter({
    core,
    config: { mode: "http", botToken: "xoxb-test", signingSecret: secret, apiUrl: fake.apiUrl },
    logger: pino({ level: "silent" }),
  });
  await adapter.start();
  const listener = adapter.requestListener;
  if (!listener) throw new Error("HTTP mode has a request listener");
  server = createServer(listener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
  await adapter.stop();
  await fake.stop();
});
afterEach(() => fake.clearScripts());

async function slash(text: string, user: string, channel: { channelId?: string; channelName?: string } = {}) {
  const responseUrl = fake.responseUrl(`m${++responses}`);
  const response = await postSigned(url, slashCommandBody({ text, user, responseUrl, ...channel }), { secret });
  expect(response.status).toBe(200);
  return messageText(response.json());
}

const usersInfoFor = (user: string) => fake.callsTo("users.info").filter((call) => call.params.user === user);

describe("Slack channel managers, through the real Bolt", () => {
  it("GIVEN a plain member THEN users.info is consulted and the core hears no", async () => {
    const text = await slash("may-manage", "U0MEMBER");
    expect(text).toContain("may manage: false (workspace admins and owners)");
    expect(usersInfoFor("U0MEMBER")).toHaveLength(1);
  });

  it.each([
    ["an admin", "U0ADMIN", { is_admin: true }],
    ["an owner", "U0OWNER", { is_owner: true }],
    ["the primary owner", "U0PRIMARY", { is_owner: true, is_primary_owner: true }],
  ])("GIVEN %s THEN users.info is consulted and the core hears yes", async (_role, user, roles) => {
    fake.setRoles(user, roles);
    expect(await slash("may-manage", user)).toContain("may manage: true (workspace admins and owners)");
    expect(usersInfoFor(user)).toHaveLength(1);
  });

  it("GIVEN users.info fails (the app lacks users:read) THEN the answer is no, and the command still answers", async () => {
    fake.setRoles("U0NOSCOPE", { is_admin: true });
    fake.failUsersInfo("U0NOSCOPE", "missing_scope");
    const text = await slash("may-manage", "U0NOSCOPE");
    expect(text).toContain("the Slack app lacks the users:read permission");
    expect(text).not.toContain("may manage");
  });

  it("GIVEN users.info failing otherwise THEN the answer is no, and the command still answers", async () => {
    fake.setRoles("U0OUTAGE", { is_admin: true });
    fake.failUsersInfo("U0OUTAGE", "internal_error");
    expect(await slash("may-manage", "U0OUTAGE")).toContain("may manage: false");
  });

  it("GIVEN several commands from one person THEN users.info is asked once, for their name and zone, and the rights check shares that answer", async () => {
    expect(await slash("hello", "U0QUIET")).toContain("hello");
    expect(await slash("hello", "U0QUIET")).toContain("hello");
    expect(await slash("may-manage", "U0QUIET")).toContain("may manage: false");
    expect(usersInfoFor("U0QUIET")).toHaveLength(1);
  });

  it("GIVEN the command comes from a DM THEN who.inDirectMessage is set; from a channel it is not", async () => {
    const dm = await slash("may-manage", "U0DM", { channelId: "D0DM", channelName: "directmessage" });
    expect(dm).toContain("direct message: true");
    expect(await slash("may-manage", "U0DM")).toContain("direct message: false");
  });

  it("GIVEN the adapter THEN it exposes one SlackDelivery that posts through SLACK_API_URL", async () => {
    expect(adapter.delivery).toBeInstanceOf(SlackDelivery);
    expect(adapter.delivery).toBe(adapter.delivery);
    expect(adapter.delivery.platform).toBe("slack");
    const ts = await adapter.delivery.postToChannel(
      { channelId: "C0ADAPTER" },
      { reply: reply([{ type: "text", text: "from the adapter" }]), key: "k" },
    );
    expect(fake.postsTo("C0ADAPTER")[0]?.ts).toBe(ts);
  });
});
