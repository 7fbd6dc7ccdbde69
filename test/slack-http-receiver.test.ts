import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { App, ReceiverEvent } from "@slack/bolt";
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from "vitest";
import { toSlackMessage } from "../src/platforms/slack/blocks.ts";
import { SlackHttpReceiver } from "../src/platforms/slack/http-receiver.ts";
import { postSigned, slackSignature, slashCommandBody } from "./e2e/fake-slack.ts";

const secret = "receiver-test-secret";
const quiet = { debug() {}, info() {}, warn() {}, error() {}, setLevel() {}, getLevel: () => "error", setName() {} };

/** What the receiver handed to Bolt, and what the test's "app" does with each event. */
let events: ReceiverEvent[] = [];
let onEvent: (event: ReceiverEvent) => Promise<void> = (event) => event.ack("acknowledged");

const receiver = new SlackHttpReceiver({ signingSecret: secret, logger: quiet as never, bodyLimit: 10_000 });
receiver.init({
  processEvent: (event: ReceiverEvent) => {
    events.push(event);
    return onEvent(event);
  },
} as unknown as App);

let server: Server;
let url = "";
beforeAll(async () => {
  server = createServer(receiver.requestListener);
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}/slack/events`;
});
afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));
afterEach(() => {
  events = [];
  onEvent = (event) => event.ack("acknowledged");
  vi.useRealTimers();
});

const command = () => slashCommandBody({ text: "stage 17", responseUrl: "http://127.0.0.1:1/respond/x" });

/** A signed POST with a content type and headers of its choosing. */
function signed(body: string, type: string, headers: Record<string, string> = {}) {
  const timestamp = Math.floor(Date.now() / 1000);
  return fetch(url, {
    method: "POST",
    headers: {
      "content-type": type,
      "x-slack-request-timestamp": String(timestamp),
      "x-slack-signature": slackSignature(secret, timestamp, body),
      ...headers,
    },
    body,
  });
}

describe("SlackHttpReceiver: Bolt's HTTP contract, checked with Bolt's own signature verification", () => {
  it("GIVEN a signed slash command THEN Bolt gets its fields and the acknowledgement is the answer", async () => {
    const response = await postSigned(url, command(), { secret });
    expect(response.status).toBe(200);
    expect(response.text).toBe("acknowledged");
    expect(events[0]?.body).toMatchObject({ command: "/roadmap", text: "stage 17", user_id: "U0ALICE" });
  });

  it("GIVEN a wrong signature, a stale timestamp or a changed body THEN 401 and Bolt never sees it", async () => {
    const stale = Math.floor(Date.now() / 1000) - 600;
    expect((await postSigned(url, command(), { secret, signature: "v0=deadbeef" })).status).toBe(401);
    expect((await postSigned(url, command(), { secret, timestamp: stale })).status).toBe(401);
    const now = Math.floor(Date.now() / 1000);
    const signedForAnother = slackSignature(secret, now, command().replace("stage+17", "stage+18"));
    expect((await postSigned(url, command(), { secret, timestamp: now, signature: signedForAnother })).status).toBe(
      401,
    );
    expect(events).toEqual([]);
  });

  it("GIVEN a message made by toSlackMessage THEN it goes out as JSON, byte for byte its serialisation", async () => {
    const message = toSlackMessage({ private: true, outcome: "ok", blocks: [{ type: "header", text: "Stage · 17" }] });
    onEvent = (event) => event.ack(message);
    const response = await postSigned(url, command(), { secret });
    expect(response.contentType).toBe("application/json");
    expect(response.text).toBe(JSON.stringify(message));
    // Any other object is serialised here; an empty ack is an empty 200.
    onEvent = (event) => event.ack({ text: "plain object" });
    expect((await postSigned(url, command(), { secret })).json()).toEqual({ text: "plain object" });
    onEvent = (event) => event.ack();
    const empty = await postSigned(url, command(), { secret });
    expect([empty.status, empty.text]).toEqual([200, ""]);
  });

  it("GIVEN a button click THEN Bolt gets the JSON payload; a second ack is refused", async () => {
    const payload = { type: "block_actions", actions: [{ action_id: "roadmap.run.0", value: "next" }] };
    let second: unknown;
    onEvent = async (event) => {
      await event.ack();
      second = await event.ack().catch((error: unknown) => error);
    };
    const response = await postSigned(url, new URLSearchParams({ payload: JSON.stringify(payload) }).toString(), {
      secret,
    });
    expect(response.status).toBe(200);
    expect(events[0]?.body).toEqual(payload);
    expect(second).toMatchObject({ code: "slack_bolt_receiver_ack_multiple_error" });
  });

  it("GIVEN Slack's retry headers, SSL check and URL verification THEN each is handled as Bolt does", async () => {
    await signed(command(), "application/x-www-form-urlencoded", {
      "x-slack-retry-num": "2",
      "x-slack-retry-reason": "http_timeout",
    });
    expect(events[0]).toMatchObject({ retryNum: 2, retryReason: "http_timeout" });
    // The SSL check is answered without a signature, and nothing reaches Bolt.
    const ssl = await fetch(url, {
      method: "POST",
      headers: { "content-type": "application/x-www-form-urlencoded" },
      body: "ssl_check=1&token=x",
    });
    expect(ssl.status).toBe(200);
    const verification = await signed(
      JSON.stringify({ type: "url_verification", challenge: "c-123" }),
      "application/json",
    );
    expect(await verification.json()).toEqual({ challenge: "c-123" });
    expect(events).toHaveLength(1);
  });

  it("GIVEN a body past the limit, bad JSON or a GET THEN 413, 400 and 404", async () => {
    expect((await postSigned(url, `text=${"x".repeat(20_000)}`, { secret })).status).toBe(413);
    const bad = await signed("{not json", "application/json");
    expect(bad.status).toBe(400);
    expect((await fetch(url)).status).toBe(404);
    expect(events).toEqual([]);
  });

  it("GIVEN Bolt fails before acknowledging THEN 500; GIVEN nobody acknowledges THEN 404 after 3 s", async () => {
    onEvent = () => Promise.reject(new Error("listener blew up"));
    expect((await postSigned(url, command(), { secret })).status).toBe(500);

    vi.useFakeTimers({ toFake: ["setTimeout", "clearTimeout", "performance"] });
    onEvent = () => new Promise<void>(() => undefined);
    const pending = postSigned(url, command(), { secret });
    await vi.waitFor(() => expect(events).toHaveLength(2));
    await vi.advanceTimersByTimeAsync(3_001);
    expect((await pending).status).toBe(404);
  });
});
