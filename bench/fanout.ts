/**
 * Fan-out: 10,000 channels due at the same minute, posted by the real scheduler (ledger, state,
 * SQLite store, SlackDelivery's Web API client) against a fake Slack that allows one message per
 * second per channel and answers 5% of calls 429 + Retry-After. The baseline, in the same run, is
 * an ideal fan-out: raw HTTP posts to the same fake at the same concurrency, honouring
 * Retry-After, with no scheduler at all. Prints wall time, posts, duplicates and missing for
 * both, and the ratio scheduler/ideal last (target <= 1.25).
 *
 *   npx tsx bench/fanout.ts [--channels 10000] [--concurrency 64] [--store sqlite|memory|redis://…]
 */
import { mkdtemp, rm } from "node:fs/promises";
import { Agent, request } from "node:http";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import pino from "pino";
import { loadContentDir } from "../src/content/load.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import { SlackDelivery } from "../src/platforms/slack/slack-delivery.ts";
import { repositories } from "../src/repositories.ts";
import { DailyScheduler } from "../src/schedule/daily-scheduler.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import { eachLimited } from "../src/schedule/run-due.ts";
import type { Subscription } from "../src/schedule/subscription.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import { RateLimitedSlack } from "./rate-limited-slack.ts";
import { ratioLine } from "./stats.ts";

const { values } = parseArgs({
  options: {
    channels: { type: "string", default: "10000" },
    concurrency: { type: "string", default: "64" },
    /** sqlite (a fresh file, the default store), memory, or a redis:// URL. */
    store: { type: "string", default: "sqlite" },
  },
});
const channels = Number(values.channels);
const concurrency = Number(values.concurrency);
const slot = new Date("2026-03-02T09:00:00Z"); // a Monday
const channelIds = Array.from({ length: channels }, (_, i) => `C${String(i).padStart(6, "0")}`);

interface Outcome {
  ms: number;
  posts: number;
  duplicates: number;
  missing: number;
  rateLimited: number;
}

function tally(slack: RateLimitedSlack, ms: number): Outcome {
  const counts = channelIds.map((id) => slack.accepted.get(id) ?? 0);
  return {
    ms,
    posts: counts.reduce((sum, count) => sum + count, 0),
    duplicates: counts.reduce((sum, count) => sum + Math.max(0, count - 1), 0),
    missing: counts.filter((count) => count === 0).length,
    rateLimited: slack.rateLimited,
  };
}

/** The ideal: one raw chat.postMessage per channel, waiting out each 429's Retry-After and trying again. */
async function idealFanOut(slack: RateLimitedSlack, body: (channel: string) => string): Promise<number> {
  const agent = new Agent({ keepAlive: true, maxSockets: concurrency });
  const post = (channel: string) =>
    new Promise<{ status: number; retryAfter: number }>((resolve, reject) => {
      const req = request(
        `${slack.apiUrl}chat.postMessage`,
        { method: "POST", agent, headers: { "content-type": "application/json; charset=utf-8" } },
        (res) => {
          res.resume();
          res.on("end", () =>
            resolve({ status: res.statusCode ?? 0, retryAfter: Number(res.headers["retry-after"] ?? 1) }),
          );
        },
      );
      req.on("error", reject);
      req.end(body(channel));
    });
  const start = performance.now();
  await eachLimited(channelIds, concurrency, async (channel) => {
    for (;;) {
      const answer = await post(channel);
      if (answer.status !== 429) return;
      await new Promise((resolve) => setTimeout(resolve, answer.retryAfter * 1_000));
    }
  });
  const ms = performance.now() - start;
  agent.destroy();
  return ms;
}

async function schedulerFanOut(slack: RateLimitedSlack, dir: string): Promise<{ ms: number; body: string }> {
  const content = await loadContentDir(path.resolve(import.meta.dirname, "../content"));
  if (!content.ok) throw new Error("content does not load");
  const store =
    values.store === "memory"
      ? openMemoryStore(silentLogger)
      : await openStore(
          values.store === "sqlite" ? `sqlite://${path.join(dir, "fanout.sqlite")}` : values.store,
          silentLogger,
        );
  try {
    const wired = repositories(store, silentLogger, "UTC");
    const { schedule, progress, standings } = wired;
    const now = () => new Date(slot.getTime() + 30_000);
    const core = new Core({ roadmaps: content.roadmaps, ...wired, logger: silentLogger, clock: now });
    const subscriptions: Subscription[] = channelIds.map((channelId) => ({
      id: `channel/slack/T1/${channelId}`,
      kind: "channel",
      platform: "slack",
      teamId: "T1",
      channelId,
      userId: "U-admin",
      roadmapId: "release-engineer",
      time: { hour: 9, minute: 0 },
      zone: "UTC",
      weekdays: [1, 2, 3, 4, 5],
      track: "all",
      createdAt: "2026-01-01T00:00:00.000Z",
    }));
    await schedule.subscriptions.put(...subscriptions);
    const delivery = new SlackDelivery({
      botToken: "xoxb-bench",
      apiUrl: slack.apiUrl,
      logger: pino({ level: "silent" }),
    });
    const scheduler = new DailyScheduler({
      subscriptions: schedule.subscriptions,
      ledger: new PostLedger(store, silentLogger),
      progress,
      standings,
      quizDeps: wired,
      roadmaps: core,
      deliveries: [delivery],
      logger: silentLogger,
      instance: "bench",
      clock: now,
      concurrency,
    });
    const start = performance.now();
    const report = await scheduler.tick();
    const ms = performance.now() - start;
    if (report.failed.length > 0)
      console.error(`scheduler: ${report.failed.length} failed, e.g. ${report.failed[0]?.error}`);
    // The ideal sends the same payload the scheduler sent, so both move the same bytes.
    const first = content.roadmaps.find((roadmap) => roadmap.id === "release-engineer")?.topics[0];
    return { ms, body: JSON.stringify({ text: `Today's topic: ${first?.title}`, description: first?.description }) };
  } finally {
    await store.close();
  }
}

const line = (name: string, outcome: Outcome) =>
  `${name.padEnd(10)} ${(outcome.ms / 1000).toFixed(2).padStart(6)} s  posts ${outcome.posts}  duplicates ${outcome.duplicates}  missing ${outcome.missing}  429s ${outcome.rateLimited}`;

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-fanout-"));
const slack = new RateLimitedSlack(0.05);
await slack.start();
try {
  console.log(
    `fan-out: ${channels} channels due at once, concurrency ${concurrency}, 5% of calls 429 + Retry-After: 1`,
  );
  const scheduled = await schedulerFanOut(slack, dir);
  const scheduler = tally(slack, scheduled.ms);
  slack.reset();
  const ideal = tally(
    slack,
    await idealFanOut(slack, (channel) => JSON.stringify({ channel, ...JSON.parse(scheduled.body) })),
  );
  console.log(line("ideal", ideal));
  console.log(line("scheduler", scheduler));
  if (scheduler.duplicates > 0 || scheduler.missing > 0) {
    console.error("scheduler posted duplicates or missed channels");
    process.exitCode = 1;
  }
  console.log(ratioLine("scheduler/ideal wall time", scheduler.ms / ideal.ms, 1.25, "at most"));
} finally {
  await slack.stop();
  await rm(dir, { recursive: true, force: true });
}
