import { pino } from "pino";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { DiscordAdapter } from "../../src/platforms/discord/discord-adapter.ts";
import { makeCore } from "../helpers.ts";
import { startAdapterOn } from "./discord-adapter-fixture.ts";
import {
  type CallbackBody,
  chatInput,
  discordErrors,
  type FakeAnswer,
  FakeDiscord,
  type RecordedRequest,
} from "./fake-discord.ts";

const fake = new FakeDiscord();
const logs: { level: number; msg: string; err?: { code?: number; status?: number } }[] = [];
let adapter: DiscordAdapter;

beforeAll(async () => {
  await fake.start();
  const { core, store } = await makeCore();
  const logger = pino({ level: "debug" }, { write: (line: string) => void logs.push(JSON.parse(line)) });
  adapter = await startAdapterOn(fake, { core, store, logger: logger });
});

afterAll(async () => {
  await adapter.stop();
  await fake.stop();
});

/**
 * Runs `/roadmap stage 17` whose first `times` callbacks get `answer`; resolves once the bot made
 * `expected` callback requests (by default one more than the refused ones), with all of them.
 */
async function stage17With(
  answer: FakeAnswer,
  times = 1,
  expected = times + 1,
): Promise<{ id: string; attempts: RecordedRequest[] }> {
  const payload = chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] });
  const path = `/interactions/${payload.id}/${payload.token}/callback`;
  let left = times;
  fake.override((request) => {
    if (request.path !== path || left <= 0) return undefined;
    left--;
    return answer;
  });
  await fake.interaction(payload);
  const attempts = () => fake.requests.filter((request) => request.path === path);
  await fake.until(() => attempts().length >= expected);
  return { id: payload.id, attempts: attempts() };
}

const isStage17 = (request: RecordedRequest | undefined) => {
  const body = request?.body as CallbackBody | undefined;
  return body?.type === 4 && JSON.stringify(body.data?.embeds).includes("Stage 17 · ArgoCD");
};

describe("Discord interaction callbacks", () => {
  it("GIVEN a command THEN its answer is one callback, sent with discord.js's User-Agent", async () => {
    const payload = await fake.interaction(
      chatInput({ subcommand: "stage", options: [{ name: "number", type: 4, value: 17 }] }),
    );
    const request = await fake.callbackRequest(payload.id);
    expect(isStage17(request)).toBe(true);
    expect(request.userAgent).toMatch(/^DiscordBot \(https:\/\/discord\.js\.org, [\d.]+\) Node\.js/);
    expect(fake.requests.filter((r) => r.path === request.path)).toHaveLength(1);
  });

  it("GIVEN Discord answers the callback 503 THEN it is sent again through discord.js's REST and answered once", async () => {
    const { id, attempts } = await stage17With({ status: 503, body: { message: "Service Unavailable", code: 0 } });
    expect(attempts).toHaveLength(2);
    expect(attempts.every(isStage17)).toBe(true);
    expect(isStage17(await fake.callbackRequest(id))).toBe(true);
  });

  it("GIVEN the connection drops before Discord answers THEN the answer is sent again and arrives", async () => {
    const { id, attempts } = await stage17With({ status: 0, drop: true });
    expect(attempts).toHaveLength(2);
    expect(isStage17(await fake.callbackRequest(id))).toBe(true);
  });

  it("GIVEN Discord answers 429 THEN discord.js's REST waits out Retry-After and sends it again", async () => {
    const limited = {
      status: 429,
      headers: { "Retry-After": "0.05" },
      body: { message: "You are being rate limited.", retry_after: 0.05, global: false },
    };
    const { id, attempts } = await stage17With(limited, 2);
    expect(attempts).toHaveLength(3);
    expect(isStage17(await fake.callbackRequest(id))).toBe(true);
  });

  it("GIVEN Discord refuses the callback THEN the refusal is logged with Discord's code, as discord.js reports it", async () => {
    const { code, message, status } = discordErrors.invalidFormBody;
    const before = logs.length;
    const { attempts } = await stage17With({ status, body: { code, message } }, 2, 2);
    expect(attempts).toHaveLength(2);
    await expect
      .poll(() => logs.slice(before).find((log) => log.msg === "discord interaction failed"))
      .toMatchObject({
        level: 50,
        err: { code, status },
      });
  });
});
