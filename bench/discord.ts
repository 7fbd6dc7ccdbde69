/**
 * Discord interaction throughput, measured from outside: `/roadmap stage 17` from many members,
 * many in flight, dispatched as INTERACTION_CREATE by a load generator in its own process (two
 * fake Discords, gateway and REST on 127.0.0.1: bench/discord-load.ts) to
 *   - the bot as users run it, in its own process: `roadmap-bot start` from dist/ with only
 *     Discord configured, DISCORD_API_URL at its fake, on a fresh SQLite file; and
 *   - a bare discord.js client in its own process, replying a constant through the same callback
 *     (bench/discord-processes.ts),
 * in alternating rounds of the same run, each going first in half of them, so drift on a shared
 * machine (neighbours, CPU boost, GC) hits both. Each round is a closed loop: `--concurrency`
 * interactions in flight per target, the next dispatched as soon as a callback arrives.
 *
 *   npx tsx bench/discord.ts [--seconds 3] [--rounds 10] [--concurrency 32] [--members 50]
 *                            [--bot-node-args="--cpu-prof --cpu-prof-dir=/tmp/prof"] [--bare-node-args=...]
 *                            [--generator-node-args=...]
 *                            [--bin OTHER/bin/roadmap-bot.js]   (another build of the bot, e.g. before a change)
 *                            [--logs DIR]   (everything each client writes, as DIR/bot.log and DIR/bare.log)
 *
 * Before the bot starts, each member's progress is seeded through the bot's own core on that
 * SQLite file (done, learning, skipped topics that differ between members), and only a callback
 * that shows that member's stage 17 exactly counts as an answer (bench/discord-expect.ts).
 *
 * Prints per-round interactions/s of both, latencies (dispatch to callback), each client's CPU per
 * interaction, peak RSS (VmHWM) of both processes, and last the median of the per-round ratios
 * bot/bare (target: at least 0.8) and the peak-RSS ratio bot/bare (target: at most 1.5). The
 * generator shares the machine's cores with both clients, so compare the ratios, not the absolute
 * figures, and run it on a machine as quiet as you can get. Exits 1 on any wrong or missing
 * callback, any error the bot or the bare client logs, or a fake seeing a request it does not know.
 */
import { type ChildProcess, fork } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { setTimeout as sleep } from "node:timers/promises";
import { parseArgs } from "node:util";
import { loadConfig } from "../src/config.ts";
import { createApp } from "../src/main.ts";
import { APP_ID, CHANNEL_ID, GUILD_ID } from "../test/e2e/fake-discord.ts";
import { type MemberPlan, planMembers } from "./discord-expect.ts";
import type { LoadMessage, LoadOrder, RoundResult, TargetName } from "./discord-load.ts";
import { type ClientProcess, ensureBuilt, startBareProcess, startBotProcess } from "./discord-processes.ts";
import { p99, ratioLine } from "./stats.ts";

const throughputTarget = 0.8;
const rssTarget = 1.5;
const warmupSeconds = 2;
const readyTimeoutMs = 60_000;
const token = "bench-token";
const contentDir = path.join(import.meta.dirname, "..", "content");

const { values } = parseArgs({
  options: {
    seconds: { type: "string", default: "3" },
    rounds: { type: "string", default: "10" },
    concurrency: { type: "string", default: "32" },
    members: { type: "string", default: "50" },
    "bot-node-args": { type: "string", default: "" },
    "bare-node-args": { type: "string", default: "" },
    "generator-node-args": { type: "string", default: "" },
    bin: { type: "string" },
    logs: { type: "string" },
  },
});
const seconds = Number(values.seconds);
const rounds = Number(values.rounds);
const concurrency = Number(values.concurrency);
const members = Number(values.members);
const nodeArgs = (given: string): string[] => given.split(" ").filter(Boolean);
const logFile = (name: string): { logFile?: string } =>
  values.logs === undefined ? {} : { logFile: path.resolve(values.logs, `${name}.log`) };
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
// Even, so each target goes first equally often; at least 6, so the median has 5 rounds or more under it.
if (!Number.isInteger(rounds) || rounds < 6 || rounds % 2 !== 0)
  throw new Error("--rounds must be an even number >= 6");
if (!Number.isInteger(concurrency) || concurrency <= 0) throw new Error("--concurrency must be a positive integer");
if (!Number.isInteger(members) || members <= 0) throw new Error("--members must be a positive integer");

/** Seeds each member's progress through the bot's own core on the store the bot will open, then closes it. */
async function seed(storeUrl: string): Promise<MemberPlan[]> {
  const app = await createApp(loadConfig({ STORE_URL: storeUrl, CONTENT_DIR: contentDir }), "silent");
  try {
    const plans = planMembers(app.core.defaultRoadmap, members);
    await Promise.all(
      plans.map(async (plan, i) => {
        const who = {
          platform: "discord",
          userId: plan.userId,
          displayName: `Bench ${i}`,
          teamId: GUILD_ID,
          channelId: CHANNEL_ID,
        };
        // In order: each command is a read-modify-write of this member's document.
        for (const text of plan.commands) {
          const reply = await app.core.handle({ text, who });
          if (reply.outcome !== "ok") throw new Error(`seeding "${text}" answered ${reply.outcome}`);
        }
      }),
    );
    return plans;
  } finally {
    await app.close();
  }
}

/** The generator process and its one-at-a-time orders. */
class Generator {
  readonly child: ChildProcess;
  /** Messages nobody waited for yet: "listening" comes while the parent is still seeding. */
  private readonly inbox: LoadMessage[] = [];
  private wake: (() => void) | undefined;
  private readonly exited: Promise<never>;

  constructor() {
    this.child = fork(path.join(import.meta.dirname, "discord-load.ts"), [], {
      execArgv: ["--import", "tsx", ...nodeArgs(values["generator-node-args"])],
      serialization: "advanced",
      stdio: ["ignore", "inherit", "inherit", "ipc"],
    });
    this.child.on("message", (message: LoadMessage) => {
      this.inbox.push(message);
      this.wake?.();
    });
    // Once it has stopped, an order still sent on the way out fails with EPIPE: nothing to do then.
    this.child.on("error", () => undefined);
    this.exited = new Promise<never>((_, reject) =>
      this.child.once("exit", (code, signal) => reject(new Error(`load generator exited ${signal ?? code}`))),
    );
    this.exited.catch(() => undefined);
  }

  /** The next message, which must be of `type`; a rejection should the generator die first. */
  async next<T extends LoadMessage["type"]>(type: T): Promise<Extract<LoadMessage, { type: T }>> {
    while (this.inbox.length === 0) {
      await Promise.race([new Promise<void>((resolve) => (this.wake = resolve)), this.exited]);
    }
    const message = this.inbox.shift() as LoadMessage;
    if (message.type !== type) throw new Error(`load generator sent ${message.type}, expected ${type}`);
    return message as Extract<LoadMessage, { type: T }>;
  }

  async round(target: TargetName, budget: number): Promise<RoundResult> {
    this.send({ type: "round", target, seconds: budget, concurrency });
    return (await this.next("round")).result;
  }

  send(order: LoadOrder): void {
    if (this.child.connected) this.child.send(order);
  }
}

interface Measured {
  result: RoundResult;
  /** The client process's CPU during the round, ms. */
  cpuMs: number;
}

const perSecond = (result: RoundResult): number => (result.answered * 1000) / result.ms;
const median = (values: readonly number[]): number => {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2
    ? (sorted[middle] as number)
    : ((sorted[middle - 1] as number) + (sorted[middle] as number)) / 2;
};
const percentile = (latencies: readonly number[], share: number): number => {
  const sorted = [...latencies].sort((a, b) => a - b);
  return sorted[Math.max(0, Math.ceil(sorted.length * share) - 1)] ?? Number.NaN;
};

function summary(name: string, measured: readonly Measured[], warmUp: number): string {
  const latencies = measured.flatMap(({ result }) => result.latencies);
  const answered = measured.reduce((sum, { result }) => sum + result.answered, 0);
  const cpu = measured.reduce((sum, { cpuMs }) => sum + cpuMs, 0);
  return (
    `  ${name.padEnd(16)} ${answered} answers; latency p50 ${percentile(latencies, 0.5).toFixed(1)} ms, ` +
    `p99 ${p99(latencies).toFixed(1)} ms; CPU ${((cpu * 1000) / answered).toFixed(1)} µs per interaction ` +
    `(${warmUp} more in the warm-up)`
  );
}

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-discord-bench-"));
const generator = new Generator();
const clients: ClientProcess[] = [];
// Should this process die of an uncaught error, its children must not outlive it.
process.once("exit", () => {
  for (const client of clients) client.child.kill("SIGKILL");
  generator.child.kill("SIGKILL");
});
const problems: string[] = [];
try {
  if (values.bin === undefined) ensureBuilt();
  const storeUrl = `sqlite://${path.join(dir, "bench.sqlite")}`;
  const plans = await seed(storeUrl);
  const { apiUrls } = await generator.next("listening");
  generator.send({ type: "setup", members: plans });
  const bot = startBotProcess({
    apiUrl: apiUrls.bot,
    token,
    applicationId: APP_ID,
    storeUrl,
    nodeArgs: nodeArgs(values["bot-node-args"]),
    ...(values.bin === undefined ? {} : { bin: path.resolve(values.bin) }),
    ...logFile("bot"),
  });
  const bare = startBareProcess({
    apiUrl: apiUrls.bare,
    token,
    nodeArgs: nodeArgs(values["bare-node-args"]),
    ...logFile("bare"),
  });
  clients.push(bot, bare);
  const readyOrNot = new AbortController();
  await Promise.race([
    Promise.all([bot.ready, bare.ready]).finally(() => readyOrNot.abort()),
    sleep(readyTimeoutMs, undefined, { signal: readyOrNot.signal }).then(() => {
      throw new Error(`the clients were not ready within ${readyTimeoutMs} ms`);
    }),
  ]);
  const processes: Record<TargetName, ClientProcess> = { bot, bare };
  const measured: Record<TargetName, Measured[]> = { bot: [], bare: [] };
  const failed = (result: RoundResult, target: TargetName): boolean => {
    if (result.failures > 0)
      problems.push(`${result.failures} bad or missing callback(s) from ${target}; first: ${result.firstFailure}`);
    return problems.length > 0;
  };

  // Warm-up, not measured: JIT, connection pools and the store's cache, and a first check of both answers.
  const warmedUp: Record<TargetName, number> = { bot: 0, bare: 0 };
  for (const target of ["bare", "bot"] as const) {
    const result = await generator.round(target, warmupSeconds);
    warmedUp[target] = result.answered;
    failed(result, target);
  }
  const ratios: number[] = [];
  const lines: string[] = [];
  for (let round = 0; round < rounds && problems.length === 0; round++) {
    const order: TargetName[] = round % 2 === 0 ? ["bare", "bot"] : ["bot", "bare"];
    for (const target of order) {
      const before = processes[target].cpuMs();
      const result = await generator.round(target, seconds);
      measured[target].push({ result, cpuMs: processes[target].cpuMs() - before });
      if (failed(result, target)) break;
    }
    const [bareRound, botRound] = [measured.bare[round], measured.bot[round]];
    if (!bareRound || !botRound || problems.length > 0) break;
    const ratio = perSecond(botRound.result) / perSecond(bareRound.result);
    ratios.push(ratio);
    lines.push(
      `  round ${round + 1} (${order[0]} first): bare ${perSecond(bareRound.result).toFixed(0).padStart(5)}/s, ` +
        `bot ${perSecond(botRound.result).toFixed(0).padStart(5)}/s, bot/bare ${ratio.toFixed(2)}; ` +
        `generator CPU ${(bareRound.result.cpuShare * 100).toFixed(0)}% (bare) / ${(botRound.result.cpuShare * 100).toFixed(0)}% (bot) of a core`,
    );
  }
  const peak = { bot: bot.peakRssMiB(), bare: bare.peakRssMiB() };

  const exits = await Promise.all(clients.map((client) => client.stop()));
  generator.send({ type: "stop" });
  const stopped = await generator.next("stopped");
  problems.push(...stopped.problems);
  for (const [index, client] of clients.entries()) {
    if (exits[index] !== 0) problems.push(`${client.name} exited ${exits[index]} on SIGTERM`);
    problems.push(...client.problems.map((line) => `${client.name} logged: ${line}`));
  }

  console.log(
    `roadmap-bot Discord bench: \`/roadmap stage 17\` from ${members} members, ${concurrency} in flight, ` +
      `${rounds} alternating rounds of ${seconds} s per client; generator, bot and bare discord.js in processes of their own; SQLite store`,
  );
  for (const line of lines) console.log(line);
  console.log(summary("roadmap-bot", measured.bot, warmedUp.bot));
  console.log(summary("bare discord.js", measured.bare, warmedUp.bare));
  console.log(`  peak RSS: bot ${peak.bot.toFixed(0)} MB, bare ${peak.bare.toFixed(0)} MB`);
  if (problems.length > 0) {
    console.error(`bench failed: ${problems.length} problem(s); first: ${problems[0]}`);
    process.exitCode = 1;
  } else {
    console.log(
      ratioLine(`bot/bare interactions/s (median of ${ratios.length} rounds)`, median(ratios), throughputTarget),
    );
    console.log(ratioLine("bot/bare peak RSS", peak.bot / peak.bare, rssTarget, "at most"));
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  for (const client of clients) if (client.output) console.error(`${client.name} said: ${client.output.slice(-2000)}`);
  process.exitCode = 1;
} finally {
  await Promise.all(clients.map((client) => client.stop()));
  // After a failure: the generator stops its fakes and exits (a no-op when it already has).
  generator.send({ type: "stop" });
  await rm(dir, { recursive: true, force: true });
}
