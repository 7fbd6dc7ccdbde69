/**
 * Replicas on one Redis (issue 7): the same open-loop load of signed Slack slash commands against
 * one `roadmap-bot start` process, then against three, all on Redis database 9, in the same run.
 * Prints, per configuration, the requests offered, sent and answered, errors, throughput, p50 and
 * p99 latency and each process's peak memory; then where the CPU went and what the machine's cores
 * allow; then the ratio of three-process throughput to one-process throughput; and last the two
 * figures issue 13 judges it by on a 2-core machine that also runs the generator and Redis: the
 * share of its own CPU ceiling that three processes reach (target >= 0.9) and the bots' CPU per
 * answered request at three processes over one (target <= 1.15).
 *
 *   npm run build   # the bots run dist/; the bench rebuilds it itself when a src/ file is newer
 *                   # Needs Redis on 127.0.0.1:6379; database 9 is flushed at the start and the end.
 *   npx tsx bench/replicas.ts [--seconds 30] [--warmup 3] [--users 500] [--connections 16] [--overload 2.5]
 *                             [--probe-seconds 5] [--mix full|reads] [--calibrate-seconds 3]
 *
 * --mix reads turns the mix's writes into reads (a diagnosis: what the replicas serve when no
 * command takes a lock); the default, full, is the realistic mix with 35% done/undo.
 *
 * Load: bench/replica-load.ts, forked, so the generator's CPU is not a bot's (it still shares the
 * machine's cores; its share is printed). It is kept lean, as wrk or autocannon are, since whatever
 * it spends is taken from the bots of the three-process configuration: it has its own minimal
 * HTTP/1.1 client (one Buffer per request on kept-alive sockets, answers parsed from the bytes)
 * rather than node:http's, which cost it about 1.5 to 2 times the CPU per request. It rotates the
 * targets itself (arrival i goes to bot i mod n) rather than going through a proxy: a proxy
 * process would parse and forward every request, taking CPU the bots need on a small machine, and
 * be a bottleneck of its own.
 * Arrivals come at a fixed rate whether or not answers came back (open loop); latency runs from
 * each arrival's scheduled instant. The rate is `--overload` times what one bot served in a short
 * closed-loop probe, the same for both configurations, and above what three can serve, so
 * throughput (answers per second) measures capacity and the ratio is not capped by the offered
 * load. At most `--connections` requests are at each bot at once (like a proxy's upstream pool);
 * the rest wait in the generator and their wait counts in the latency, which is why p50/p99 are
 * large under overload and "p99 at bot" (from send to answer) is printed as well.
 *
 * The bots start with the Node flags of the Slack Deployment's pods (deploy/k8s/deployment.yaml's
 * args; today --single-threaded-gc), read from that file, so a change there is measured here.
 *
 * Each configuration starts from a flushed database with every person's seeded progress, on
 * freshly started bots. Every answer must be a 200 with the words its command answers with (a
 * command acknowledged empty after 2 s must bring them through its response_url; those are
 * counted as "deferred", not as errors, since Slack shows them, late); at the
 * end, every person's progress document and the team's all-time board are read back from Redis and
 * must match the answered writes exactly (a lost update across processes fails the run). Prints
 * figures only: it never fails on speed, but exits 1 on any wrong answer, error or mismatch.
 *
 * To tell why three processes serve what they do, it also prints, for the measured window, the
 * CPU of every process involved from /proc (bots, generator, Redis, this process, and whatever
 * else ran on the machine), per answered request the bots' CPU, syscalls and wake-ups and the
 * Redis commands (server-wide counts), the bots' mean core time for writes and reads from their
 * /metrics, and the throughput the machine's cores would allow at the one-process cost per request.
 *
 * And what the cores allow at all: before the configurations run, a calibration (--calibrate-seconds
 * per step, 0 skips it) runs 1, 2, 3 and again 1 process(es) of pure CPU work at once (JSON out and
 * back and an HMAC in a loop, the kind of work a bot does per request) and prints what 2 and 3 of
 * them did together over what one did alone. On this kind of VM two vCPUs may do well under twice
 * what one does, and not the same from one minute to the next (the host's hyperthreads and other
 * guests, invisible here, not even as steal), so three bots cannot be expected above that figure;
 * it is flagged as not reliable when the lone process's two runs differ by over 10% or something
 * else used the cores meanwhile.
 */
import { type ChildProcess, type ChildProcessWithoutNullStreams, spawn } from "node:child_process";
import { readFileSync } from "node:fs";
import { request } from "node:http";
import { availableParallelism } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { createClient } from "@keyv/redis";
import { parse } from "yaml";
import { z } from "zod";
import { loadConfig } from "../src/config.ts";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { createApp } from "../src/main.ts";
import { toSlackMessage } from "../src/platforms/slack/blocks.ts";
import { pointsOf } from "../src/progress/points.ts";
import { repositories } from "../src/repositories.ts";
import { openStore } from "../src/store/open-store.ts";
import { FakeSlack } from "../test/e2e/fake-slack.ts";
import { ensureBuilt } from "./ensure-built.ts";
import { LoadGenerator, type LoadPlan, type LoadResult, userIdOf } from "./replica-load.ts";
import { cpuTicks, peakRssMiB, stopProcess } from "./slack-processes.ts";
import { ratioLine } from "./stats.ts";

const began = performance.now();
const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "30" },
    warmup: { type: "string", default: "3" },
    users: { type: "string", default: "500" },
    connections: { type: "string", default: "16" },
    overload: { type: "string", default: "2.5" },
    "probe-seconds": { type: "string", default: "5" },
    mix: { type: "string", default: "full" },
    "calibrate-seconds": { type: "string", default: "3" },
  },
});
const seconds = Number(values.seconds);
const warmup = Number(values.warmup);
const users = Number(values.users);
const connections = Number(values.connections);
const overload = Number(values.overload);
const probeSeconds = Number(values["probe-seconds"]);
if (![seconds, probeSeconds, overload].every((n) => Number.isFinite(n) && n > 0))
  throw new Error("--seconds, --probe-seconds and --overload must be positive numbers");
if (!Number.isFinite(warmup) || warmup < 0) throw new Error("--warmup must be a number >= 0");
const calibrateSeconds = Number(values["calibrate-seconds"]);
if (!Number.isFinite(calibrateSeconds) || calibrateSeconds < 0)
  throw new Error("--calibrate-seconds must be a number >= 0");
const mix: "full" | "reads" =
  values.mix === "full" || values.mix === "reads"
    ? values.mix
    : (() => {
        throw new Error("--mix must be full or reads");
      })();
if (![users, connections].every((n) => Number.isInteger(n) && n > 0))
  throw new Error("--users and --connections must be positive integers");

/** Of the CPU ceiling printed for the 1-process run, the share three processes must reach. */
const ceilingShareTarget = 0.9;
/** Three bots may each spend at most this much more CPU per request than one (locks, contention). */
const cpuPerRequestTarget = 1.15;
/** Database 9 is this bench's alone: flushed at the start, between configurations and at the end. */
const storeUrl = "redis://127.0.0.1:6379/9";
const secret = "replicas-bench-signing-secret";
const teamId = "T0TEST"; // what slashCommandBody sends
const root = path.resolve(import.meta.dirname, "..");
const bin = path.join(root, "bin", "roadmap-bot.js");
const contentDir = path.join(root, "content");
const ticksPerSecond = 100;
const cores = availableParallelism(); // USER_HZ, /proc's unit for CPU times on Linux

/**
 * The Node flags the Slack Deployment starts each replica with (deploy/k8s/deployment.yaml's
 * container args before the bin), so the bots here run as the replicas they stand for.
 */
function deployedNodeFlags(): string[] {
  const manifest = z
    .object({
      spec: z.object({
        template: z.object({
          spec: z.object({ containers: z.array(z.object({ args: z.array(z.string()).default([]) })).min(1) }),
        }),
      }),
    })
    .parse(parse(readFileSync(path.join(root, "deploy", "k8s", "deployment.yaml"), "utf8")));
  const args = manifest.spec.template.spec.containers[0]?.args ?? [];
  return args.filter((arg) => arg.startsWith("--"));
}
const nodeFlags = deployedNodeFlags();

/**
 * One `roadmap-bot start` in Slack HTTP mode on a port of its own, as test/e2e/replicas.test.ts
 * starts them, with the deployment's Node flags.
 */
class Bot {
  readonly child: ChildProcessWithoutNullStreams;
  readonly port: Promise<number>;
  /** The last of what it logged, for messages. */
  logs = "";
  /** Log lines at error level or worse (pino 50+). */
  errorLines: string[] = [];

  constructor(fake: FakeSlack) {
    this.child = spawn(process.execPath, [...nodeFlags, bin, "start"], {
      env: {
        PATH: process.env.PATH ?? "",
        SLACK_BOT_TOKEN: "xoxb-replicas-bench",
        SLACK_SIGNING_SECRET: secret,
        SLACK_API_URL: fake.apiUrl,
        ROADMAP_PLATFORMS: "slack",
        STORE_URL: storeUrl,
        PORT: "0",
        CONTENT_DIR: contentDir,
        LOG_LEVEL: "info",
      },
    });
    let seen = "";
    this.port = new Promise<number>((resolve, reject) => {
      const read = (chunk: Buffer) => {
        const text = chunk.toString();
        this.logs = (this.logs + text).slice(-20_000);
        seen += text;
        const lines = seen.split("\n");
        seen = lines.pop() ?? "";
        for (const line of lines) {
          const level = /"level":(\d+)/.exec(line);
          if (level && Number(level[1]) >= 50 && this.errorLines.length < 20) this.errorLines.push(line.slice(0, 300));
          const match = /"port":(\d+)[^\n]*"msg":"http server listening"/.exec(line);
          if (match) resolve(Number(match[1]));
        }
      };
      this.child.stdout.on("data", read);
      this.child.stderr.on("data", read);
      this.child.once("exit", (code) => reject(new Error(`bot exited ${code} before listening: ${this.logs}`)));
    });
    this.port.catch(() => undefined);
  }

  get pid(): number {
    return this.child.pid ?? -1;
  }

  stop(): Promise<number | null> {
    return stopProcess(this.child);
  }

  kill(): void {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill("SIGKILL");
  }
}

/** Busy and total ticks of the whole machine, all cores together. */
function machineTicks(): { busy: number; total: number; steal: number } {
  const line = readFileSync("/proc/stat", "utf8").split("\n")[0] ?? "";
  const ticks = line.trim().split(/\s+/).slice(1).map(Number);
  const total = ticks.slice(0, 8).reduce((sum, n) => sum + n, 0);
  const idle = (ticks[3] ?? 0) + (ticks[4] ?? 0);
  // Steal: time the hypervisor gave this VM's CPUs to someone else (counted in neither busy nor idle here).
  const steal = ticks[7] ?? 0;
  return { busy: total - idle - steal, total, steal };
}

/**
 * Work the kernel did for a process: read and write system calls (whole process, /proc/PID/io)
 * and the times its main thread (the event loop) went to sleep and was woken (/proc/PID/status).
 */
function kernelWork(pid: number): { syscalls: number; wakeups: number } {
  try {
    const io = readFileSync(`/proc/${pid}/io`, "utf8");
    const status = readFileSync(`/proc/${pid}/status`, "utf8");
    const field = (text: string, name: string) =>
      Number(new RegExp(`${name}:\\s+(\\d+)`).exec(text)?.[1] ?? Number.NaN);
    return { syscalls: field(io, "syscr") + field(io, "syscw"), wakeups: field(status, "voluntary_ctxt_switches") };
  } catch {
    return { syscalls: Number.NaN, wakeups: Number.NaN };
  }
}

type RedisClient = ReturnType<typeof createClient>;

/** Server-wide command counts (other databases' clients count too; nobody else should be busy). */
async function redisCounts(redis: RedisClient): Promise<{ commands: number; set: number; eval: number }> {
  const stats = await redis.info("stats");
  const commandStats = await redis.info("commandstats");
  const calls = (name: string) => Number(new RegExp(`cmdstat_${name}:calls=(\\d+)`).exec(commandStats)?.[1] ?? 0);
  return {
    commands: Number(/total_commands_processed:(\d+)/.exec(stats)?.[1] ?? 0),
    set: calls("set"),
    eval: calls("eval"),
  };
}

interface Snapshot {
  at: number;
  bots: (number | undefined)[];
  botKernel: { syscalls: number; wakeups: number }[];
  generator: number | undefined;
  redis: number | undefined;
  mainMicros: number;
  machine: { busy: number; total: number; steal: number };
  counts: { commands: number; set: number; eval: number };
}

async function snapshot(bots: Bot[], generator: ChildProcess, redisPid: number | undefined, redis: RedisClient) {
  const taken: Snapshot = {
    at: performance.now(),
    bots: bots.map((bot) => cpuTicks(bot.pid)),
    botKernel: bots.map((bot) => kernelWork(bot.pid)),
    generator: cpuTicks(generator.pid ?? -1),
    redis: redisPid === undefined ? undefined : cpuTicks(redisPid),
    mainMicros: (() => {
      const usage = process.cpuUsage();
      return usage.user + usage.system;
    })(),
    machine: machineTicks(),
    counts: { commands: 0, set: 0, eval: 0 },
  };
  taken.counts = await redisCounts(redis);
  return taken;
}

/** Mean time in the core per command group, from a bot's /metrics (command_duration histogram). */
async function coreSeconds(port: number): Promise<Map<string, { sum: number; count: number }>> {
  const text = await new Promise<string>((resolve, reject) => {
    request({ host: "127.0.0.1", port, path: "/metrics" }, (res) => {
      const chunks: Buffer[] = [];
      res.on("data", (chunk: Buffer) => chunks.push(chunk));
      res.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
      res.on("error", reject);
    })
      .on("error", reject)
      .end();
  });
  const byCommand = new Map<string, { sum: number; count: number }>();
  for (const match of text.matchAll(
    /roadmap_bot_command_duration_seconds_(sum|count)\{command="([^"]+)"\} ([\d.e+-]+)/g,
  )) {
    const [, kind, command, value] = match;
    const entry = byCommand.get(command as string) ?? { sum: 0, count: 0 };
    entry[kind as "sum" | "count"] += Number(value);
    byCommand.set(command as string, entry);
  }
  return byCommand;
}

/**
 * The calibration worker, run with `node -e`: the kind of CPU work a bot does per request (a
 * document to JSON and back, an HMAC-SHA256 over the text, as a store round trip and a signature
 * check), in a loop from the wall-clock instant argv[1] for argv[2] ms, so that processes started
 * together spin over the same interval. Prints the rounds it did, the seconds it spun and its CPU seconds in all.
 */
const spinSource = `
const { createHmac } = require("node:crypto");
const [startAt, ms] = process.argv.slice(1).map(Number);
const topics = {};
for (let i = 0; i < 20; i++) topics["topic-" + i] = { status: i % 3 ? "done" : "in-progress", at: 1.7e12 + i };
const doc = { userId: "U0REPL00001", points: 0, topics };
setTimeout(() => {
  let rounds = 0;
  const begun = Date.now();
  let now = begun;
  while (now < startAt + ms) {
    const text = JSON.stringify(doc);
    JSON.parse(text).points = rounds++;
    createHmac("sha256", "replicas-bench").update(text).digest("hex");
    now = Date.now();
  }
  const cpu = process.cpuUsage();
  process.stdout.write(JSON.stringify({ rounds, seconds: (now - begun) / 1000, cpu: (cpu.user + cpu.system) / 1e6 }));
}, Math.max(0, startAt - Date.now()));
`;

/**
 * What `count` processes of spinSource do together per second; and meanwhile, as shares of one core,
 * the CPU of everything else on the machine and the hypervisor's steal.
 */
async function spin(count: number, seconds: number): Promise<{ perSecond: number; others: number; steal: number }> {
  // Half a second for every worker to start before they all begin at once.
  const startAt = Date.now() + 500;
  const before = machineTicks();
  const results = await Promise.all(
    Array.from(
      { length: count },
      () =>
        new Promise<{ rounds: number; seconds: number; cpu: number }>((resolve, reject) => {
          const child = spawn(process.execPath, ["-e", spinSource, String(startAt), String(seconds * 1000)], {
            stdio: ["ignore", "pipe", "inherit"],
          });
          let out = "";
          child.stdout.on("data", (chunk: Buffer) => {
            out += chunk.toString();
          });
          child.on("error", reject);
          child.on("exit", (code) =>
            code === 0 ? resolve(JSON.parse(out)) : reject(new Error(`calibration worker exited ${code}`)),
          );
        }),
    ),
  );
  const after = machineTicks();
  const span = (after.total - before.total) / ticksPerSecond / cores;
  const workers = results.reduce((sum, result) => sum + result.cpu, 0);
  return {
    perSecond: results.reduce((sum, result) => sum + result.rounds / result.seconds, 0),
    others: Math.max(0, (after.busy - before.busy) / ticksPerSecond - workers) / span,
    steal: (after.steal - before.steal) / ticksPerSecond / span,
  };
}

interface Calibration {
  /** Work per second of 2 and of 3 concurrent processes over that of 1. */
  two: number;
  three: number;
  /** What one process alone did at the end over what it did at the start, less 1. */
  drift: number;
  /** During each step (1, 2, 3, 1 processes), as shares of one core. */
  others: number[];
  steal: number[];
}

/**
 * The machine's own scaling: the same pure CPU work in 1, then 2, then 3 processes at once, as
 * their work together over what one process does alone. On a VM two vCPUs need not do twice what
 * one does (the host's hyperthreads, neighbours, clock), and that caps what three bots can reach
 * whatever the bot does. One process runs again at the end: what one does is the mean of the two,
 * and how far they differ shows how steady the machine was meanwhile.
 */
async function calibrate(seconds: number): Promise<Calibration> {
  const steps: Awaited<ReturnType<typeof spin>>[] = [];
  for (const count of [1, 2, 3, 1]) steps.push(await spin(count, seconds));
  const [first, two, three, last] = steps.map((step) => step.perSecond) as [number, number, number, number];
  const one = (first + last) / 2;
  return {
    two: two / one,
    three: three / one,
    drift: last / first - 1,
    others: steps.map((step) => step.others),
    steal: steps.map((step) => step.steal),
  };
}

const whoOf = (u: number): Who => {
  const userId = userIdOf(u);
  return { platform: "slack", userId, displayName: userId.toLowerCase(), teamId, channelId: "C0TEST" };
};

/** Three topics done per person (two of stage 17 for some), through the bot's own core. */
function seededTopics(roadmap: Roadmap): string[][] {
  const stage17 = roadmap.stages.find((stage) => stage.number === 17);
  if (!stage17) throw new Error("the default roadmap has no stage 17");
  return Array.from({ length: users }, (_, u) => {
    const picks = [
      stage17.topics[u % stage17.topics.length],
      roadmap.topics[(u * 7) % roadmap.topics.length],
      roadmap.topics[(u * 13 + 5) % roadmap.topics.length],
    ];
    return [...new Set(picks.flatMap((topic) => (topic ? [topic.id] : [])))];
  });
}

const appConfig = () =>
  loadConfig({
    STORE_URL: storeUrl,
    CONTENT_DIR: contentDir,
    LOG_LEVEL: "silent",
    SLACK_BOT_TOKEN: "xoxb-x",
    SLACK_SIGNING_SECRET: "x",
  });

async function seed(redis: RedisClient, seeded: string[][]): Promise<void> {
  await redis.flushDb();
  const app = await createApp(appConfig(), "silent", { store: await openStore(storeUrl, silentLogger) });
  try {
    const next = { u: 0 };
    const worker = async () => {
      for (let u = next.u++; u < users; u = next.u++) {
        for (const topic of seeded[u] ?? []) {
          const reply = await app.core.handle({ text: `done ${topic}`, who: whoOf(u) });
          if (reply.outcome !== "ok") throw new Error(`seeding "done ${topic}" answered ${reply.outcome}`);
        }
      }
    };
    await Promise.all(Array.from({ length: 32 }, worker));
  } finally {
    await app.close();
  }
}

/** Every person's done topics and the team's all-time board, read back, against the answered writes. */
async function verify(roadmap: Roadmap, expected: string[][]): Promise<string[]> {
  const problems: string[] = [];
  const store = await openStore(storeUrl, silentLogger);
  const app = await createApp(appConfig(), "silent", { store });
  try {
    const { progress } = repositories(store, silentLogger, "UTC");
    let points = 0;
    let people = 0;
    for (let u = 0; u < users; u++) {
      const stored = await progress.load(roadmap, { platform: "slack", userId: userIdOf(u) });
      const done = [...stored.topics].filter(([, record]) => record.status === "done").map(([id]) => id);
      const want = expected[u] ?? [];
      if (done.sort().join(",") !== [...want].sort().join(",") && problems.length < 5) {
        problems.push(`${userIdOf(u)} has done [${done.join(", ")}], answers said [${want.join(", ")}]`);
      }
      const mine = pointsOf(stored, roadmap);
      points += mine;
      if (mine > 0) people++;
    }
    // The totals line, as Slack would show it, from the message the bot would send.
    const board = JSON.stringify(toSlackMessage(await app.core.handle({ text: "leaderboard all", who: whoOf(0) })));
    const totals = /([\d,]+) (?:people|person) · ([\d,]+) pts? in total/.exec(board);
    if (!totals) problems.push(`leaderboard all shows no totals: ${board.slice(0, 200)}`);
    else if (Number(totals[1]?.replace(/,/g, "")) !== people || Number(totals[2]?.replace(/,/g, "")) !== points) {
      problems.push(
        `all-time board says ${totals[1]} people · ${totals[2]} pts; documents add up to ${people} · ${points}`,
      );
    }
  } finally {
    await app.close();
  }
  return problems;
}

interface Measured {
  name: string;
  result: LoadResult;
  peakMiB: number[];
  cpu: {
    seconds: number;
    bots: number[];
    generator: number;
    redis: number | undefined;
    main: number;
    other: number;
    idle: number;
    steal: number;
  };
  redisPerRequest: { commands: number; set: number; eval: number };
  /** Per answered request, all bots together. */
  botSyscalls: number;
  botWakeups: number;
  coreMs: { write: number; read: number };
  problems: string[];
}

const live: { bots: Bot[]; generator: LoadGenerator | undefined } = { bots: [], generator: undefined };

async function startBots(count: number, fake: FakeSlack): Promise<{ bots: Bot[]; urls: string[] }> {
  const bots = Array.from({ length: count }, () => new Bot(fake));
  live.bots.push(...bots);
  const ports = await Promise.all(bots.map((bot) => bot.port));
  return { bots, urls: ports.map((port) => `http://127.0.0.1:${port}/slack/events`) };
}

async function stopBots(bots: Bot[]): Promise<string[]> {
  const codes = await Promise.all(bots.map((bot) => bot.stop()));
  live.bots = live.bots.filter((bot) => !bots.includes(bot));
  return codes.flatMap((code, i) =>
    code === 0 ? [] : [`bot ${i + 1} exited ${code} on SIGTERM: ${bots[i]?.logs.slice(-500)}`],
  );
}

async function measure(
  name: string,
  count: number,
  rate: number,
  context: {
    fake: FakeSlack;
    generator: LoadGenerator;
    redis: RedisClient;
    redisPid: number | undefined;
    plan: Omit<LoadPlan, "targets">;
    roadmap: Roadmap;
  },
): Promise<Measured> {
  const { fake, generator, redis, redisPid, plan, roadmap } = context;
  await seed(redis, plan.seeded);
  const { bots, urls } = await startBots(count, fake);
  const snapshots: Partial<Record<"start" | "end", Promise<Snapshot>>> = {};
  const result = await generator.order(
    { type: "run", rate, warmupSeconds: warmup, seconds, targets: urls, ...plan },
    (edge) => {
      snapshots[edge] = snapshot(bots, generator.child, redisPid, redis);
    },
  );
  const [start, end] = await Promise.all([snapshots.start, snapshots.end]);
  if (!start || !end) throw new Error("the load generator never reported its measured window");
  const peakMiB = bots.map((bot) => peakRssMiB(bot.pid));
  const core = await Promise.all(bots.map(async (bot) => coreSeconds(await bot.port)));
  const problems = [
    ...bots.flatMap((bot, i) => bot.errorLines.map((line) => `bot ${i + 1} logged: ${line}`)),
    ...(await stopBots(bots)),
  ];
  problems.push(...(await verify(roadmap, result.expectedDone)));

  const span = (end.at - start.at) / 1000;
  const share = (a: number | undefined, b: number | undefined) =>
    a === undefined || b === undefined ? Number.NaN : (b - a) / ticksPerSecond / span;
  const botShares = bots.map((_, i) => share(start.bots[i], end.bots[i]));
  const generatorShare = share(start.generator, end.generator);
  const redisShare = redisPid === undefined ? undefined : share(start.redis, end.redis);
  const main = (end.mainMicros - start.mainMicros) / 1e6 / span;
  const machineBusy = (end.machine.busy - start.machine.busy) / ticksPerSecond / span;
  const machineTotal = (end.machine.total - start.machine.total) / ticksPerSecond / span;
  const machineSteal = (end.machine.steal - start.machine.steal) / ticksPerSecond / span;
  const ours = botShares.reduce((sum, n) => sum + n, 0) + generatorShare + (redisShare ?? 0) + main;
  const perRequest = (key: "commands" | "set" | "eval") =>
    (end.counts[key] - start.counts[key]) / Math.max(1, result.completed);
  const kernelDelta = (key: "syscalls" | "wakeups") =>
    bots.reduce((sum, _, i) => sum + ((end.botKernel[i]?.[key] ?? 0) - (start.botKernel[i]?.[key] ?? 0)), 0) /
    Math.max(1, result.completed);
  const group = (writes: boolean) => {
    let sum = 0;
    let n = 0;
    for (const byCommand of core)
      for (const [command, entry] of byCommand)
        if ((command === "done" || command === "undo") === writes) {
          sum += entry.sum;
          n += entry.count;
        }
    return n === 0 ? Number.NaN : (sum / n) * 1000;
  };
  return {
    name,
    result,
    peakMiB,
    cpu: {
      seconds: span,
      bots: botShares,
      generator: generatorShare,
      redis: redisShare,
      main,
      other: machineBusy - ours,
      idle: machineTotal - machineBusy - machineSteal,
      steal: machineSteal,
    },
    redisPerRequest: { commands: perRequest("commands"), set: perRequest("set"), eval: perRequest("eval") },
    botSyscalls: kernelDelta("syscalls"),
    botWakeups: kernelDelta("wakeups"),
    coreMs: { write: group(true), read: group(false) },
    problems,
  };
}

const pct = (share: number | undefined) =>
  share === undefined || Number.isNaN(share) ? "   n/a" : `${(share * 100).toFixed(0)}%`;
const ms = (n: number) =>
  !Number.isFinite(n) ? "n/a" : n >= 1000 ? `${(n / 1000).toFixed(1)} s` : `${n.toFixed(n < 10 ? 1 : 0)} ms`;

function printTables(rate: number, probe: LoadResult, runs: Measured[], calibration: Calibration | undefined): void {
  console.log(
    `roadmap-bot replicas bench: signed /roadmap ${mix === "full" ? "mix (stage 17, topic, next, done, undo, leaderboard, progress)" : "reads only (stage 17, topic, next, leaderboard, progress)"} ` +
      `for ${users} people over loopback HTTP, Redis db 9, client-side round-robin, at most ${connections} in flight per bot`,
  );
  console.log(
    `each bot: node ${[...nodeFlags, "bin/roadmap-bot.js", "start"].join(" ")} (Node flags as deploy/k8s/deployment.yaml runs replicas)`,
  );
  console.log(
    `open loop at ${rate} req/s = ${overload}x the ${probe.throughput.toFixed(0)} req/s one bot served in a ` +
      `${probeSeconds}s closed-loop probe (p99 ${ms(probe.p99)}); ${seconds}s measured after ${warmup}s warm-up per configuration`,
  );
  const head = [
    "config",
    "offered",
    "sent",
    "answered",
    "errors",
    "deferred",
    "backlog",
    "thru/s",
    "p50",
    "p99",
    "p99 at bot",
    "peak RSS per process",
  ];
  const rows = runs.map((run) => [
    run.name,
    String(run.result.offered),
    String(run.result.sent),
    String(run.result.completed),
    String(run.result.errors + run.problems.length),
    String(run.result.deferred),
    String(run.result.backlog),
    run.result.throughput.toFixed(0),
    ms(run.result.p50),
    ms(run.result.p99),
    ms(run.result.p99AtBot),
    run.peakMiB.map((mib) => `${mib.toFixed(0)} MiB`).join(" / "),
  ]);
  table(head, rows);
  console.log(`CPU in the measured window, as a share of one core (the machine's cores together: ${cores * 100}%):`);
  table(
    ["config", "bots", "generator", "redis", "bench", "other processes", "idle", "steal"],
    runs.map((run) => [
      run.name,
      run.cpu.bots.map(pct).join("+"),
      pct(run.cpu.generator),
      pct(run.cpu.redis),
      pct(run.cpu.main),
      pct(run.cpu.other),
      pct(run.cpu.idle),
      pct(run.cpu.steal),
    ]),
  );
  console.log(
    "Per answered request: CPU of the bots and of Redis, the bots' read/write syscalls and event-loop wake-ups, " +
      "Redis commands (the calls inside scripts count too; SET includes lock attempts, EVAL counts lock releases and waiters' retries, board moves run as EVALSHA); mean time in the core (store and locks) per write and read, from the bots' /metrics:",
  );
  table(
    [
      "config",
      "bot CPU",
      "redis CPU",
      "bot syscalls",
      "bot wakeups",
      "redis cmds",
      "SET",
      "EVAL",
      "core write",
      "core read",
    ],
    runs.map((run) => {
      const perRequest = (share: number | undefined) =>
        share === undefined ? Number.NaN : (share * run.cpu.seconds * 1000) / Math.max(1, run.result.completed);
      return [
        run.name,
        ms(botCpuPerRequest(run)),
        ms(perRequest(run.cpu.redis)),
        run.botSyscalls.toFixed(1),
        run.botWakeups.toFixed(1),
        run.redisPerRequest.commands.toFixed(1),
        run.redisPerRequest.set.toFixed(2),
        run.redisPerRequest.eval.toFixed(2),
        ms(run.coreMs.write),
        ms(run.coreMs.read),
      ];
    }),
  );
  for (const run of runs) {
    console.log(
      `${run.name}: answers per bot ${run.result.perTarget.join(" / ")}; ` +
        `in the window ${(run.result.completedWrites / seconds).toFixed(0)} writes/s + ` +
        `${((run.result.completed - run.result.completedWrites) / seconds).toFixed(0)} reads/s, ` +
        `p99 at bot ${ms(run.result.p99AtBotWrites)} for writes, ${ms(run.result.p99AtBotReads)} for reads; ` +
        `${run.result.writes} writes answered in all` +
        `${run.result.fallbacks ? ` (${run.result.fallbacks} planned writes became reads: people ran out of topics)` : ""}; ` +
        `generator ran at most ${ms(run.result.maxLateMs)} behind schedule`,
    );
  }
  const [one] = runs;
  if (one) {
    const ours = cpuOfRun(one);
    console.log(
      `CPU ceiling: the 1-process run used ${pct(ours)} of one core (bot, generator, Redis, bench) for ` +
        `${one.result.throughput.toFixed(0)} req/s; at that cost per request, and with nothing else running, ${cores} cores serve at most ` +
        `${((one.result.throughput * cores) / ours).toFixed(0)} req/s, ${ceilingOf(one).toFixed(2)}x the 1-process throughput`,
    );
  }
  if (calibration) {
    const { drift, others, steal } = calibration;
    // Someone else's work on the cores, or a machine that sped up or slowed down meanwhile, skews them.
    const unsteady = Math.abs(drift) > 0.1 || Math.max(...others, ...steal) > 0.2;
    console.log(
      `machine: 2 processes of pure CPU work do ${calibration.two.toFixed(2)}x one process, 3 do ${calibration.three.toFixed(2)}x ` +
        `(JSON and HMAC in a loop, ${calibrateSeconds}s per step before the runs: 1, 2, 3, then 1 process again, ` +
        `which did ${Math.abs(drift * 100).toFixed(0)}% ${drift < 0 ? "less" : "more"} than the first; ` +
        `meanwhile other processes used ${others.map(pct).join(" / ")} of one core, steal ${steal.map(pct).join(" / ")})` +
        (unsteady ? "; NOT reliable: the machine was not steady or not ours alone" : ""),
    );
  }
}

/** CPU of everything the bench runs (bots, generator, Redis, this process), as a share of one core. */
const cpuOfRun = (run: Measured): number =>
  run.cpu.bots.reduce((sum, n) => sum + n, 0) + run.cpu.generator + (run.cpu.redis ?? 0) + run.cpu.main;

/**
 * What this machine could serve, over the 1-process throughput, if three bots cost per request
 * what one does and nothing else ran: every core busy with the same work the 1-process run did.
 */
const ceilingOf = (one: Measured): number => cores / cpuOfRun(one);

/** The bots' CPU (ms) per answered request in the measured window. */
const botCpuPerRequest = (run: Measured): number =>
  (run.cpu.bots.reduce((sum, n) => sum + n, 0) * run.cpu.seconds * 1000) / Math.max(1, run.result.completed);

function table(head: string[], rows: string[][]): void {
  const widths = head.map((cell, i) => Math.max(cell.length, ...rows.map((row) => (row[i] ?? "").length)));
  const line = (cells: string[]) =>
    cells.map((cell, i) => (i === 0 ? cell.padEnd(widths[i] ?? 0) : cell.padStart(widths[i] ?? 0))).join("  ");
  console.log(line(head));
  for (const row of rows) console.log(line(row));
}

let cleaned = false;
async function cleanUp(redis: RedisClient | undefined, fake: FakeSlack | undefined): Promise<void> {
  if (cleaned) return;
  cleaned = true;
  for (const bot of live.bots) bot.kill();
  live.generator?.kill();
  await fake?.stop().catch(() => undefined);
  if (redis?.isOpen) {
    await redis.flushDb().catch(() => undefined);
    await redis.close().catch(() => undefined);
  }
}

let redis: RedisClient | undefined;
let fake: FakeSlack | undefined;
for (const signal of ["SIGINT", "SIGTERM"] as const) {
  process.once(signal, () => {
    console.error(`bench interrupted (${signal}): stopping its processes`);
    cleanUp(redis, fake).finally(() => process.exit(130));
  });
}

try {
  ensureBuilt();
  // First, while nothing else of the bench runs: what the machine's cores allow at all.
  const calibration = calibrateSeconds > 0 ? await calibrate(calibrateSeconds) : undefined;
  redis = createClient({ url: storeUrl });
  await redis.connect();
  await redis.flushDb();
  const redisPid = Number(/process_id:(\d+)/.exec(await redis.info("server"))?.[1]);
  const redisVisible = Number.isInteger(redisPid) && cpuTicks(redisPid) !== undefined ? redisPid : undefined;
  fake = new FakeSlack();
  await fake.start();
  const generator = new LoadGenerator();
  live.generator = generator;

  const app = await createApp(appConfig(), "silent", { store: await openStore(storeUrl, silentLogger) });
  const roadmap = app.core.defaultRoadmap;
  await app.close();
  const plan = {
    connections,
    secret,
    topics: roadmap.topics.map((topic) => ({ id: topic.id, title: topic.title })),
    seeded: seededTopics(roadmap),
    mix,
  };

  // The probe: one bot, closed loop, to find what one process serves; it sets the rate for both runs.
  await seed(redis, plan.seeded);
  const probeBots = await startBots(1, fake);
  const probe = await generator.order({
    type: "probe",
    warmupSeconds: Math.min(2, warmup),
    seconds: probeSeconds,
    targets: probeBots.urls,
    ...plan,
  });
  const probeProblems = await stopBots(probeBots.bots);
  if (probe.errors > 0 || probeProblems.length > 0) {
    throw new Error(`the probe failed: ${[...probe.firstErrors, ...probeProblems].join("; ")}`);
  }
  const rate = Math.max(1, Math.round(probe.throughput * overload));

  const context = { fake, generator, redis, redisPid: redisVisible, plan, roadmap };
  const one = await measure("1 process", 1, rate, context);
  const three = await measure("3 processes", 3, rate, context);
  const runs = [one, three];

  printTables(rate, probe, runs, calibration);
  const failures = runs.flatMap((run) => [
    ...run.result.firstErrors.map((error) => `${run.name}: ${error}`),
    ...run.problems.map((problem) => `${run.name}: ${problem}`),
  ]);
  const errorCount = runs.reduce((sum, run) => sum + run.result.errors + run.problems.length, 0);
  console.log(`total runtime ${((performance.now() - began) / 1000).toFixed(0)} s`);
  if (errorCount > 0) {
    console.error(`bench failed: ${errorCount} error(s); first: ${failures.slice(0, 5).join(" | ")}`);
    process.exitCode = 1;
  } else {
    const speedup = three.result.throughput / one.result.throughput;
    const ceiling = ceilingOf(one);
    console.log(
      `throughput 3-proc/1-proc ${speedup.toFixed(2)} of a ${ceiling.toFixed(2)} CPU ceiling; ` +
        `bot CPU per request ${ms(botCpuPerRequest(three))} at 3 processes, ${ms(botCpuPerRequest(one))} at 1`,
    );
    console.log(ratioLine("share of the CPU ceiling reached by 3 processes", speedup / ceiling, ceilingShareTarget));
    console.log(
      ratioLine(
        "bot CPU per request 3-proc/1-proc",
        botCpuPerRequest(three) / botCpuPerRequest(one),
        cpuPerRequestTarget,
        "at most",
      ),
    );
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await cleanUp(redis, fake);
}
