/**
 * Slack HTTP throughput: signed `/roadmap stage 17` requests over loopback at a fixed concurrency,
 * to the full bot and, in the same run and through the same load generator, to a bare Bolt app
 * whose handler acks a constant. Both use Bolt's HTTPReceiver, so the ratio bot/bare is what the
 * bot adds on top of Bolt itself (core, store read, Block Kit), not what Bolt costs. The load
 * generator shares this process and its CPU with both servers, so the figures compare the two
 * targets with each other, not with what a deployed bot can serve.
 *
 *   npx tsx bench/slack.ts [--seconds 3] [--concurrency 16]
 *
 * Prints figures only; it never fails on speed, but it does exit 1 if any response is not a 200
 * with the expected body, because a benchmark that measures errors measures nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { App, LogLevel } from "@slack/bolt";
import { loadConfig } from "../src/config.ts";
import { silentLogger } from "../src/core/logger.ts";
import { type RunningBot, startBot } from "../src/main.ts";
import { openStore } from "../src/store/open-store.ts";
import { FakeSlack, postSigned, slashCommandBody } from "../test/e2e/fake-slack.ts";
import { closedLoop, p99, ratioLine } from "./stats.ts";

const target = 0.8;
/** Bare and bot alternate in rounds, each going first equally often, so drift (GC, CPU boost, neighbours) hits both. */
const rounds = 4;
/** Enough people that the bot reads many progress documents, few enough to seed quickly. */
const users = 300;
const secret = "bench-signing-secret";
const expectedTitle = "Stage 17 · ArgoCD";

const { values } = parseArgs({
  options: { seconds: { type: "string", default: "3" }, concurrency: { type: "string", default: "16" } },
});
const seconds = Number(values.seconds);
const concurrency = Number(values.concurrency);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
if (!Number.isInteger(concurrency) || concurrency <= 0) throw new Error("--concurrency must be a positive integer");

interface Target {
  name: string;
  url: string;
  /** Whether a 200's body is the real answer (not an error reply or a deferred "Working on it…"). */
  valid: (body: string) => boolean;
}

interface Tally {
  requests: number;
  ms: number;
  latencies: number[];
  failures: number;
  firstFailure: string | undefined;
}

const emptyTally = (): Tally => ({ requests: 0, ms: 0, latencies: [], failures: 0, firstFailure: undefined });

let requestCount = 0;

/**
 * `concurrency` workers, each sending one request at a time until the budget is spent. Each request
 * is freshly signed (Slack signs each one, and the timestamp must be current) and names the next of
 * `users` people. postSigned uses the global fetch, whose agent keeps connections alive.
 */
async function load(to: Target, budgetSeconds: number, tally: Tally, responseUrl: string): Promise<void> {
  tally.ms += await closedLoop(concurrency, budgetSeconds, async () => {
    const user = `U0BENCH${requestCount++ % users}`;
    const body = slashCommandBody({ text: "stage 17", user, responseUrl });
    const sent = performance.now();
    let problem: string | undefined;
    try {
      const { status, text } = await postSigned(to.url, body, { secret });
      if (status !== 200) problem = `HTTP ${status}: ${text.slice(0, 200)}`;
      else if (!to.valid(text)) problem = `unexpected body: ${text.slice(0, 200)}`;
    } catch (error) {
      problem = `request failed: ${error instanceof Error ? error.message : String(error)}`;
    }
    tally.latencies.push(performance.now() - sent);
    tally.requests++;
    if (problem) {
      tally.failures++;
      tally.firstFailure ??= `${to.name}: ${problem}`;
    }
  });
}

const perSecond = (t: Tally): number => (t.requests * 1000) / t.ms;
const line = (name: string, t: Tally): string =>
  `${name.padEnd(24)} ${perSecond(t).toFixed(0).padStart(7)} req/s  p99 ${p99(t.latencies).toFixed(2).padStart(6)} ms` +
  `  (${t.requests} requests in ${t.ms.toFixed(0)} ms)`;

/** Gives each bench user three done topics (two in stage 17), so their documents are real and differ. */
async function seedProgress(bot: RunningBot): Promise<void> {
  const { core } = bot.app;
  const roadmap = core.defaultRoadmap;
  const stage17 = roadmap.stages.find((stage) => stage.number === 17);
  if (!stage17) throw new Error("the default roadmap has no stage 17");
  await Promise.all(
    Array.from({ length: users }, async (_, i) => {
      const who = { platform: "slack", userId: `U0BENCH${i}` };
      const picks = [
        stage17.topics[i % stage17.topics.length],
        stage17.topics[(i + 2) % stage17.topics.length],
        roadmap.topics[(i * 7) % roadmap.topics.length],
      ];
      // Sequential per user: each `done` is a read-modify-write of that user's one document.
      for (const topic of picks) {
        if (!topic) continue;
        const reply = await core.handle({ text: `done ${topic.id}`, who });
        if (reply.outcome !== "ok") throw new Error(`seeding "done ${topic.id}" answered ${reply.outcome}`);
      }
    }),
  );
}

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-slack-bench-"));
const fake = new FakeSlack();
let bot: RunningBot | undefined;
let bare: App | undefined;
try {
  await fake.start();
  // The bot owns the store from here on: it closes it on stop, and on a failed start too.
  const store = await openStore(`sqlite://${path.join(dir, "bench.sqlite")}`, silentLogger);
  bot = await startBot(
    loadConfig({
      SLACK_BOT_TOKEN: "xoxb-bench",
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      PORT: "0",
      CONTENT_DIR: path.join(import.meta.dirname, "..", "content"),
      LOG_LEVEL: "silent",
    }),
    { store },
  );
  // Through the bot's own core rather than HTTP: setup stays quick, and the documents are exactly
  // what `done` writes.
  await seedProgress(bot);

  bare = new App({
    token: "xoxb-bench",
    signingSecret: secret,
    clientOptions: { slackApiUrl: fake.apiUrl },
    logLevel: LogLevel.ERROR,
  });
  bare.command("/roadmap", async ({ ack }) => ack("ok"));
  // Port 0 picks a free port with no race; the listening server tells which one it got.
  const bareServer = await bare.start(0);
  const barePort = (bareServer.address() as AddressInfo).port;

  const responseUrl = fake.responseUrl("bench");
  const runs = [
    {
      to: { name: 'bare Bolt (ack "ok")', url: `http://127.0.0.1:${barePort}/slack/events`, valid: (b) => b === "ok" },
      warmup: emptyTally(),
      measured: emptyTally(),
    },
    {
      to: {
        name: "roadmap-bot",
        url: `http://127.0.0.1:${bot.port}/slack/events`,
        valid: (b) => b.includes(expectedTitle),
      },
      warmup: emptyTally(),
      measured: emptyTally(),
    },
  ] as const satisfies readonly { to: Target; warmup: Tally; measured: Tally }[];
  const [bareRun, botRun] = runs;

  // Warm-up: both must answer correctly before anything is measured, then run briefly so JIT,
  // connection pools and the store cache are warm. Failures here still fail the run.
  for (const run of runs) {
    await load(run.to, 0, run.warmup, responseUrl); // one request per worker: does it answer at all?
    if (run.warmup.failures === 0) await load(run.to, Math.min(0.5, seconds / 4), run.warmup, responseUrl);
  }
  if (runs.every((run) => run.warmup.failures === 0)) {
    for (let round = 0; round < rounds; round++) {
      for (const run of round % 2 === 0 ? [bareRun, botRun] : [botRun, bareRun]) {
        await load(run.to, seconds / rounds, run.measured, responseUrl);
      }
    }
  }

  console.log(
    `roadmap-bot Slack bench: signed \`/roadmap stage 17\` over loopback HTTP, ${concurrency} concurrent, ` +
      `${rounds} rounds x ${(seconds / rounds).toFixed(2)}s per target, ${users} users, SQLite store`,
  );
  const all = runs.flatMap((run) => [run.warmup, run.measured]);
  const failures = all.reduce((sum, t) => sum + t.failures, 0);
  if (failures > 0) {
    console.error(`bench failed: ${failures} bad response(s); first: ${all.find((t) => t.firstFailure)?.firstFailure}`);
    process.exitCode = 1;
  } else {
    for (const run of runs) console.log(line(run.to.name, run.measured));
    console.log(ratioLine("bot/bare-bolt", perSecond(botRun.measured) / perSecond(bareRun.measured), target));
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await bare?.stop().catch(() => undefined);
  await bot?.stop(); // closes the HTTP server, then the store
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
}
