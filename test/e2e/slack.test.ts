import { spawn } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, afterEach, beforeAll, describe, expect, it } from "vitest";
import { loadConfig } from "../../src/config.ts";
import { silentLogger } from "../../src/logger.ts";
import { type RunningBot, startBot } from "../../src/main.ts";
import { escapeMrkdwn } from "../../src/platforms/slack/mrkdwn.ts";
import { openMemoryStore } from "../../src/store/open-store.ts";
import type { Store } from "../../src/store/store.ts";
import { argoCdTopicTitles, gatedStore } from "../helpers.ts";
import {
  blockKitViolations,
  buttonClickBody,
  FakeSlack,
  messageText,
  postSigned,
  type SlackResponse,
  slackHttpEnv,
  slashCommandBody,
} from "./fake-slack.ts";

const secret = "test-signing-secret";
const fake = new FakeSlack();
let responseIds = 0;
const nextResponseId = () => `r${++responseIds}`;

beforeAll(() => fake.start());
afterAll(() => fake.stop());

const slackEnv = () => slackHttpEnv(fake, secret);

async function startHttpBot(store: Store = openMemoryStore(silentLogger)): Promise<RunningBot & { url: string }> {
  const bot = await startBot(loadConfig(slackEnv()), { store });
  return Object.assign(bot, { url: `http://127.0.0.1:${bot.port}` });
}

async function slash(bot: { url: string }, text: string, user?: string) {
  const responseUrl = fake.responseUrl(nextResponseId());
  const response = await postSigned(`${bot.url}/slack/events`, slashCommandBody({ text, user, responseUrl }), {
    secret,
  });
  return { ...response, responseUrl };
}

async function click(bot: { url: string }, actionId: string, value: string, user?: string) {
  const id = nextResponseId();
  const response = await postSigned(
    `${bot.url}/slack/events`,
    buttonClickBody({ actionId, value, user, responseUrl: fake.responseUrl(id) }),
    { secret },
  );
  expect(response.status).toBe(200);
  return (await fake.response(id)) as SlackResponse;
}

const buttonsOf = (message: SlackResponse) =>
  (message.blocks ?? []).flatMap((block) => (block.type === "actions" ? (block.elements ?? []) : []));

describe("Slack over HTTP, through the real Bolt", () => {
  let bot: RunningBot & { url: string };
  beforeAll(async () => {
    bot = await startHttpBot();
  });
  afterAll(() => bot.stop());

  it("GIVEN startup THEN Bolt verified the token with auth.test on the fake API", () => {
    expect(fake.apiCalls.map((call) => call.method)).toContain("auth.test");
  });

  it("GIVEN a signed `/roadmap stage 17` THEN the acknowledgement carries ArgoCD and its five topics, ephemeral", async () => {
    const { status, json } = await slash(bot, "stage 17");
    expect(status).toBe(200);
    const message = json();
    expect(message.response_type).toBe("ephemeral");
    const text = messageText(message);
    expect(text).toContain("Stage 17 · ArgoCD");
    for (const title of argoCdTopicTitles.map(escapeMrkdwn)) {
      expect(text).toContain(title);
    }
    expect(buttonsOf(message).map((button) => button.value)).toEqual(["next", "stage 18", "stage 17"]);
    const accessories = (message.blocks ?? []).flatMap((block) => (block.accessory ? [block.accessory.value] : []));
    expect(accessories).toEqual([
      "done argocd-architecture",
      "done applicationsets",
      "done sync-policies-waves",
      "done argocd-rbac-sso",
      "done argocd-image-updater",
    ]);
    expect(blockKitViolations(message)).toEqual([]);
  });

  it("GIVEN a bad signature THEN 401 and no answer", async () => {
    const body = slashCommandBody({ text: "stage 17", responseUrl: fake.responseUrl("unused") });
    const response = await postSigned(`${bot.url}/slack/events`, body, { secret, signature: "v0=deadbeef" });
    expect(response.status).toBe(401);
    expect(response.text).not.toContain("ArgoCD");
  });

  it("GIVEN a 10-minute-old timestamp THEN 401 even with a valid signature", async () => {
    const body = slashCommandBody({ text: "stage 17", responseUrl: fake.responseUrl("unused") });
    const response = await postSigned(`${bot.url}/slack/events`, body, {
      secret,
      timestamp: Math.floor(Date.now() / 1000) - 600,
    });
    expect(response.status).toBe(401);
  });

  it("GIVEN a click on Done THEN it is recorded for the clicker, and `progress` shows it", async () => {
    const topic = (await slash(bot, "topic argocd architecture", "U0CLICK")).json();
    const done = buttonsOf(topic).find((button) => button.value === "done argocd-architecture");
    expect(done?.action_id).toMatch(/^roadmap\.run\.\d+$/);
    const confirmation = await click(bot, done?.action_id ?? "", done?.value ?? "", "U0CLICK");
    expect(confirmation.response_type).toBe("ephemeral");
    expect(messageText(confirmation)).toContain("Marked ArgoCD Architecture as done. 1/112 done (1%).");
    expect(messageText((await slash(bot, "progress", "U0CLICK")).json())).toContain("1/112");
    // The button's value names no one: the same click by someone else is theirs alone.
    expect(messageText((await slash(bot, "progress", "U0OTHER")).json())).toContain("0/112");
  });

  it("GIVEN a tampered button value THEN it is rejected with a clear message and nothing runs", async () => {
    for (const value of ["help", "done argocd-architecture ".repeat(100), "daily off"]) {
      const answer = await click(bot, "roadmap.run.0", value, "U0TAMPER");
      expect(answer.text).toBe(
        "That button is not one of mine, or it is out of date. Type `/roadmap help` to start again.",
      );
    }
    expect(messageText((await slash(bot, "progress", "U0TAMPER")).json())).toContain("0/112");
  });

  it("GIVEN people marking topics in a channel THEN its leaderboard ranks them by points with their names escaped, pinging nobody", async () => {
    const inChannel = async (text: string, user: string, userName: string) => {
      const response = await postSigned(
        `${bot.url}/slack/events`,
        slashCommandBody({
          text,
          user,
          userName,
          channelId: "C0BOARD",
          responseUrl: fake.responseUrl(nextResponseId()),
        }),
        { secret },
      );
      expect(response.status).toBe(200);
      return response.json() as Promise<SlackResponse>;
    };
    await inChannel("done argocd-architecture", "U0LEAD1", "<!channel> dee");
    await inChannel("done applicationsets", "U0LEAD2", "<@U0ALICE> ann");
    await inChannel("done argocd-rbac-sso", "U0LEAD2", "<@U0ALICE> ann");
    const board = await inChannel("leaderboard all channel", "U0LEAD1", "<!channel> dee");
    expect(board.response_type).toBe("ephemeral");
    const text = messageText(board);
    expect(text).toMatch(/1\. &lt;@U0ALICE&gt; ann · 5 pts\n2\. &lt;!channel&gt; dee · 3 pts \(you\)/);
    expect(text).not.toContain("<!channel>");
    expect(text).not.toContain("<@U0ALICE>");
    expect(JSON.stringify(board)).not.toContain('"link_names"');
  });

  it("GIVEN Share in channel THEN the same answer is posted for everyone", async () => {
    const shared = await click(bot, "roadmap.share", "stage 17", "U0SHARE");
    expect(shared.response_type).toBe("in_channel");
    expect(messageText(shared)).toContain("Stage 17 · ArgoCD");
    expect(buttonsOf(shared).some((button) => button.action_id === "roadmap.share")).toBe(false);
  });

  it("GIVEN mentions in the input THEN none survives unescaped in the reply", async () => {
    for (const text of ["topic <!channel>", "stage <!here>", "search <@U0BOSS> <!everyone>", "<!subteam^S1> stage 1"]) {
      const raw = (await slash(bot, text)).text;
      expect(raw).not.toMatch(/<[!@#]/);
      expect(raw).toContain("&lt;");
      expect(raw).not.toMatch(/"link_names"|"parse"/);
    }
  });

  it("GIVEN text as Slack delivers it, with & < > as entities THEN the topic is found by its real name", async () => {
    const message = (await slash(bot, "topic Sync Policies &amp; Waves")).json();
    expect(messageText(message)).toContain("Automated sync, self-heal, prune");
  });

  it("GIVEN the largest replies THEN each stays inside Block Kit's limits", async () => {
    for (const text of ["stages", "progress", "help", "search aws pipeline deployments", "stage 3"]) {
      const message = (await slash(bot, text)).json();
      expect(blockKitViolations(message), text).toEqual([]);
      expect(message.blocks?.length, text).toBeGreaterThan(0);
    }
    expect(messageText((await slash(bot, "stages")).json())).toContain("26. Advanced GitOps Patterns");
  });

  it("GIVEN /healthz and /readyz THEN both answer 200 on the same port as Slack", async () => {
    expect((await fetch(`${bot.url}/healthz`)).status).toBe(200);
    expect((await fetch(`${bot.url}/readyz`)).status).toBe(200);
    expect((await fetch(`${bot.url}/anything-else`)).status).toBe(404);
  });
});

describe("Slack with a slow store", () => {
  let bot: (RunningBot & { url: string }) | undefined;
  afterEach(() => bot?.stop());

  it("GIVEN a store that has not answered THEN Slack still gets its acknowledgement, and the answer follows via response_url", async () => {
    const { store, release } = gatedStore();
    const started = await startBot(loadConfig(slackEnv()), { store, slackDeferAfterMs: 100 });
    bot = Object.assign(started, { url: `http://127.0.0.1:${started.port}` });
    const { status, text, responseUrl } = await slash(bot, "stage 17");
    // The store is still blocked here: the acknowledgement did not wait for it.
    expect(status).toBe(200);
    // An empty ack: a response_url cannot replace a slash command's first answer, so none is sent.
    expect(text).toBe("");
    release();
    const id = responseUrl.slice(responseUrl.lastIndexOf("/") + 1);
    const answer = (await fake.response(id)) as SlackResponse;
    expect(answer.response_type).toBe("ephemeral");
    expect(messageText(answer)).toContain("Stage 17 · ArgoCD");
  });
});

describe("Slack in Socket Mode", () => {
  it("GIVEN SLACK_APP_TOKEN THEN the bot opens the socket from apps.connections.open and answers an envelope in its ack", async () => {
    const bot = await startBot(loadConfig({ ...slackEnv(), SLACK_APP_TOKEN: "xapp-test" }), {
      store: openMemoryStore(silentLogger),
    });
    try {
      expect(bot.slack?.requestListener).toBeUndefined();
      expect(fake.apiCalls.map((call) => call.method)).toContain("apps.connections.open");
      const payload = Object.fromEntries(
        new URLSearchParams(slashCommandBody({ text: "stage 17", responseUrl: fake.responseUrl("socket") })),
      );
      const ack = (await fake.envelope("env-1", "slash_commands", payload)) as SlackResponse;
      expect(messageText(ack)).toContain("Stage 17 · ArgoCD");
      expect(ack.response_type).toBe("ephemeral");
    } finally {
      await bot.stop();
    }
  });
});

describe("roadmap-bot start with Slack configured", () => {
  it("GIVEN the Slack variables THEN the process serves Slack and /healthz, and SIGTERM stops it with exit 0", async () => {
    const bin = path.resolve(import.meta.dirname, "../../bin/roadmap-bot.js");
    const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-start-"));
    const child = spawn(process.execPath, [bin, "start"], {
      env: {
        PATH: process.env.PATH ?? "",
        ...slackEnv(),
        LOG_LEVEL: "info",
        STORE_URL: `sqlite://${path.join(dir, "bot.sqlite")}`,
      },
    });
    try {
      const port = await new Promise<number>((resolve, reject) => {
        let logs = "";
        child.stderr.on("data", (chunk: Buffer) => {
          logs += chunk.toString();
          const match = /"port":(\d+)[^\n]*"msg":"http server listening"/.exec(logs);
          if (match) resolve(Number(match[1]));
        });
        child.once("exit", (code) => reject(new Error(`exited ${code}: ${logs}`)));
      });
      expect((await fetch(`http://127.0.0.1:${port}/healthz`)).status).toBe(200);
      const reply = await slash({ url: `http://127.0.0.1:${port}` }, "stage 17");
      expect(messageText(reply.json())).toContain("Stage 17 · ArgoCD");
      const exit = new Promise<number | null>((resolve) => child.once("exit", resolve));
      child.kill("SIGTERM");
      expect(await exit).toBe(0);
    } finally {
      child.kill("SIGKILL");
      await rm(dir, { recursive: true, force: true });
    }
  });
});
