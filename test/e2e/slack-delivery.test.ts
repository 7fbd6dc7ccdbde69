import { pino } from "pino";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { type Reply, reply } from "../../src/core/reply.ts";
import { type DeliveryClock, SlackDelivery } from "../../src/platforms/slack/slack-delivery.ts";
import { DeliveryError, type OutgoingPost } from "../../src/schedule/delivery.ts";
import { blockKitViolations, FakeSlack, messageText } from "./fake-slack.ts";

const fake = new FakeSlack();
beforeAll(() => fake.start());
afterAll(() => fake.stop());
afterEach(() => fake.clearScripts());

const silent = pino({ level: "silent" });

/** Network errors and 5xx retried twice, almost at once: the tests count calls, not time. */
const quickRetries = { retries: 2, minTimeout: 1, maxTimeout: 5 };

const makeDelivery = (options: { clock?: DeliveryClock; apiUrl?: string } = {}) =>
  new SlackDelivery({
    botToken: "xoxb-test",
    apiUrl: options.apiUrl ?? fake.apiUrl,
    logger: silent,
    retryConfig: quickRetries,
    ...(options.clock ? { clock: options.clock } : {}),
  });

/**
 * Time that moves only when the test says so. Each sleep is announced (nextSleep) and ends when
 * advance() passes its deadline, so tests order events without waiting on the wall clock.
 */
class ManualClock implements DeliveryClock {
  private time = 0;
  private readonly sleepers: { until: number; wake: () => void }[] = [];
  private readonly announced: number[] = [];
  private readonly listeners: (() => void)[] = [];

  now(): number {
    return this.time;
  }

  sleep(ms: number): Promise<void> {
    this.announced.push(ms);
    for (const listener of this.listeners.splice(0)) listener();
    return new Promise((wake) => this.sleepers.push({ until: this.time + ms, wake }));
  }

  /** Resolves with the length of the next sleep the delivery starts. */
  async nextSleep(): Promise<number> {
    while (this.announced.length === 0) await new Promise<void>((resolve) => this.listeners.push(resolve));
    return this.announced.shift() as number;
  }

  advance(ms: number): void {
    this.time += ms;
    for (const sleeper of [...this.sleepers]) {
      if (sleeper.until > this.time) continue;
      this.sleepers.splice(this.sleepers.indexOf(sleeper), 1);
      sleeper.wake();
    }
  }
}

const dailyReply: Reply = reply(
  [
    { type: "header", text: "Today's topic: ArgoCD Architecture" },
    { type: "text", text: "Stage 17 · ArgoCD. Read about the application controller and the repo server." },
    { type: "actions", buttons: [{ label: "Done", command: "done argocd-architecture", style: "primary" }] },
  ],
  { private: true, share: "topic argocd-architecture" },
);
const daily = (key = "daily"): OutgoingPost => ({ reply: dailyReply, key });

/** Whether a promise has settled yet, without waiting for it. */
function track<T>(promise: Promise<T>): { settled: () => boolean; promise: Promise<T> } {
  let done = false;
  const tracked = promise.finally(() => {
    done = true;
  });
  return { settled: () => done, promise: tracked };
}

const postStatuses = (channels: string[]) =>
  fake
    .callsTo("chat.postMessage")
    .filter((call) => channels.includes(call.params.channel ?? ""))
    .map((call) => `${call.params.channel} ${call.status}`);

async function rejection(promise: Promise<unknown>): Promise<DeliveryError> {
  const error = await promise.then(
    () => undefined,
    (reason: unknown) => reason,
  );
  expect(error).toBeInstanceOf(DeliveryError);
  return error as DeliveryError;
}

describe("SlackDelivery through the real WebClient", () => {
  it("GIVEN a daily post THEN chat.postMessage carries Block Kit and fallback text, unfurls off, and it resolves with the ts", async () => {
    const ts = await makeDelivery().postToChannel({ teamId: "T0TEST", channelId: "C0DAILY" }, daily());
    const [post] = fake.postsTo("C0DAILY");
    expect(post?.ts).toBe(ts);
    expect(ts).toMatch(/^\d+\.\d+$/);
    expect(post?.text).toBe("Today's topic: ArgoCD Architecture");
    expect(post?.blocks.map((block) => block.type)).toEqual(["header", "section", "actions"]);
    expect(messageText({ blocks: post?.blocks ?? [] })).toContain("application controller");
    expect(blockKitViolations({ blocks: post?.blocks ?? [] })).toEqual([]);
    expect(post?.params.unfurl_links).toBe("false");
    expect(post?.params.unfurl_media).toBe("false");
    // A scheduled post is public already: no slash-command fields, no "Share in channel" button.
    expect(post?.params).not.toHaveProperty("response_type");
    expect(post?.params).not.toHaveProperty("replace_original");
    const actionIds = (post?.blocks ?? []).flatMap((block) => (block.elements ?? []).map((e) => e.action_id));
    expect(actionIds).toEqual(["roadmap.run.0"]);
  });

  it("GIVEN a thread name THEN it is ignored on Slack: one plain post, no thread_ts", async () => {
    await makeDelivery().postToChannel({ channelId: "C0THREAD" }, { ...daily(), thread: "Discuss today's topic" });
    expect(fake.callsTo("chat.postMessage", "C0THREAD")).toHaveLength(1);
    expect(fake.postsTo("C0THREAD")[0]?.params).not.toHaveProperty("thread_ts");
  });

  it("GIVEN a reminder THEN it is posted with the user id as channel (the app's DM) and resolves with the ts", async () => {
    const ts = await makeDelivery().sendDirect({ teamId: "T0TEST", userId: "U0REMIND" }, daily("remind"));
    const posts = fake.postsTo("U0REMIND");
    expect(posts).toHaveLength(1);
    expect(posts[0]?.ts).toBe(ts);
  });

  it("GIVEN user text with <!channel> and a mention THEN what is sent is escaped and pings nobody", async () => {
    const risky = reply([{ type: "text", text: "Ask <!channel> or <@U0BOSS> & <!here> <!subteam^S1>" }]);
    await makeDelivery().postToChannel({ channelId: "C0ESCAPE" }, { reply: risky, key: "k" });
    const [call] = fake.callsTo("chat.postMessage", "C0ESCAPE");
    expect(call?.params.text).toContain("&lt;!channel&gt;");
    expect(call?.params.blocks).toContain("&lt;@U0BOSS&gt; &amp; &lt;!here&gt;");
    for (const value of [call?.params.text, call?.params.blocks]) expect(value).not.toMatch(/<[!@#]/);
    expect(call?.params).not.toHaveProperty("link_names");
    expect(call?.params).not.toHaveProperty("parse");
  });

  it("GIVEN a 429 with Retry-After on channel A THEN A waits while B's post goes through, then A is retried and lands", async () => {
    fake.rateLimitChannel("C0LIMITED", 1);
    const delivery = makeDelivery();
    const finished: string[] = [];
    const a = delivery.postToChannel({ channelId: "C0LIMITED" }, daily()).then((ts) => {
      finished.push("A");
      return ts;
    });
    await fake.until(() => fake.callsTo("chat.postMessage", "C0LIMITED").length === 1);
    await delivery.postToChannel({ channelId: "C0FREE" }, daily());
    finished.push("B");
    const ts = await a;
    expect(finished).toEqual(["B", "A"]);
    expect(postStatuses(["C0LIMITED", "C0FREE"])).toEqual(["C0LIMITED 429", "C0FREE 200", "C0LIMITED 200"]);
    expect(fake.postsTo("C0LIMITED")[0]?.ts).toBe(ts);
  });

  it("GIVEN a 429 asking for 2 s THEN exactly that wait is taken for A alone, and B never waits", async () => {
    fake.rateLimitChannel("C0WAITA", 2);
    const clock = new ManualClock();
    const delivery = makeDelivery({ clock });
    const a = track(delivery.postToChannel({ channelId: "C0WAITA" }, daily()));
    expect(await clock.nextSleep()).toBe(2_000);
    await delivery.postToChannel({ channelId: "C0WAITB" }, daily());
    expect(a.settled()).toBe(false);
    expect(postStatuses(["C0WAITA", "C0WAITB"])).toEqual(["C0WAITA 429", "C0WAITB 200"]);
    clock.advance(2_000);
    await a.promise;
    expect(postStatuses(["C0WAITA", "C0WAITB"])).toEqual(["C0WAITA 429", "C0WAITB 200", "C0WAITA 200"]);
  });

  it("GIVEN a channel that stays rate limited THEN five retries, then a transient DeliveryError", async () => {
    fake.rateLimitChannel("C0BUSY", 1, 100);
    const clock = new ManualClock();
    const post = makeDelivery({ clock }).postToChannel({ channelId: "C0BUSY" }, daily());
    for (let retry = 0; retry < 5; retry++) {
      expect(await clock.nextSleep()).toBe(1_000);
      clock.advance(1_000);
    }
    const error = await rejection(post);
    expect(error.code).toBe("ratelimited");
    expect(error.permanent).toBe(false);
    expect(fake.callsTo("chat.postMessage", "C0BUSY")).toHaveLength(6);
  });

  it("GIVEN a Retry-After far too long THEN the post gives up at once, transient, instead of holding the run", async () => {
    fake.rateLimitChannel("C0HOUR", 3_600);
    const error = await rejection(
      makeDelivery({ clock: new ManualClock() }).postToChannel({ channelId: "C0HOUR" }, daily()),
    );
    expect(error.code).toBe("ratelimited");
    expect(error.permanent).toBe(false);
  });

  it("GIVEN two posts to one channel THEN the second keeps Slack's pace of one a second; another channel does not wait", async () => {
    const clock = new ManualClock();
    const delivery = makeDelivery({ clock });
    await delivery.postToChannel({ channelId: "C0PACE" }, daily("one"));
    const second = track(delivery.postToChannel({ channelId: "C0PACE" }, daily("two")));
    expect(await clock.nextSleep()).toBe(1_000);
    await delivery.postToChannel({ channelId: "C0OTHER" }, daily());
    expect(second.settled()).toBe(false);
    expect(fake.callsTo("chat.postMessage", "C0PACE")).toHaveLength(1);
    clock.advance(1_000);
    await second.promise;
    expect(fake.postsTo("C0PACE")).toHaveLength(2);
  });

  it("GIVEN posts to thousands of channels THEN the pacing map forgets the ones whose second has passed", async () => {
    const clock = new ManualClock();
    const delivery = makeDelivery({ clock });
    const postAll = (prefix: string, count: number) =>
      Promise.all(
        Array.from({ length: count }, (_, i) => delivery.postToChannel({ channelId: `${prefix}${i}` }, daily())),
      );
    await postAll("C0EARLY", 1_100);
    expect(delivery.pacedChannels).toBe(1_100);
    clock.advance(5_000);
    await postAll("C0LATER", 1_000);
    // 2,100 channels were posted to; only the 1,000 still inside their second are remembered.
    expect(delivery.pacedChannels).toBeLessThanOrEqual(1_000);
  });

  it.each([
    ["not_in_channel", "/invite @roadmap-bot"],
    ["channel_not_found", "/roadmap daily off"],
    ["is_archived", "unarchive"],
  ])("GIVEN %s THEN a permanent DeliveryError with that code and a fix, without retrying", async (code, fix) => {
    const channelId = `C0${code.toUpperCase()}`;
    fake.failChannel(channelId, code);
    const error = await rejection(makeDelivery().postToChannel({ channelId }, daily()));
    expect(error.code).toBe(code);
    expect(error.permanent).toBe(true);
    expect(error.message).toContain(fix);
    expect(fake.callsTo("chat.postMessage", channelId)).toHaveLength(1);
  });

  it("GIVEN not_in_channel THEN the message says what is wrong and how to fix it, in plain words", async () => {
    fake.failChannel("C0PRIVATE", "not_in_channel");
    const error = await rejection(makeDelivery().postToChannel({ channelId: "C0PRIVATE" }, daily()));
    expect(error.message).toBe("the bot is not in this channel: invite it with /invite @roadmap-bot");
  });

  it("GIVEN missing_scope THEN the message names the scope Slack says is needed", async () => {
    fake.failChannel("C0SCOPE", "missing_scope", 1, { needed: "chat:write.public", provided: "commands" });
    const error = await rejection(makeDelivery().postToChannel({ channelId: "C0SCOPE" }, daily()));
    expect(error.permanent).toBe(true);
    expect(error.message).toContain("chat:write.public");
  });

  it.each(["cannot_dm_bot", "user_not_found"])("GIVEN a reminder that fails with %s THEN permanent", async (code) => {
    const userId = `U0${code.toUpperCase()}`;
    fake.failChannel(userId, code);
    const error = await rejection(makeDelivery().sendDirect({ userId }, daily()));
    expect(error.code).toBe(code);
    expect(error.permanent).toBe(true);
    expect(error.message).toContain("/roadmap remind off");
  });

  it("GIVEN Slack answers 500 THEN a few quick retries, then a transient DeliveryError", async () => {
    fake.httpErrorChannel("C0DOWN", 500);
    const error = await rejection(makeDelivery().postToChannel({ channelId: "C0DOWN" }, daily()));
    expect(error.code).toBe("http_500");
    expect(error.permanent).toBe(false);
    expect(fake.callsTo("chat.postMessage", "C0DOWN")).toHaveLength(quickRetries.retries + 1);
  });

  it("GIVEN one 503 THEN the retry inside the client delivers the post", async () => {
    fake.httpErrorChannel("C0BLIP", 503, 1);
    const ts = await makeDelivery().postToChannel({ channelId: "C0BLIP" }, daily());
    expect(fake.postsTo("C0BLIP")[0]?.ts).toBe(ts);
  });

  it("GIVEN an error Slack may lift later (internal_error) THEN transient, with Slack's code", async () => {
    fake.failChannel("C0FLAKY", "internal_error", 1);
    const error = await rejection(makeDelivery().postToChannel({ channelId: "C0FLAKY" }, daily()));
    expect(error.code).toBe("internal_error");
    expect(error.permanent).toBe(false);
  });

  it("GIVEN Slack cannot be reached THEN a transient DeliveryError that points at the network and SLACK_API_URL", async () => {
    const closed = new FakeSlack();
    await closed.start();
    const apiUrl = closed.apiUrl;
    await closed.stop();
    const error = await rejection(makeDelivery({ apiUrl }).postToChannel({ channelId: "C0NOWHERE" }, daily()));
    expect(error.code).toBe("request_failed");
    expect(error.permanent).toBe(false);
    expect(error.message).toContain("SLACK_API_URL");
  });
});
