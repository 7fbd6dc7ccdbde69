/**
 * Reviews and channel-quiz answers at scale (issue 14), in one run on one kind of store:
 *
 * A. `review` and `review status` for one person with 112 review cards, in a store holding 10
 *    people next to one holding 10,000 (each with every topic done and a card per topic): nothing
 *    may scan other people, so the large store must be at most 2x slower (target <= 2). Each
 *    command is measured closed loop (--callers concurrent callers, each sending the next command
 *    as soon as its last was answered, for --seconds) through Core.handle, on both stores in
 *    rounds that alternate the stores and which of them goes first; per round the figure is the
 *    small store's commands/s over the large one's; the ratio judged is the median over the rounds
 *    of the slower command. Every reply is checked (`review` shows "Review:", `review status`
 *    "Your reviews" and "Due now:"), and, once after the timing, the keys each command read are
 *    counted on both stores.
 * B. 1,000 people answering one channel quiz at the same moment (`quiz pick <id> <n>` through
 *    Core.handle, all sent at once; timed until the last is answered), next to 1,000 concurrent raw
 *    keyv `set`s on a raw keyv store of the same kind (bench/core.ts's baseline: for SQLite a bare
 *    KeyvSqlite with the bot's pragmas), in rounds that alternate the two; each round a fresh quiz.
 *    The quiz is set up as a channel manager would (`daily quiz on 09:00 UTC daily`) and posted by
 *    the DailyScheduler's tick at 09:01, one day later each round (that tick also reveals the
 *    quiz before: timed and printed, not judged). After each round the quiz must hold exactly
 *    1,000 answers. The raw sets write, each to its own key, what every answer must at least store:
 *    one person's answer (read back from the bot's store). For scale, raw sets of a whole shard of
 *    answers (1/64 of them, the most a sharded store rewrites per answer) are measured in the same
 *    rounds and printed, not judged. Ratio: the median of per-round answers/s over raw sets/s
 *    (target >= 0.5).
 *
 *   npx tsx bench/review.ts [--store sqlite|redis|memory] [--people 10000] [--small 10] [--rounds 5]
 *                           [--seconds 1] [--callers 8] [--answers 1000] [--part both|a|b]
 *
 * Stores: sqlite (the default) opens fresh files in a temp directory with openStore; memory is
 * what openMemoryStore makes (keyv over a Map); redis uses 127.0.0.1:6379 database 12 (the large store, then part B) and
 * database 4 (the small store: two stores of different sizes need two keyspaces), both flushed at
 * the start and the end. Run it under `flock /tmp/roadmap-services.lock` on redis.
 *
 * Seeding: the documents come from the bot's own commands. One template person runs `done <topic>`
 * for all 112 topics through a Core on a scratch memory store, the clock moved 6 hours between
 * topics (28 days in all), and their progress and review documents are read back. Every other
 * person gets exactly those two documents: serialized once by keyv's own serializer and written,
 * under each person's keys, straight to the backend (SQLite rows, Redis SETs, the memory store's
 * Map) before the bot's store opens it, as bench/leaderboard.ts does; keyv's serializer would take
 * 20 s on 20,000 such documents. They get no profile or boards: `review` reads neither. The
 * measured person then runs the same 112 `done` commands, at the same instants, through the Core
 * of each store (so they also have a profile and places on their team's boards); their stored
 * documents must equal the template's, and the first, middle and last person seeded must read
 * back as the template's, or the run fails. The commands are measured 3 days after the last
 * `done`: most cards are due.
 *
 * Prints figures only; it never fails on speed, but exits 1 on any wrong answer or miscount,
 * because a benchmark of wrong answers measures nothing. The two ratios are the last two lines.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import KeyvRedis, { createClient } from "@keyv/redis";
import KeyvSqlite from "@keyv/sqlite";
import Keyv from "keyv";
import type { Roadmap } from "../src/content/schema.ts";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import { Core, defaultRoadmapId } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { renderText } from "../src/platforms/console/render-text.ts";
import { slotQuizIdentity } from "../src/quiz/channel-quiz.ts";
import { repositories } from "../src/repositories.ts";
import { channelSubscriptionId } from "../src/schedule/subscription.ts";
import { BatchedSqlite } from "../src/store/batched-sqlite.ts";
import { keys } from "../src/store/keys.ts";
import { KeyvStore } from "../src/store/keyv-store.ts";
import { namespace } from "../src/store/namespace.ts";
import { openMemoryStore, openStore, tuneSqlite } from "../src/store/open-store.ts";
import type { Store, StoreWrite } from "../src/store/store.ts";
import { shippedRoadmaps } from "../test/helpers.ts";
import { RecordingDelivery, schedulerFor } from "../test/schedule-sim.ts";
import { closedLoop, median, ratioLine } from "./stats.ts";

const { values } = parseArgs({
  options: {
    /** sqlite (fresh files, the default store), redis (databases 12 and 4) or memory. */
    store: { type: "string", default: "sqlite" },
    /** People in the large store of part A (the measured person included). */
    people: { type: "string", default: "10000" },
    /** People in the small store of part A. */
    small: { type: "string", default: "10" },
    /** Measured rounds of each part, after one warm-up round. */
    rounds: { type: "string", default: "5" },
    /** Closed-loop time per command, store and round in part A. */
    seconds: { type: "string", default: "1" },
    /** Concurrent callers in part A's closed loop. */
    callers: { type: "string", default: "8" },
    /** People answering each channel quiz at once in part B (and raw sets in its baseline). */
    answers: { type: "string", default: "1000" },
    /** Which parts to run: both (the default), a or b (for profiling one). */
    part: { type: "string", default: "both" },
  },
});
const storeKind = values.store;
if (storeKind !== "sqlite" && storeKind !== "redis" && storeKind !== "memory") {
  throw new Error("--store must be sqlite, redis or memory");
}
const part = values.part;
if (part !== "both" && part !== "a" && part !== "b") throw new Error("--part must be both, a or b");
const largeSize = Number(values.people);
const smallSize = Number(values.small);
const rounds = Number(values.rounds);
const callers = Number(values.callers);
const answerCount = Number(values.answers);
const seconds = Number(values.seconds);
if (![largeSize, smallSize, rounds, callers, answerCount].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error("--people, --small, --rounds, --callers and --answers must be positive integers");
}
if (!Number.isFinite(seconds) || seconds <= 0) throw new Error("--seconds must be a positive number");
const warmupSeconds = Math.min(0.5, seconds / 2);

const reviewTarget = 2;
const answerTarget = 0.5;
const redisBase = "redis://127.0.0.1:6379";
/** The large store and part B; the small store lives in its own database (see the header). */
const redisDb = 12;
const redisSmallDb = 4;

const platform = "bench";
/** The first `done`; each next topic 6 hours later, so the last is 27 days 18 hours on. */
const firstDone = Date.parse("2026-02-01T08:00:00.000Z");
const doneStepMs = 6 * 3_600_000;
/** A Monday, 3 days after the last `done` (2026-02-28T02:00Z): most cards are due, not all. */
const measuredAt = new Date("2026-03-03T02:00:00.000Z");
/** Part B's first slot: a Monday; each round's slot is a day later. */
const firstSlot = Date.parse("2026-03-02T00:00:00.000Z");

const target: Who = { platform, userId: "U-target", displayName: "Target", teamId: "T1" };
const template: Who = { platform, userId: "U-template", displayName: "Template", teamId: "T0" };
const other = (index: number): Who => ({ platform, userId: `U-p${index}`, teamId: "T1" });

const manager: ChannelManagers = { description: "bench", check: async () => true };
const owner: Who = { platform, userId: "U-owner", displayName: "Owner", teamId: "T1", channelId: "C1" };
const answerer = (index: number): Who => ({
  platform,
  userId: `U-a${index}`,
  displayName: `Answerer ${index}`,
  teamId: "T1",
  channelId: "C1",
});

const secondsSince = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;

/** The clock every Core and scheduler of this bench reads; seeding and part B move it. */
let now = measuredAt;
const clock = () => now;

function coreOn(store: Store, roadmaps: readonly Roadmap[]): Core {
  return new Core({ roadmaps, ...repositories(store, silentLogger, "UTC"), logger: silentLogger, clock });
}

function expectOk(text: string, reply: Reply): string {
  const shown = renderText(reply);
  if (reply.outcome !== "ok") throw new Error(`"${text}" answered ${reply.outcome}: ${shown}`);
  return shown;
}

/** Counts the keys read, when asked to; otherwise passes straight through. */
class TracingStore implements Store {
  private reads: string[] | undefined;

  constructor(private readonly inner: Store) {}

  get kind(): string {
    return this.inner.kind;
  }

  get(key: string): Promise<unknown> {
    this.reads?.push(key);
    return this.inner.get(key);
  }

  set(key: string, value: unknown): Promise<void> {
    return this.inner.set(key, value);
  }

  delete(key: string): Promise<void> {
    return this.inner.delete(key);
  }

  writeAll(writes: readonly StoreWrite[]): Promise<void> {
    return this.inner.writeAll(writes);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async trace(fn: () => Promise<unknown>): Promise<string[]> {
    this.reads = [];
    try {
      await fn();
      return this.reads;
    } finally {
      this.reads = undefined;
    }
  }
}

/** Where each store of the run lives, and its raw keyv baseline. */
interface Backend {
  /**
   * A fresh store holding `rows` (the bot's keys, each with the row keyv writes for its value),
   * written straight to the backend before the bot's store opens it: keyv's serializer is slow on
   * 20,000 documents of 9 to 26 kB, and every copy here is the same row.
   */
  open(name: "small" | "large" | "quiz", rows?: ReadonlyMap<string, string>): Promise<Store>;
  raw(): Promise<Keyv>;
  /** Empties the Redis databases (at the start, between the parts, at the end); nothing elsewhere. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

async function backendOf(kind: "sqlite" | "redis" | "memory"): Promise<Backend> {
  if (kind === "memory") {
    return {
      // What openMemoryStore makes (keyv over a Map), holding the rows.
      open: async (_, rows = new Map()) =>
        new KeyvStore(
          new Keyv({ store: new Map([...rows].map(([key, row]) => [`${namespace}:${key}`, row])), namespace }),
          "memory",
          silentLogger,
        ),
      raw: async () => new Keyv({ namespace: "bench" }),
      reset: async () => {},
      close: async () => {},
    };
  }
  if (kind === "sqlite") {
    const dir = await mkdtemp(path.join(tmpdir(), "roadmap-bot-review-"));
    return {
      open: async (name, rows = new Map()) => {
        const file = path.join(dir, `${name}.sqlite`);
        const sqlite = new BatchedSqlite({ uri: `sqlite://${file}` });
        try {
          await tuneSqlite(sqlite);
          await Promise.all([...rows].map(([key, row]) => sqlite.set(`${namespace}:${key}`, row)));
        } finally {
          await sqlite.disconnect();
        }
        return openStore(`sqlite://${file}`, silentLogger);
      },
      raw: async () => {
        // The baseline gets the same SQLite settings the bot's store uses, as in bench/core.ts.
        const raw = new KeyvSqlite({ uri: `sqlite://${path.join(dir, "keyv.sqlite")}` });
        await tuneSqlite(raw);
        return new Keyv({ store: raw, namespace: "bench" });
      },
      reset: async () => {},
      close: () => rm(dir, { recursive: true, force: true }),
    };
  }
  const clients = [redisDb, redisSmallDb].map((db) => createClient({ url: `${redisBase}/${db}` }));
  await Promise.all(clients.map((client) => client.connect()));
  const reset = async () => void (await Promise.all(clients.map((client) => client.flushDb())));
  await reset();
  return {
    open: async (name, rows = new Map()) => {
      const db = name === "small" ? redisSmallDb : redisDb;
      const client = clients[db === redisDb ? 0 : 1] as (typeof clients)[number];
      const all = [...rows];
      for (let start = 0; start < all.length; start += 1_000) {
        await Promise.all(all.slice(start, start + 1_000).map(([key, row]) => client.set(`${namespace}::${key}`, row)));
      }
      return openStore(`${redisBase}/${db}`, silentLogger);
    },
    raw: async () => new Keyv({ store: new KeyvRedis(`${redisBase}/${redisDb}`), namespace: "bench" }),
    reset,
    close: async () => {
      try {
        await reset();
      } finally {
        await Promise.all(clients.map((client) => client.close()));
      }
    },
  };
}

// ---------------------------------------------------------------------------------------------
// Part A: review and review status, small store against large store.

interface Seeded {
  progress: unknown;
  review: unknown;
}

/** Runs `done` for every topic of the roadmap, in order, the clock moved between them. */
async function doneEverything(core: Core, who: Who): Promise<void> {
  for (const [index, topic] of core.defaultRoadmap.topics.entries()) {
    now = new Date(firstDone + index * doneStepMs);
    const text = `done ${topic.id}`;
    const shown = expectOk(text, await core.handle({ text, who }));
    if (!shown.startsWith("Marked ")) throw new Error(`${text} marked nothing: ${shown}`);
  }
  now = measuredAt;
}

async function documentsOf(store: Store, roadmap: Roadmap, who: Who): Promise<Seeded> {
  const [progress, review] = await Promise.all([
    store.get(keys.progress(roadmap.id, who)),
    store.get(keys.review(roadmap.id, who)),
  ]);
  return { progress, review };
}

/** What one person's `done` for every topic writes to their progress and review documents. */
async function templateDocuments(roadmaps: readonly Roadmap[]): Promise<Seeded> {
  const scratch = openMemoryStore(silentLogger);
  try {
    const core = coreOn(scratch, roadmaps);
    await doneEverything(core, template);
    const documents = await documentsOf(scratch, core.defaultRoadmap, template);
    if (documents.progress === undefined || documents.review === undefined) {
      throw new Error("the template person's `done` commands wrote no progress or review document");
    }
    return documents;
  } finally {
    await scratch.close();
  }
}

/** The row keyv writes for a value (its own serializer): what the bot's store would hold. */
function keyvRow(value: unknown): string {
  const row = new Keyv().serialize?.({ value, expires: undefined });
  if (typeof row !== "string") throw new Error("keyv has no synchronous default serializer");
  return row;
}

/** The other people of a store of `size`: copies of the template's two documents, as rows. */
function othersRows(roadmap: Roadmap, size: number, documents: Seeded): Map<string, string> {
  const progress = keyvRow(documents.progress);
  const review = keyvRow(documents.review);
  const rows = new Map<string, string>();
  for (let index = 0; index < size - 1; index++) {
    rows.set(keys.progress(roadmap.id, other(index)), progress);
    rows.set(keys.review(roadmap.id, other(index)), review);
  }
  return rows;
}

/** Gives the target their documents through the commands, and checks everyone's read back right. */
async function checkSeeded(store: Store, core: Core, size: number, documents: Seeded): Promise<void> {
  const roadmap = core.defaultRoadmap;
  await doneEverything(core, target);
  const mine = await documentsOf(store, roadmap, target);
  for (const name of ["progress", "review"] as const) {
    if (JSON.stringify(mine[name]) !== JSON.stringify(documents[name])) {
      throw new Error(`the seeded ${name} documents differ from what \`done\` wrote for the measured person`);
    }
  }
  // The first, middle and last person seeded read back as the template's documents.
  for (const index of size > 1 ? [0, Math.floor((size - 2) / 2), size - 2] : []) {
    if (JSON.stringify(await documentsOf(store, roadmap, other(index))) !== JSON.stringify(documents)) {
      throw new Error(`seeded person ${index}'s documents did not read back as written`);
    }
  }
}

const reviewCommands = ["review", "review status"] as const;
type ReviewCommand = (typeof reviewCommands)[number];

function checkReview(text: ReviewCommand, shown: string): void {
  const fine =
    text === "review" ? shown.includes("Review:") : shown.includes("Your reviews") && shown.includes("Due now:");
  if (!fine) throw new Error(`"${text}" gave a wrong answer: ${shown}`);
}

/** Closed loop of one command for the target person: commands per second. */
async function throughput(core: Core, text: ReviewCommand, budget: number): Promise<number> {
  let ops = 0;
  const ms = await closedLoop(callers, budget, async () => {
    checkReview(text, expectOk(text, await core.handle({ text, who: target })));
    ops++;
  });
  return (ops * 1000) / ms;
}

async function partA(backend: Backend, roadmaps: readonly Roadmap[]): Promise<number> {
  const started = performance.now();
  const documents = await templateDocuments(roadmaps);
  const bytes = (value: unknown) => JSON.stringify(value).length;
  const defaultRoadmap = roadmaps.find((one) => one.id === defaultRoadmapId) ?? (roadmaps[0] as Roadmap);
  const topics = defaultRoadmap.topics.length;
  console.log(
    `part A: \`review\` and \`review status\` of one person, ${smallSize} vs ${largeSize} people, ${storeKind} store; ` +
      `${topics} topics done each (progress ${bytes(documents.progress)} B, review deck ${bytes(documents.review)} B); ` +
      `${callers} callers, ${seconds} s per command and store, ${rounds} rounds after a warm-up`,
  );

  const sizes = [smallSize, largeSize] as const;
  const stores: TracingStore[] = [];
  const cores: Core[] = [];
  try {
    for (const [i, size] of sizes.entries()) {
      const t0 = performance.now();
      const rows = othersRows(defaultRoadmap, size, documents);
      const store = new TracingStore(await backend.open(i === 0 ? "small" : "large", rows));
      stores.push(store);
      const core = coreOn(store, roadmaps);
      cores.push(core);
      await checkSeeded(store, core, size, documents);
      console.log(`seeded ${String(size).padStart(6)} people in ${secondsSince(t0)}`);
    }
    const [smallCore, largeCore] = cores as [Core, Core];
    const status = renderText(await smallCore.handle({ text: "review status", who: target }));
    console.log(`the measured person's status: ${status.split("\n").slice(1, 3).join(", ")}`);

    for (const text of reviewCommands) {
      for (const core of cores) await throughput(core, text, warmupSeconds);
    }
    const figures = new Map<ReviewCommand, { small: number[]; large: number[] }>(
      reviewCommands.map((text) => [text, { small: [], large: [] }]),
    );
    for (let round = 0; round < rounds; round++) {
      for (const text of reviewCommands) {
        const byCommand = figures.get(text) as { small: number[]; large: number[] };
        // The stores take turns going first, so drift (GC, CPU boost) falls on both alike.
        for (const side of round % 2 === 0 ? (["small", "large"] as const) : (["large", "small"] as const)) {
          byCommand[side].push(await throughput(side === "small" ? smallCore : largeCore, text, seconds));
        }
      }
    }

    // The keys each command reads, once per store after the timing.
    const reads = new Map<string, string>();
    for (const [i, store] of stores.entries()) {
      for (const text of reviewCommands) {
        const keysRead = await store.trace(async () => {
          checkReview(text, expectOk(text, await (cores[i] as Core).handle({ text, who: target })));
        });
        reads.set(
          `${text}@${i}`,
          `${keysRead.length} (${[...new Set(keysRead.map((k) => k.split(":")[0]))].join(", ")})`,
        );
      }
    }

    console.log(`measured; part A took ${secondsSince(started)}`);
    console.log();
    const column = (s: string) => s.padStart(14);
    console.log(
      `${"command".padEnd(16)}${column(`${smallSize} cmd/s`)}${column(`${largeSize} cmd/s`)}${column("ratio")}   per-round ratios (small/large)`,
    );
    let worst = 0;
    for (const text of reviewCommands) {
      const { small, large } = figures.get(text) as { small: number[]; large: number[] };
      const perRound = small.map((s, i) => s / (large[i] as number));
      const ratio = median(perRound);
      worst = Math.max(worst, ratio);
      console.log(
        `${text.padEnd(16)}${column(median(small).toFixed(0))}${column(median(large).toFixed(0))}${column(ratio.toFixed(2))}   ${perRound.map((r) => r.toFixed(2)).join(" ")}`,
      );
    }
    console.log();
    for (const text of reviewCommands) {
      console.log(
        `${text.padEnd(16)}keys read: ${sizes.map((size, i) => `${size} people: ${reads.get(`${text}@${i}`)}`).join("   ")}`,
      );
    }
    console.log();
    return worst;
  } finally {
    for (const store of stores) await store.close();
  }
}

// ---------------------------------------------------------------------------------------------
// Part B: a channel quiz answered by 1,000 people at once, against raw keyv sets.

async function partB(backend: Backend, roadmaps: readonly Roadmap[]): Promise<number> {
  const started = performance.now();
  console.log(
    `part B: ${answerCount} people answering one channel quiz at once vs ${answerCount} concurrent raw keyv sets, ` +
      `${storeKind} store, ${rounds} rounds after a warm-up`,
  );
  const store = await backend.open("quiz");
  const keyv = await backend.raw();
  try {
    const wired = repositories(store, silentLogger, "UTC");
    const core = new Core({ roadmaps, ...wired, logger: silentLogger, clock });
    const delivery = new RecordingDelivery(platform);
    const scheduler = schedulerFor({
      store: store,
      wired,
      core: core,
      delivery: delivery,
      clock: clock,
      instance: "bench",
    });
    now = new Date(firstSlot + 8 * 3_600_000);
    const on = "daily quiz on 09:00 UTC daily";
    const turnedOn = expectOk(on, await core.handle({ text: on, who: owner, channelManagers: manager }));
    if (!turnedOn.includes("Channel quiz on")) throw new Error(`"${on}" did not turn the quiz on: ${turnedOn}`);
    const subscriptionId = channelSubscriptionId(platform, owner.teamId, "C1");
    const people = Array.from({ length: answerCount }, (_, index) => answerer(index));

    /** Posts the day's quiz with one scheduler tick; returns its id and how long the tick took. */
    const post = async (day: number): Promise<{ id: string; tickMs: number }> => {
      const date = new Date(firstSlot + day * 86_400_000).toISOString().slice(0, 10);
      now = new Date(`${date}T09:01:00.000Z`);
      const sent = delivery.sent.length;
      const t0 = performance.now();
      await scheduler.tick();
      const tickMs = performance.now() - t0;
      const { id } = slotQuizIdentity(subscriptionId, date);
      const quiz = await wired.channelQuizzes.get(id);
      const posted = delivery.sent.slice(sent).some((one) => one.title.startsWith("Quiz of the day"));
      if (!quiz || !posted || (await wired.channelQuizzes.count(id)) !== 0) {
        throw new Error(`the tick at ${now.toISOString()} posted no fresh quiz`);
      }
      return { id, tickMs };
    };

    const answerAll = async (id: string): Promise<number> => {
      const t0 = performance.now();
      const replies = await Promise.all(
        people.map((who, index) => {
          const text = `quiz pick ${id} ${(index % 4) + 1}`;
          return core.handle({ text, who }).then((reply) => ({ text, reply }));
        }),
      );
      const ms = performance.now() - t0;
      for (const { text, reply } of replies) {
        const shown = expectOk(text, reply);
        if (!shown.includes("Got it: you chose")) throw new Error(`"${text}" was not recorded: ${shown}`);
      }
      const held = (await wired.channelQuizzes.answers(id)).size;
      if (held !== answerCount) throw new Error(`quiz ${id} holds ${held} answers after ${answerCount} picks`);
      return (answerCount * 1000) / ms;
    };

    let setCalls = 0;
    const rawSets = async (value: unknown): Promise<number> => {
      const t0 = performance.now();
      const saved = await Promise.all(people.map(() => keyv.set(`k${setCalls++}`, value)));
      const ms = performance.now() - t0;
      if (!saved.every(Boolean)) throw new Error("a raw keyv set returned false");
      return (answerCount * 1000) / ms;
    };

    // Warm-up round: the people's first answers (their profiles are made now), and the values
    // the baseline writes, taken from what the answers stored.
    const warm = await post(0);
    await answerAll(warm.id);
    // The baseline writes what an answer must at least store: one person's answer. For scale, also
    // a whole shard of a quiz answered by everyone (what a shard store rewrites at most per answer).
    const answers = [...(await wired.channelQuizzes.answers(warm.id))];
    if (answers.length !== answerCount) throw new Error("the warm-up answers were not all stored");
    const personal = answers[0]?.[1];
    const half = Object.fromEntries(answers.slice(0, Math.ceil(answerCount / 64)));
    const personalBytes = JSON.stringify(personal).length;
    const halfBytes = JSON.stringify(half).length;
    await rawSets(personal);
    await rawSets(half);

    const answersPerSecond: number[] = [];
    const setsPerSecond: number[] = [];
    const bigSetsPerSecond: number[] = [];
    const ticks: number[] = [];
    for (let round = 1; round <= rounds; round++) {
      const { id, tickMs } = await post(round);
      ticks.push(tickMs);
      answersPerSecond.push(await answerAll(id));
      setsPerSecond.push(await rawSets(personal));
      bigSetsPerSecond.push(await rawSets(half));
    }
    console.log(`measured; part B took ${secondsSince(started)}`);
    console.log();
    const perRound = answersPerSecond.map((a, i) => a / (setsPerSecond[i] as number));
    const row = (name: string, figures: number[]) =>
      console.log(
        `${name.padEnd(40)}${median(figures).toFixed(0).padStart(10)}/s   per round: ${figures.map((f) => f.toFixed(0)).join(" ")}`,
      );
    row(`quiz pick (${answerCount} at once)`, answersPerSecond);
    row(`raw keyv set, ${personalBytes} B (baseline)`, setsPerSecond);
    row(`raw keyv set, ${halfBytes} B (not judged)`, bigSetsPerSecond);
    console.log(
      `${"tick revealing the last quiz and posting".padEnd(40)}${(median(ticks) / 1000).toFixed(2).padStart(10)} s  (median)`,
    );
    console.log(`${"per-round ratios (answers/sets)".padEnd(40)}${perRound.map((r) => r.toFixed(3)).join(" ")}`);
    console.log();
    return median(perRound);
  } finally {
    await store.close();
    await keyv.disconnect();
  }
}

const backend = await backendOf(storeKind);
try {
  const roadmaps = await shippedRoadmaps();
  const reviewRatio = part === "b" ? undefined : await partA(backend, roadmaps);
  await backend.reset();
  const answerRatio = part === "a" ? undefined : await partB(backend, roadmaps);
  if (reviewRatio !== undefined) {
    console.log(ratioLine(`review (${largeSize}/${smallSize} people, slowdown)`, reviewRatio, reviewTarget, "at most"));
  }
  if (answerRatio !== undefined) console.log(ratioLine("quiz answers/raw keyv sets", answerRatio, answerTarget));
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  await backend.close();
}
