/**
 * How quickly the one-shot CLI answers, measured as a user meets it: whole processes, each
 * `node bin/roadmap-bot.js ask "stage 17"` on a SQLite store, against `node -e 0` (Node starting
 * and exiting, the floor no Node CLI can go under) in the same rounds. Also how soon
 * `roadmap-bot console` and `roadmap-bot start` with no platform configured (what `npm start`
 * runs, without npm's own start-up) print their greeting, the moment a user can type.
 *
 *   npx tsx bench/cli.ts [--rounds 16] [--node-env] [--bin PATH]
 *
 * The processes get PATH and nothing else from the caller, so Slack or Discord credentials in the
 * shell cannot turn `start` into a server and the baseline is Node's own start. --node-env also
 * passes the caller's NODE_* variables, which change every Node process's start-up alike: on a
 * machine with NODE_EXTRA_CA_CERTS, Node reads that bundle of certificates at each start (some
 * 30 ms here), which lifts `node -e 0` and so lowers the ratio. --bin measures another build of
 * the bin (an older checkout, for a before/after); by default this checkout's, rebuilt if stale.
 *
 * One warm-up `ask` creates the store first and is reported apart as the first-ever run (no store
 * file, YAML parse not cached yet); the rounds then measure the steady case, every later call.
 * Each round runs the four processes one after another, in an order that rotates so each goes
 * first equally often, so drift (neighbours on a shared machine, CPU boost) hits all of them.
 * Wall time is from spawn() to the exit event. Peak RSS comes from a twin run of each process with
 * a one-line `--require` preload (max-rss.cjs) that reports process.resourceUsage().maxRSS
 * (getrusage's ru_maxrss: the process's own peak) on exit, so the timed runs carry no
 * instrumentation. On a shared machine the absolute figures are noisy; the per-round ratios are
 * what to compare. Prints figures only, never failing on speed, but exits 1 when any run fails
 * or answers something else, since a benchmark of failures measures nothing.
 */
import { spawn } from "node:child_process";
import { mkdtemp, readdir, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import { defaultYamlCacheDir, YamlCache } from "../src/content/yaml-cache.ts";
import { ensureBuilt } from "./ensure-built.ts";
import { median, ratioLine } from "./stats.ts";

const target = 4;
const root = path.resolve(import.meta.dirname, "..");
const contentDir = path.join(root, "content");
const maxRssPreload = path.join(import.meta.dirname, "max-rss.cjs");
/** What a chat prints once it is ready to read a line (the greeting; a terminal then shows the prompt). */
const greeting = "roadmap-bot console ·";
/** A run that takes longer than this has hung: it is killed and the bench fails. */
const runTimeoutMs = 30_000;

const { values } = parseArgs({
  options: {
    rounds: { type: "string", default: "16" },
    "node-env": { type: "boolean", default: false },
    bin: { type: "string" },
  },
});
const rounds = Number(values.rounds);
const bin = values.bin ? path.resolve(values.bin) : path.join(root, "bin", "roadmap-bot.js");
/** What the processes inherit: PATH, and with --node-env the variables that shape Node's own start. */
const inherited = Object.fromEntries(
  Object.entries(process.env).filter(([name]) => name === "PATH" || (values["node-env"] && name.startsWith("NODE_"))),
);

interface Kind {
  name: string;
  args: string[];
  /** A chat: timed to its greeting, then its input is closed so it ends. */
  chat: boolean;
  /** Why the output is wrong, or undefined when it is right. */
  wrong(stdout: string): string | undefined;
}

const kinds: readonly Kind[] = [
  { name: "node -e 0", args: ["-e", "0"], chat: false, wrong: () => undefined },
  {
    name: 'ask "stage 17"',
    args: [bin, "ask", "stage 17"],
    chat: false,
    wrong: (stdout) =>
      stdout.includes("Stage 17") && stdout.includes("ArgoCD") ? undefined : "the reply is not stage 17 (ArgoCD)",
  },
  { name: "console", args: [bin, "console"], chat: true, wrong: () => undefined },
  { name: "start", args: [bin, "start"], chat: true, wrong: () => undefined },
];
const [baseline, ask, consoleChat, start] = kinds as [Kind, Kind, Kind, Kind];

if (!Number.isInteger(rounds) || rounds <= 0 || rounds % kinds.length !== 0)
  throw new Error(`--rounds must be a positive multiple of ${kinds.length}, so each process goes first equally often`);

interface Run {
  /** Spawn to exit, or for a chat spawn to greeting, in ms. */
  ms: number;
  /** Peak RSS in MB, from a run with the preload. */
  rssMb?: number;
}

/** Runs one process to its end; rejects when it fails, hangs or answers something else. */
function runOnce(kind: Kind, env: NodeJS.ProcessEnv, measureRss: boolean): Promise<Run> {
  const args = measureRss ? ["--require", maxRssPreload, ...kind.args] : kind.args;
  const started = performance.now();
  const child = spawn(process.execPath, args, {
    cwd: root,
    env,
    stdio: ["pipe", "pipe", "pipe", measureRss ? "pipe" : "ignore"],
  });
  const { stdin, stdout: out, stderr: err } = child;
  if (!stdin || !out || !err) throw new Error("spawn opened no pipes");
  let stdout = "";
  let stderr = "";
  let rss = "";
  let readyMs: number | undefined;
  let exitMs = 0;
  if (!kind.chat) stdin.end();
  out.on("data", (chunk: Buffer) => {
    stdout += chunk.toString();
    if (kind.chat && readyMs === undefined && stdout.includes(greeting)) {
      readyMs = performance.now() - started;
      stdin.end();
    }
  });
  err.on("data", (chunk: Buffer) => {
    stderr += chunk.toString();
  });
  child.stdio[3]?.on("data", (chunk: Buffer) => {
    rss += chunk.toString();
  });
  child.once("exit", () => {
    exitMs = performance.now() - started;
  });
  const timer = setTimeout(() => child.kill("SIGKILL"), runTimeoutMs);
  return new Promise<Run>((resolve, reject) => {
    child.once("error", reject);
    child.once("close", (code, signal) => {
      clearTimeout(timer);
      const failed =
        code !== 0
          ? `exited ${code ?? signal}`
          : kind.chat && readyMs === undefined
            ? "never printed its greeting"
            : kind.wrong(stdout);
      if (failed) {
        reject(new Error(`${kind.name} ${failed}\nstdout: ${stdout.slice(0, 500)}\nstderr: ${stderr.slice(0, 2000)}`));
        return;
      }
      resolve({
        ms: readyMs ?? exitMs,
        ...(measureRss ? { rssMb: Number(rss) / 1024 } : {}),
      });
    });
  });
}

/** One timed run and one twin run for its peak RSS. */
async function measure(kind: Kind, env: NodeJS.ProcessEnv): Promise<Required<Run>> {
  const { ms } = await runOnce(kind, env, false);
  const { rssMb } = await runOnce(kind, env, true);
  return { ms, rssMb: rssMb ?? Number.NaN };
}

/** Forgets the parsed content, so the next run parses the YAML as a first run after install does. */
async function forgetParsedContent(): Promise<void> {
  const cache = new YamlCache(defaultYamlCacheDir);
  for (const name of await readdir(contentDir)) {
    if (/\.ya?ml$/i.test(name)) await cache.forget(await readFile(path.join(contentDir, name), "utf8"));
  }
}

const ms = (value: number): string => `${value.toFixed(0)} ms`;
const mb = (value: number): string => `${value.toFixed(0)} MB`;

async function main(): Promise<void> {
  if (!values.bin) ensureBuilt();
  const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bench-cli-"));
  const envFor = (store: string): NodeJS.ProcessEnv => ({
    ...inherited,
    STORE_URL: `sqlite://${path.join(dir, store, "roadmap.sqlite")}`,
    CONTENT_DIR: contentDir,
  });
  try {
    await forgetParsedContent();
    const first = await runOnce(ask, envFor("steady"), false);
    await forgetParsedContent();
    const firstRss = await runOnce(ask, envFor("first-rss"), true);
    const env = envFor("steady");

    const rows: Map<Kind, Required<Run>>[] = [];
    console.log(`bin: ${bin}; environment: ${Object.keys(inherited).sort().join(", ")} from the caller`);
    console.log(
      `round  ${kinds.map((kind) => kind.name.padStart(16)).join("")}   ask/node  console/node  start/node   peak RSS (node, ask, console, start)`,
    );
    for (let round = 0; round < rounds; round++) {
      const order = kinds.map((_, i) => kinds[(i + round) % kinds.length] as Kind);
      const row = new Map<Kind, Required<Run>>();
      for (const kind of order) row.set(kind, await measure(kind, env));
      rows.push(row);
      const of = (kind: Kind) => row.get(kind) as Required<Run>;
      const over = (kind: Kind) => (of(kind).ms / of(baseline).ms).toFixed(2);
      console.log(
        `${String(round + 1).padStart(5)}  ${kinds.map((kind) => ms(of(kind).ms).padStart(16)).join("")}` +
          `   ${over(ask).padStart(8)}  ${over(consoleChat).padStart(12)}  ${over(start).padStart(10)}` +
          `   ${kinds.map((kind) => mb(of(kind).rssMb)).join(", ")}  (first: ${order[0]?.name})`,
      );
    }

    const all = (kind: Kind, figure: keyof Run) => rows.map((row) => (row.get(kind) as Required<Run>)[figure]);
    const ratios = (kind: Kind) => rows.map((row) => (row.get(kind)?.ms ?? 0) / (row.get(baseline)?.ms ?? 1));
    const baselineMs = median(all(baseline, "ms"));
    console.log("");
    console.log(
      `first-ever ask (no store file, YAML not yet cached): ${ms(first.ms)}, ${(first.ms / baselineMs).toFixed(2)}x node -e 0's median; peak RSS ${mb(firstRss.rssMb ?? Number.NaN)}`,
    );
    console.log(
      `medians: ${kinds.map((kind) => `${kind.name} ${ms(median(all(kind, "ms")))}`).join(", ")} (console and start: to their greeting)`,
    );
    console.log(`median peak RSS: ${kinds.map((kind) => `${kind.name} ${mb(median(all(kind, "rssMb")))}`).join(", ")}`);
    console.log(`median per-round ratio, console greeting / node -e 0: ${median(ratios(consoleChat)).toFixed(2)}`);
    console.log(`median per-round ratio, start greeting / node -e 0: ${median(ratios(start)).toFixed(2)}`);
    console.log(
      ratioLine(
        'ask "stage 17" / node -e 0, wall (median of per-round ratios)',
        median(ratios(ask)),
        target,
        "at most",
      ),
    );
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error instanceof Error ? error.message : error);
  process.exitCode = 1;
});
