/**
 * Slack HTTP throughput, measured from outside (issue 13): signed `/roadmap stage 17` slash
 * commands from `--users` people, `--connections` in flight on kept-alive connections, against
 * the bot as users run it (`roadmap-bot start`, Slack HTTP mode, SQLite) and against a bare Bolt 5
 * app whose handler acks a constant (bench/slack-bare.js), each a process of its own.
 *
 *   npm run build   # the bot runs dist/; the bench rebuilds it itself when a src/ file is newer
 *   npx tsx bench/slack.ts [--rounds 6] [--seconds 5] [--warmup 1] [--users 50] [--connections 32]
 *                          [--bot-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"] [--bare-flags=...]
 *
 * The load comes from bench/replica-load.ts, forked, so neither server shares a process with it;
 * it is kept lean (one Buffer per request on kept-alive sockets, answers read from the bytes), as
 * it shares the machine's cores with them. Closed loop: each connection sends again as soon as its
 * answer is in, so req/s is what a target sustains with that many requests in flight.
 *
 * Bot and bare alternate in rounds, each first in half of them, so drift (CPU boost, neighbours on
 * a shared machine) hits both; each round opens with `--warmup` seconds not measured. Before the
 * rounds both are warmed up for the same time. The ratio printed last is the median of the
 * per-round ratios bot/bare: compare ratios, not absolute req/s, which depend on the machine.
 *
 * The people have progress a real team would (done, learning, skipped, untouched topics, some none
 * at all), seeded into the SQLite file before the bot starts, so `stage 17` reads a document and
 * shows real statuses. An answer counts only if it is a 200 whose body is exactly the message the
 * bot's core and renderer make for that person from the seeded progress, as application/json
 * (Slack reads nothing else as a message); the statuses in it are checked against the seed first,
 * and after the run the store is read back to show it still holds every person's progress. Prints
 * figures only: it never fails on speed, but exits 1 on any wrong answer or error, because a
 * benchmark that measures errors measures nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import type { Stage } from "../src/content/schema.ts";
import { silentLogger } from "../src/logger.ts";
import { createApp } from "../src/main.ts";
import { toSlackMessage } from "../src/platforms/slack/blocks.ts";
import { whoFromCommand } from "../src/platforms/slack/who.ts";
import type { TopicStatus } from "../src/progress/model.ts";
import { ProgressRepository } from "../src/progress/progress-repository.ts";
import { stateOf } from "../src/progress/summary.ts";
import { FakeSlack } from "../test/e2e/fake-slack.ts";
import { ensureBuilt } from "./ensure-built.ts";
import { LoadGenerator, type LoadResult, userIdOf } from "./replica-load.ts";
import { cpuTicks, peakRssMiB, ServerProcess } from "./slack-processes.ts";
import { median, ratioLine } from "./stats.ts";

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "6" },
    seconds: { type: "string", default: "5" },
    warmup: { type: "string", default: "1" },
    users: { type: "string", default: "50" },
    connections: { type: "string", default: "32" },
    "bot-flags": { type: "string", default: "" },
    "bare-flags": { type: "string", default: "" },
  },
});
/** Extra node flags for a server's process, for a diagnosis: `--bot-flags="--cpu-prof --cpu-prof-dir=/tmp/prof"`. */
const flags = (text: string) => text.split(" ").filter((flag) => flag !== "");
const rounds = Number(values.rounds);
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const users = Number(values.users);
const connections = Number(values.connections);
if (!Number.isInteger(rounds) || rounds < 2 || rounds % 2 !== 0)
  throw new Error("--rounds must be an even number >= 2 (each target goes first in half of them)");
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
if (!Number.isFinite(warmup) || warmup < 0) throw new Error("--warmup must be a number >= 0");
if (![users, connections].every((n) => Number.isInteger(n) && n > 0))
  throw new Error("--users and --connections must be positive integers");

const targets = { ratio: 0.8, rss: 1.5, p99Ms: 100 };
const secret = "slack-bench-signing-secret";
const command = "stage 17";
const bareAnswer = "ok";
const root = path.resolve(import.meta.dirname, "..");
const contentDir = path.join(root, "content");
const ticksPerSecond = 100;

/** The slash command's fields as the generator sends them, so the seed is the bot's very people. */
const whoOf = (u: number) => {
  const userId = userIdOf(u);
  return whoFromCommand({
    user_id: userId,
    user_name: userId.toLowerCase(),
    team_id: "T0TEST",
    channel_id: "C0TEST",
    channel_name: "learning",
  });
};

/** What person u has marked, topic by topic: a spread of done, learning and skipped; every tenth person nothing. */
function seedPlan(u: number, stage: Stage, allTopics: readonly { id: string }[]): Map<string, TopicStatus> {
  const plan = new Map<string, TopicStatus>();
  if (u % 10 === 9) return plan;
  stage.topics.forEach((topic, i) => {
    const k = (u * 7 + i * 3) % 6;
    if (k <= 1) plan.set(topic.id, "done");
    else if (k === 2) plan.set(topic.id, "learning");
    else if (k === 3) plan.set(topic.id, "skipped");
  });
  for (const offset of [11, 29]) {
    const topic = allTopics[(u * offset) % allTopics.length];
    if (topic && !plan.has(topic.id)) plan.set(topic.id, "done");
  }
  return plan;
}

const verb: Record<TopicStatus, string> = { done: "done", learning: "start", skipped: "skip" };
const emoji: Record<TopicStatus, string> = {
  done: ":white_check_mark:",
  learning: ":book:",
  skipped: ":fast_forward:",
};
const count = (text: string, word: string) => text.split(word).length - 1;

/**
 * Seeds every person's progress through the core (so the documents are what the bot writes), then
 * makes each one's expected answer: the bot's core and Slack renderer, here in this process, over
 * that progress. Checks that each answer shows the person's statuses. The store is closed after,
 * as the bot must own the file alone.
 */
async function seed(storeUrl: string): Promise<{ bodies: string[]; plans: Map<string, TopicStatus>[] }> {
  const app = await createApp(loadConfig({ STORE_URL: storeUrl, CONTENT_DIR: contentDir }), "silent");
  try {
    const roadmap = app.core.defaultRoadmap;
    const stage = roadmap.stages.find((s) => s.number === 17);
    if (!stage) throw new Error("the default roadmap has no stage 17");
    const plans = Array.from({ length: users }, (_, u) => seedPlan(u, stage, roadmap.topics));
    await Promise.all(
      plans.map(async (plan, u) => {
        // One person's marks one after another: each is a read-modify-write of their one document.
        for (const [topic, status] of plan) {
          const reply = await app.core.handle({ text: `${verb[status]} ${topic}`, who: whoOf(u) });
          if (reply.outcome !== "ok") throw new Error(`seeding "${verb[status]} ${topic}" answered ${reply.outcome}`);
        }
      }),
    );
    const bodies = await Promise.all(
      plans.map(async (plan, u) => {
        const reply = await app.core.handle({ text: command, who: whoOf(u) });
        const body = JSON.stringify(toSlackMessage(reply));
        for (const status of ["done", "learning", "skipped"] as const) {
          const inStage = stage.topics.filter((topic) => plan.get(topic.id) === status).length;
          if (count(body, emoji[status]) !== inStage)
            throw new Error(
              `${userIdOf(u)}'s stage 17 shows ${count(body, emoji[status])} ${status}, seeded ${inStage}`,
            );
        }
        return body;
      }),
    );
    return { bodies, plans };
  } finally {
    await app.close();
  }
}

/** Reads every person's progress back from the file the bot served from: the seed must all be there. */
async function checkStore(storeUrl: string, plans: Map<string, TopicStatus>[]): Promise<number> {
  const app = await createApp(loadConfig({ STORE_URL: storeUrl, CONTENT_DIR: contentDir }), "silent");
  try {
    const progress = new ProgressRepository(app.store, silentLogger);
    let marks = 0;
    for (const [u, plan] of plans.entries()) {
      const stored = await progress.load(app.core.defaultRoadmap, whoOf(u));
      for (const [topic, status] of plan) {
        if (stateOf(stored, topic) !== status)
          throw new Error(`the store has ${userIdOf(u)}'s ${topic} as ${stateOf(stored, topic)}, seeded ${status}`);
        marks++;
      }
      if (stored.topics.size !== plan.size)
        throw new Error(`the store has ${stored.topics.size} marks for ${userIdOf(u)}, seeded ${plan.size}`);
    }
    return marks;
  } finally {
    await app.close();
  }
}

interface Round {
  perSecond: number;
  p99: number;
  /** The server's CPU per answer in the measured window, in ms. */
  cpuMs: number;
  /** The generator's CPU in the window, as a share of one core. */
  generator: number;
}

interface Side {
  name: string;
  server: ServerProcess;
  url: string;
  bodies: string[];
  /** The content type its answers must have. */
  type?: string;
  rounds: Round[];
}

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-slack-bench-"));
const storeUrl = `sqlite://${path.join(dir, "bench.sqlite")}`;
const fake = new FakeSlack();
const live: { servers: ServerProcess[]; generator: LoadGenerator | undefined } = { servers: [], generator: undefined };
let errors = 0;
const firstErrors: string[] = [];
try {
  ensureBuilt();
  await fake.start();
  const { bodies, plans } = await seed(storeUrl);

  const bot = new ServerProcess(
    "roadmap-bot",
    [...flags(values["bot-flags"]), path.join(root, "bin", "roadmap-bot.js"), "start"],
    {
      SLACK_BOT_TOKEN: "xoxb-slack-bench",
      SLACK_SIGNING_SECRET: secret,
      SLACK_API_URL: fake.apiUrl,
      STORE_URL: storeUrl,
      PORT: "0",
      CONTENT_DIR: contentDir,
    },
  );
  const bare = new ServerProcess(
    "bare Bolt",
    [...flags(values["bare-flags"]), path.join(root, "bench", "slack-bare.js"), fake.apiUrl, secret],
    {},
  );
  live.servers.push(bot, bare);
  const generator = new LoadGenerator();
  live.generator = generator;
  const sides: [Side, Side] = [
    {
      name: "roadmap-bot",
      server: bot,
      url: `http://127.0.0.1:${await bot.port}/slack/events`,
      bodies,
      type: "application/json",
      rounds: [],
    },
    {
      name: `bare Bolt (ack "${bareAnswer}")`,
      server: bare,
      url: `http://127.0.0.1:${await bare.port}/slack/events`,
      bodies: bodies.map(() => bareAnswer),
      rounds: [],
    },
  ];
  const [botSide, bareSide] = sides;

  /** One closed-loop stretch against one side; errors are tallied whether measured or not. */
  const load = async (side: Side, warmupSeconds: number, measuredSeconds: number): Promise<LoadResult> => {
    let ticks: number | undefined;
    const result = await generator.order(
      {
        type: "probe",
        targets: [side.url],
        connections,
        secret,
        topics: [],
        seeded: [],
        mix: { text: command, bodies: side.bodies, ...(side.type ? { type: side.type } : {}) },
        warmupSeconds,
        seconds: measuredSeconds,
      },
      (edge) => {
        const now = cpuTicks(side.server.pid);
        if (edge === "start") ticks = now;
        else if (ticks !== undefined && now !== undefined) ticks = now - ticks;
      },
    );
    errors += result.errors;
    for (const problem of result.firstErrors) if (firstErrors.length < 5) firstErrors.push(`${side.name}: ${problem}`);
    side.rounds.push({
      perSecond: result.throughput,
      p99: result.p99AtBot,
      cpuMs: ((ticks ?? Number.NaN) * (1000 / ticksPerSecond)) / result.completed,
      generator: result.cpuShare,
    });
    return result;
  };

  // Warm-up: JIT, connection set-up, caches. Each side once, for the same time, then forgotten.
  for (const side of sides) {
    await load(side, 0, Math.max(warmup, 1) * 2);
    side.rounds.length = 0;
  }
  for (let round = 0; round < rounds && errors === 0; round++) {
    for (const side of round % 2 === 0 ? [bareSide, botSide] : [botSide, bareSide]) await load(side, warmup, seconds);
  }
  const peak = { bot: peakRssMiB(bot.pid), bare: peakRssMiB(bare.pid) };
  const exits = await Promise.all(sides.map((side) => side.server.stop()));
  for (const [i, code] of exits.entries()) {
    if (code !== 0) {
      errors++;
      firstErrors.push(`${sides[i]?.name} exited ${code} on SIGTERM: ${sides[i]?.server.output.slice(-500)}`);
    }
  }
  const marks = await checkStore(storeUrl, plans);

  console.log(
    `roadmap-bot Slack bench: signed \`/roadmap ${command}\` from ${users} people, ${connections} in flight on ` +
      `kept-alive connections, closed loop from a generator process of its own; bot (\`roadmap-bot start\`, ` +
      `SQLite, ${marks} seeded marks read back after the run) and bare Bolt each a process of their own; ` +
      `${rounds} alternating rounds of ${warmup}s warm-up + ${seconds}s measured per target`,
  );
  if (errors > 0) {
    console.error(`bench failed: ${errors} bad answer(s) or error(s); first: ${firstErrors.join(" | ")}`);
    process.exitCode = 1;
  } else {
    const ratios = botSide.rounds.map((r, i) => r.perSecond / (bareSide.rounds[i]?.perSecond ?? Number.NaN));
    const row = (label: string, values: number[], digits: number, after = "") =>
      console.log(`${label.padEnd(34)}${values.map((v) => v.toFixed(digits).padStart(7)).join("")}${after}`);
    row(
      "round",
      ratios.map((_, i) => i + 1),
      0,
    );
    for (const side of sides) {
      const first = side.rounds.map((_, i) => ((i % 2 === 0) === (side === bareSide) ? "*" : "-")).join("");
      row(
        `${side.name} req/s`,
        side.rounds.map((r) => r.perSecond),
        0,
        `   (* went first: ${first})`,
      );
      row(
        `${side.name} p99 ms`,
        side.rounds.map((r) => r.p99),
        1,
      );
      row(
        `${side.name} CPU ms/answer`,
        side.rounds.map((r) => r.cpuMs),
        3,
      );
      row(
        "  generator CPU, share of a core",
        side.rounds.map((r) => r.generator),
        2,
      );
    }
    row("ratio bot/bare per round", ratios, 2);
    const botP99 = Math.max(...botSide.rounds.map((r) => r.p99));
    console.log(
      `bot p99 (worst round): ${botP99.toFixed(1)} ms (target < ${targets.p99Ms}: ${botP99 < targets.p99Ms ? "met" : "NOT met"}); errors: 0`,
    );
    console.log(`peak RSS: bot ${peak.bot.toFixed(0)} MiB, bare Bolt ${peak.bare.toFixed(0)} MiB`);
    console.log(ratioLine("peak RSS bot/bare", peak.bot / peak.bare, targets.rss, "at most"));
    console.log(ratioLine(`bot/bare req/s, median of ${rounds} rounds`, median(ratios), targets.ratio));
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  process.exitCode = 1;
} finally {
  live.generator?.kill();
  await Promise.all(live.servers.map((server) => server.stop().catch(() => null)));
  await fake.stop();
  await rm(dir, { recursive: true, force: true });
}
