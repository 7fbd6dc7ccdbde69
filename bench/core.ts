/**
 * In-process throughput of the core commands on the SQLite store, next to a raw keyv `set`
 * baseline measured in the same run, so the `done / keyv set` ratio compares like with like.
 *
 *   npx tsx bench/core.ts [--seconds 1]
 *
 * Prints figures only; it never fails on speed, but it does exit 1 if any command errors,
 * because a benchmark that measures error replies measures nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import { loadContentDir } from "../src/content/load.ts";
import { Core } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { openStore, tuneSqlite } from "../src/store/open-store.ts";
import { ratioLine } from "./stats.ts";

const target = 0.5;
/** The `done` case and the baseline alternate in rounds so drift (file growth, GC, CPU boost) hits both. */
const rounds = 4;

interface Measurement {
  ops: number;
  ms: number;
}

const opsPerSecond = (m: Measurement): number => (m.ops * 1000) / m.ms;
const line = (name: string, m: Measurement): string =>
  `${name.padEnd(24)} ${opsPerSecond(m).toFixed(0).padStart(8)} ops/s  (${m.ops} ops in ${m.ms.toFixed(0)} ms)`;

/** Runs fn one call at a time (like one user waiting for each reply) until the budget is spent. */
async function measure(fn: () => Promise<void>, seconds: number): Promise<Measurement> {
  const budget = seconds * 1000;
  const start = performance.now();
  let ops = 0;
  let elapsed = 0;
  while (elapsed < budget) {
    await fn();
    ops++;
    elapsed = performance.now() - start;
  }
  return { ops, ms: elapsed };
}

const add = (a: Measurement, b: Measurement): Measurement => ({ ops: a.ops + b.ops, ms: a.ms + b.ms });

function expectOk(text: string, reply: Reply): Reply {
  if (reply.outcome !== "ok") {
    const said = reply.blocks.map((block) => ("text" in block ? block.text : "")).join(" ");
    throw new Error(`"${text}" answered ${reply.outcome}: ${said}`);
  }
  return reply;
}

const { values } = parseArgs({ options: { seconds: { type: "string", default: "1" } } });
const seconds = Number(values.seconds);
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
const warmup = Math.min(0.2, seconds / 4);

const content = await loadContentDir("content");
if (!content.ok) throw new Error(`content/ is invalid: ${content.problems.length} problem(s)`);

/** Runs every case against one core and one raw keyv, printing a line per figure. */
async function bench(core: Core, keyv: Keyv): Promise<void> {
  const topics = core.defaultRoadmap.topics;
  const run = async (text: string, who = { platform: "bench", userId: "reader" }): Promise<Reply> =>
    expectOk(text, await core.handle({ text, who }));

  // The reader has done every other topic, so next/progress/search work on a realistic document.
  for (const topic of topics.filter((_, i) => i % 2 === 0)) await run(`done ${topic.id}`);

  // Each (user, topic) pair is used once: user n marks topics 0..T-1 in turn, then user n+1 starts.
  // So every `done` is a real read-modify-write, never an "already done" no-op, and the document
  // written grows from 1 to T entries (T/2 on average).
  let doneCalls = 0;
  const done = async (): Promise<void> => {
    const i = doneCalls++;
    const topic = topics[i % topics.length];
    if (!topic) throw new Error("the default roadmap has no topics");
    const reply = await run(`done ${topic.id}`, { platform: "bench", userId: `u${Math.floor(i / topics.length)}` });
    const first = reply.blocks[0];
    if (first?.type !== "text" || !first.text.startsWith("Marked ")) {
      throw new Error(`done ${topic.id} wrote nothing: ${first && "text" in first ? first.text : "(no text)"}`);
    }
  };

  // The baseline writes a document shaped like the average one `done` writes: T/2 topic records.
  const since = new Date().toISOString();
  const document = {
    topics: Object.fromEntries(
      topics.slice(0, Math.ceil(topics.length / 2)).map((t) => [t.id, { status: "done", since }]),
    ),
  };
  let keyvCalls = 0;
  const keyvSet = async (): Promise<void> => {
    if (!(await keyv.set(`k${keyvCalls++}`, document))) throw new Error("raw keyv set returned false");
  };

  const reads: [string, () => Promise<void>][] = [
    "stage 17",
    "topic helm templating",
    "search canary",
    "next",
    "progress",
  ].map((text) => [text, async () => void (await run(text))]);

  console.log(`roadmap-bot core bench: ${seconds}s per case, SQLite store, ${topics.length} topics`);
  // As in production, reads of a person's progress are served from the SQLite store's process cache.
  for (const [name, fn] of reads) {
    await measure(fn, warmup);
    console.log(line(name, await measure(fn, seconds)));
  }

  await measure(done, warmup);
  await measure(keyvSet, warmup);
  let doneTotal: Measurement = { ops: 0, ms: 0 };
  let keyvTotal: Measurement = { ops: 0, ms: 0 };
  for (let round = 0; round < rounds; round++) {
    doneTotal = add(doneTotal, await measure(done, seconds / rounds));
    keyvTotal = add(keyvTotal, await measure(keyvSet, seconds / rounds));
  }
  console.log(line("done <topic>", doneTotal));
  console.log(line("raw keyv set", keyvTotal));

  console.log(ratioLine("done/keyv-set", opsPerSecond(doneTotal) / opsPerSecond(keyvTotal), target));
}

const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-bench-"));
try {
  const store = await openStore(`sqlite://${path.join(dir, "bench.sqlite")}`, silentLogger);
  // The baseline gets the same SQLite settings the bot's store uses, so the ratio compares like with like.
  const raw = new KeyvSqlite({ uri: `sqlite://${path.join(dir, "keyv.sqlite")}` });
  await tuneSqlite(raw);
  const keyv = new Keyv({ store: raw, namespace: "bench" });
  try {
    await bench(
      new Core({ roadmaps: content.roadmaps, ...repositories(store, silentLogger, "UTC"), logger: silentLogger }),
      keyv,
    );
  } finally {
    await store.close();
    await keyv.disconnect();
  }
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await rm(dir, { recursive: true, force: true });
}
