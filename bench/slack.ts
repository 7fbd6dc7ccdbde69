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
import { FakeSlack } from "../test/e2e/fake-slack.ts";
import { ensureBuilt } from "./ensure-built.ts";
import { LoadGenerator, type LoadResult } from "./replica-load.ts";
import { flags, roundOptions, roundSettings } from "./round-options.ts";
import { startSlackBot, windowCpu } from "./slack-bot.ts";
import { peakRssMiB, ServerProcess } from "./slack-processes.ts";
import { checkStore, markAll, type SeededPerson, stageBodies, stageOf, stagePeople, withCore } from "./slack-seed.ts";
import { median, ratioLine } from "./stats.ts";

const { values } = parseArgs({
  options: { ...roundOptions, "bare-flags": { type: "string", default: "" } },
});
const { rounds, seconds, warmup, users, connections, botFlags } = roundSettings(values, "target");

const targets = { ratio: 0.8, rss: 1.5, p99Ms: 100 };
const secret = "slack-bench-signing-secret";
const command = "stage 17";
const bareAnswer = "ok";
const root = path.resolve(import.meta.dirname, "..");

/** Seeds every person's progress and makes each one's expected answer: see bench/slack-seed.ts. */
function seed(storeUrl: string): Promise<{ bodies: string[]; people: SeededPerson[] }> {
  return withCore(storeUrl, async (app) => {
    const stage = stageOf(app, 17);
    const people = stagePeople(app, stage, users);
    await markAll(app, people);
    return { bodies: await stageBodies(app, people, stage), people };
  });
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
  const { bodies, people } = await seed(storeUrl);

  const bot = startSlackBot({ flags: botFlags, secret, apiUrl: fake.apiUrl, storeUrl });
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
    const cpu = windowCpu(side.server.pid);
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
      cpu.onWindow,
    );
    errors += result.errors;
    for (const problem of result.firstErrors) if (firstErrors.length < 5) firstErrors.push(`${side.name}: ${problem}`);
    side.rounds.push({
      perSecond: result.throughput,
      p99: result.p99AtBot,
      cpuMs: cpu.ms() / result.completed,
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
  const marks = await checkStore(storeUrl, people);

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
