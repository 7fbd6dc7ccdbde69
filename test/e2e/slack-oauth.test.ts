import path from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { reply } from "../../src/core/reply.ts";
import { silentLogger } from "../../src/logger.ts";
import { type RunningBot, startBot } from "../../src/main.ts";
import { installationKeys } from "../../src/platforms/slack/installation-store.ts";
import { botScopes } from "../../src/platforms/slack/scopes.ts";
import { repositories } from "../../src/repositories.ts";
import { DeliveryError } from "../../src/schedule/delivery.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { channelSubscription } from "../schedule-sim.ts";
import { FakeSlack, type FakeWorkspace, postSigned, slashCommandBody } from "./fake-slack.ts";

/** Installing to many workspaces through the real Bolt and @slack/oauth against a fake Slack. */

const secret = "test-signing-secret";
const fake = new FakeSlack();
let bot: RunningBot;
let store: Store;
let base = "";
let responses = 0;

beforeAll(async () => {
  await fake.start();
  store = openMemoryStore(silentLogger);
  bot = await startBot(
    loadConfig({
      SLACK_SIGNING_SECRET: secret,
      SLACK_CLIENT_ID: "1111.2222",
      SLACK_CLIENT_SECRET: "client-secret",
      SLACK_STATE_SECRET: "state-secret-for-tests",
      SLACK_TOKEN_ENCRYPTION_KEY: "an encryption key of more than thirty-two characters",
      SLACK_API_URL: fake.apiUrl,
      SLACK_AUTHORIZE_URL: `http://127.0.0.1:${fake.port}/oauth/v2/authorize`,
      PUBLIC_URL: "https://bot.example.com",
      PORT: "0",
      CONTENT_DIR: path.resolve(import.meta.dirname, "../../content"),
      LOG_LEVEL: "silent",
    }),
    { store, clock: () => new Date("2026-03-09T10:00:00Z"), cron: false },
  );
  base = `http://127.0.0.1:${bot.port}`;
});
afterAll(async () => {
  await bot.stop();
  await fake.stop();
});

/** Goes through the install flow as a browser would: the install page, Slack's approval, the redirect back. */
async function install(code: string, workspace: FakeWorkspace): Promise<{ authorize: URL; status: number }> {
  fake.grant(code, workspace);
  const page = await fetch(`${base}/slack/install`, { redirect: "manual" });
  expect(page.status).toBe(200);
  const cookie = page.headers.get("set-cookie")?.split(";")[0] ?? "";
  const href = /<a href="([^"]+)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "";
  const authorize = new URL(href);
  const state = authorize.searchParams.get("state") ?? "";
  const back = await fetch(`${base}/slack/oauth_redirect?code=${code}&state=${encodeURIComponent(state)}`, {
    headers: { cookie },
    redirect: "manual",
  });
  return { authorize, status: back.status };
}

async function slash(team: string, user: string, text: string) {
  const answer = await postSigned(
    `${base}/slack/events`,
    slashCommandBody({ text, user, team, responseUrl: fake.responseUrl(`o${++responses}`) }),
    { secret },
  );
  expect(answer.status).toBe(200);
  return answer.text;
}

async function event(team: string, body: Record<string, unknown>): Promise<void> {
  const answer = await postSigned(
    `${base}/slack/events`,
    JSON.stringify({
      token: "legacy-token",
      team_id: team,
      api_app_id: "A0TEST",
      type: "event_callback",
      event_id: `Ev${++responses}`,
      event_time: 1_773_050_400,
      event: body,
    }),
    { secret, contentType: "application/json" },
  );
  expect(answer.status).toBe(200);
}

describe("Slack installed to many workspaces", () => {
  it("GIVEN the install link THEN Slack's page asks for every scope of the manifest with a state bound to a cookie; coming back stores the installation encrypted, and that workspace's commands run on its own token", async () => {
    const { authorize, status } = await install("code-one", { teamId: "T1", botToken: "xoxb-one-secret" });
    expect(`${authorize.origin}${authorize.pathname}`).toBe(`http://127.0.0.1:${fake.port}/oauth/v2/authorize`);
    expect(authorize.searchParams.get("client_id")).toBe("1111.2222");
    expect(authorize.searchParams.get("scope")?.split(",").sort()).toEqual(Object.keys(botScopes).sort());
    expect(authorize.searchParams.get("redirect_uri")).toBe("https://bot.example.com/slack/oauth_redirect");
    expect(status).toBe(200);
    const stored = await store.get(installationKeys.installation({ kind: "team", teamId: "T1" }));
    expect(stored).toBeDefined();
    expect(JSON.stringify(stored)).not.toContain("xoxb-one-secret");

    expect(await slash("T1", "U0ONE", "stage 1")).toContain("Release Engineering Foundations");
    const calls = fake.apiCalls.filter((call) => call.method === "users.info" && call.params.user === "U0ONE");
    expect(calls.map((call) => call.token)).toEqual(["xoxb-one-secret"]);
  });

  it("GIVEN a return from Slack without the install's cookie THEN nothing is installed", async () => {
    fake.grant("code-stolen", { teamId: "T9", botToken: "xoxb-nine" });
    const page = await fetch(`${base}/slack/install`);
    const href = /<a href="([^"]+)"/.exec(await page.text())?.[1]?.replace(/&amp;/g, "&") ?? "";
    const state = new URL(href).searchParams.get("state") ?? "";
    const back = await fetch(`${base}/slack/oauth_redirect?code=code-stolen&state=${encodeURIComponent(state)}`);
    expect(back.status).not.toBe(200);
    expect(await store.get(installationKeys.installation({ kind: "team", teamId: "T9" }))).toBeUndefined();
  });

  it("GIVEN two workspaces with the same channel id THEN each scheduled post goes out on its own workspace's token", async () => {
    await install("code-two", { teamId: "T2", botToken: "xoxb-two-secret" });
    const delivery = bot.slack?.delivery;
    const post = { reply: reply([{ type: "text", text: "Today's topic" }], { private: false }), key: "k" };
    await delivery?.postToChannel({ teamId: "T1", channelId: "C0SAME" }, post);
    await delivery?.postToChannel({ teamId: "T2", channelId: "C0SAME" }, post);
    const tokens = fake.apiCalls
      .filter((call) => call.method === "chat.postMessage" && call.params.channel === "C0SAME")
      .map((call) => call.token);
    expect(tokens).toEqual(["xoxb-one-secret", "xoxb-two-secret"]);
  });

  it("GIVEN the same user id in two workspaces THEN each workspace keeps its own progress and boards, and a DM goes to the Slack user on their workspace's token", async () => {
    await slash("T1", "U0SAME", "done what-is-release-engineering");
    expect(await slash("T1", "U0SAME", "progress")).toContain("1/112");
    expect(await slash("T2", "U0SAME", "progress")).toContain("0/112");
    expect(await slash("T2", "U0SAME", "leaderboard")).not.toContain("3 pts");
    const post = { reply: reply([{ type: "text", text: "Your next topic" }], { private: false }), key: "dm" };
    await bot.slack?.delivery.sendDirect({ teamId: "T2", userId: "T2:U0SAME" }, post);
    const dm = fake.apiCalls.filter((call) => call.method === "chat.postMessage" && call.params.channel === "U0SAME");
    expect(dm.map((call) => call.token)).toEqual(["xoxb-two-secret"]);
  });

  it("GIVEN a rotating token about to expire and many commands at once THEN it is refreshed once and every command runs", async () => {
    await install("code-three", { teamId: "T3", botToken: "xoxb-three", expiresIn: 60 });
    const answers = await Promise.all(Array.from({ length: 12 }, (_, i) => slash("T3", `U0ROT${i}`, "stage 2")));
    for (const answer of answers) expect(answer).toContain("Stage 2");
    expect(fake.refreshes.get("T3")).toBe(1);
  });

  it("GIVEN app_uninstalled then a late tokens_revoked (and each again) THEN the installation is gone, the workspace's schedules are paused, and its posts fail as not installed", async () => {
    await install("code-four", { teamId: "T4", botToken: "xoxb-four" });
    const { subscriptions } = repositories(store, silentLogger, "UTC").schedule;
    await subscriptions.put(
      channelSubscription({ id: "t4-daily", platform: "slack", teamId: "T4", channelId: "C0FOUR" }),
      channelSubscription({ id: "t1-daily", platform: "slack", teamId: "T1", channelId: "C0ONE" }),
    );
    fake.revoke("xoxb-four");
    await event("T4", { type: "app_uninstalled", event_ts: "1.1" });
    await event("T4", { type: "tokens_revoked", tokens: { bot: ["U0BOTT4"] }, event_ts: "1.2" });
    await event("T4", { type: "app_uninstalled", event_ts: "1.3" });
    for (let tries = 0; tries < 200; tries++) {
      if ((await store.get(installationKeys.installation({ kind: "team", teamId: "T4" }))) === undefined) break;
      await new Promise((resolve) => setTimeout(resolve, 10));
    }
    expect(await store.get(installationKeys.installation({ kind: "team", teamId: "T4" }))).toBeUndefined();
    for (let tries = 0; tries < 200 && !(await subscriptions.get("t4-daily"))?.paused; tries++)
      await new Promise((resolve) => setTimeout(resolve, 10));
    expect((await subscriptions.get("t4-daily"))?.paused?.reason).toContain("removed from this workspace");
    expect((await subscriptions.get("t1-daily"))?.paused).toBeUndefined();
    const post = { reply: reply([{ type: "text", text: "hello" }], { private: false }), key: "k4" };
    const failure = await bot.slack?.delivery
      .postToChannel({ teamId: "T4", channelId: "C0FOUR" }, post)
      .catch((e) => e);
    expect(failure).toBeInstanceOf(DeliveryError);
    expect((failure as DeliveryError).code).toBe("not_installed");
    expect(await store.get(installationKeys.installation({ kind: "team", teamId: "T1" }))).toBeDefined();
  });
});
