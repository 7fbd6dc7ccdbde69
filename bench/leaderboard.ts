/**
 * Leaderboards must not scan every member (issue 6): `leaderboard` and `done` through the Core on
 * a team of 100,000 people, each next to the same command on a team of 100, in the same store and
 * the same run, the sizes interleaved round by round. Prints median and p95 per command and size,
 * the keys each command read and wrote, and last the two ratios 100000/100 (target <= 2).
 *
 *   npx tsx bench/leaderboard.ts [--store sqlite|memory] [--small 100] [--large 100000] [--rounds 400]
 *
 * The boards are built by the bot's own BoardRepository.move, one person at a time (see populate),
 * then written to a fresh SQLite file row for row as keyv writes them, and opened with openStore.
 * Prints figures only; it never fails on speed, but it exits 1 if a command errors or a board
 * does not add up, because a benchmark of wrong answers measures nothing.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import path from "node:path";
import { performance } from "node:perf_hooks";
import { parseArgs } from "node:util";
import Keyv from "keyv";
import { loadContentDir } from "../src/content/load.ts";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { Core, defaultRoadmapId } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { renderText } from "../src/platforms/console/render-text.ts";
import { BoardRepository } from "../src/progress/board-repository.ts";
import { newProfile, type Profile } from "../src/progress/people.ts";
import { type PeriodKind, periodKinds, periodOf } from "../src/progress/periods.ts";
import { levelPoints } from "../src/progress/points.ts";
import type { Standings } from "../src/progress/standings.ts";
import { repositories } from "../src/repositories.ts";
import { BatchedSqlite } from "../src/store/batched-sqlite.ts";
import { KeyedMutex } from "../src/store/keyed-mutex.ts";
import { boardId, keys } from "../src/store/keys.ts";
import { KeyvStore } from "../src/store/keyv-store.ts";
import { openStore, tuneSqlite } from "../src/store/open-store.ts";
import type { Store, StoreWrite } from "../src/store/store.ts";
import { ratioLine } from "./stats.ts";

const { values } = parseArgs({
  options: {
    /** sqlite (a fresh file, the default store) or memory. */
    store: { type: "string", default: "sqlite" },
    small: { type: "string", default: "100" },
    large: { type: "string", default: "100000" },
    /** Measured rounds; each runs every command once per size. */
    rounds: { type: "string", default: "400" },
  },
});
const small = Number(values.small);
const large = Number(values.large);
const rounds = Number(values.rounds);
if (![small, large, rounds].every((n) => Number.isInteger(n) && n > 0)) {
  throw new Error("--small, --large and --rounds must be positive integers");
}
if (values.store !== "sqlite" && values.store !== "memory") throw new Error("--store must be sqlite or memory");

const target = 2;
/** Doers per team: as many at both sizes, so their own documents are as warm in one run as in the other. */
const doerPool = 100;
/** Warm-up passes every doer once, so no measured round is someone's first read from the file. */
const warmupRounds = Math.max(doerPool, Math.ceil(rounds / 10));
/** Up to this size a team is moved onto all three of its boards; above it, see populate. */
const movedOnEveryBoardUpTo = 10_000;
/** The keyv namespace open-store.ts gives every store; a wrong one here would fail the board checks. */
const namespace = "roadmap-bot";
const platform = "bench";
// A Wednesday: every populated `done` falls in this ISO week and month, so each team's week,
// month and all-time boards all hold every member, and `leaderboard` (the week's) reads a full board.
const now = new Date("2026-03-04T12:00:00.000Z");
const weekStart = Date.parse("2026-03-02T00:00:00.000Z");

/** A small deterministic PRNG (mulberry32), so every run builds the same boards. */
function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/**
 * The store the boards are built on: live objects in a Map, with the same per-key lock. Nothing
 * is serialized or frozen per move, which saves minutes at 100,000 moves; the boards are
 * serialized once at the end, exactly as keyv would have (addBoardRows).
 */
class ObjectStore implements Store {
  readonly kind = "objects";
  readonly values = new Map<string, unknown>();
  private readonly mutex = new KeyedMutex();

  async get(key: string): Promise<unknown> {
    return this.values.get(key);
  }

  async set(key: string, value: unknown): Promise<void> {
    this.values.set(key, value);
  }

  async delete(key: string): Promise<void> {
    this.values.delete(key);
  }

  async writeAll(writes: readonly StoreWrite[]): Promise<void> {
    for (const { key, value } of writes) {
      if (value === undefined) this.values.delete(key);
      else this.values.set(key, value);
    }
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.mutex.run(key, fn);
  }

  async close(): Promise<void> {}
}

/** Counts the keys each command reads and writes, when asked to; otherwise passes straight through. */
class TracingStore implements Store {
  private tracing = false;
  private reads: string[] = [];
  private writes: { key: string; bytes: number }[] = [];
  /** Store calls that wrote: a set or delete writes one key, a writeAll several at once. */
  private writeCalls = 0;

  constructor(private readonly inner: Store) {}

  get kind(): string {
    return this.inner.kind;
  }

  get(key: string): Promise<unknown> {
    if (this.tracing) this.reads.push(key);
    return this.inner.get(key);
  }

  set(key: string, value: unknown): Promise<void> {
    if (this.tracing) {
      this.writes.push({ key, bytes: JSON.stringify(value).length });
      this.writeCalls += 1;
    }
    return this.inner.set(key, value);
  }

  delete(key: string): Promise<void> {
    if (this.tracing) {
      this.writes.push({ key, bytes: 0 });
      this.writeCalls += 1;
    }
    return this.inner.delete(key);
  }

  writeAll(writes: readonly StoreWrite[]): Promise<void> {
    if (this.tracing) {
      this.writeCalls += 1;
      for (const { key, value } of writes)
        this.writes.push({ key, bytes: value === undefined ? 0 : JSON.stringify(value).length });
    }
    return this.inner.writeAll(writes);
  }

  withLock<T>(key: string, fn: () => Promise<T>): Promise<T> {
    return this.inner.withLock(key, fn);
  }

  close(): Promise<void> {
    return this.inner.close();
  }

  async trace(
    fn: () => Promise<unknown>,
  ): Promise<{ reads: string[]; writes: { key: string; bytes: number }[]; writeCalls: number }> {
    this.reads = [];
    this.writes = [];
    this.writeCalls = 0;
    this.tracing = true;
    try {
      await fn();
    } finally {
      this.tracing = false;
    }
    return { reads: this.reads, writes: this.writes, writeCalls: this.writeCalls };
  }
}

interface Members {
  size: number;
  teamId: string;
  who: (index: number) => Who;
}

interface Team extends Members {
  /** Each member's points, by index. */
  points: number[];
  /** Someone in the top 10, and someone well outside it, so the own-rank path runs. */
  topReader: Who;
  rankedReader: Who;
  doers: Who[];
}

function membersOf(size: number): Members {
  const teamId = `T${size}`;
  return {
    size,
    teamId,
    who: (index) => ({ platform, userId: `${teamId}-U${index}`, displayName: `Member ${index} of ${teamId}`, teamId }),
  };
}

const boardIdOf = (roadmap: Roadmap, teamId: string, kind: PeriodKind): string =>
  boardId({ roadmapId: roadmap.id, platform, teamId, period: periodOf(kind, now.getTime(), "UTC") });

/** A board's documents (the board, then each bucket and its pages) as JSON, each with its key on any board id. */
function boardDocuments(objects: ObjectStore, id: string): { keyOn: (id: string) => string; json: string }[] {
  const board = objects.values.get(keys.board(id)) as { counts: Record<string, number> };
  const documents = [{ keyOn: (on: string) => keys.board(on), json: JSON.stringify(board) }];
  for (const points of Object.keys(board.counts).map(Number)) {
    const bucketKeyOn = (on: string) => keys.boardBucket(on, points);
    const bucket = objects.values.get(bucketKeyOn(id)) as { first: number; counts: number[] };
    documents.push({ keyOn: bucketKeyOn, json: JSON.stringify(bucket) });
    bucket.counts.forEach((_, i) => {
      const keyOn = (on: string) => keys.boardPage(on, points, bucket.first + i);
      const page = objects.values.get(keyOn(id));
      if (page !== undefined) documents.push({ keyOn, json: JSON.stringify(page) });
    });
  }
  return documents;
}

/**
 * Puts every member on their team's boards with the bot's own BoardRepository.move, one person
 * after the other, and writes the documents the bot keeps next to them: a progress document (a
 * random set of topics done this week, never the first topic, which the measured `done` marks)
 * and a profile holding the places the moves returned, shaped as Standings writes it. (Standings
 * reaches the same documents through `noteActivity` and a `change`, but it recomputes points per
 * board topic by topic in the team's zone: over a minute of time-zone arithmetic at 100,000 people.)
 *
 * Every member lands on the week, month and all-time boards with the same points in the same
 * order, so the three boards are the same documents under three ids. A small team is moved onto
 * all three and that is checked; a large one is moved onto the week's board and its documents are
 * copied to the other two, which is a third of the moves for the same rows.
 */
async function populate(
  objects: ObjectStore,
  rows: Map<string, string>,
  roadmap: Roadmap,
  team: Members,
  seed: number,
): Promise<number[]> {
  const boards = new BoardRepository(objects, silentLogger);
  const ids = periodKinds.map((kind) => boardIdOf(roadmap, team.teamId, kind));
  const moved = team.size <= movedOnEveryBoardUpTo ? ids : ids.slice(0, 1);
  const candidates = roadmap.topics.slice(1);
  const next = random(seed);
  const points: number[] = [];
  for (let index = 0; index < team.size; index++) {
    // Most people have done a few topics, a few have done most: points spread over the whole range.
    const count = 1 + Math.floor(next() ** 2 * (candidates.length - 1));
    const picked = [...candidates];
    for (let i = 0; i < count; i++) {
      const j = i + Math.floor(next() * (picked.length - i));
      [picked[i], picked[j]] = [picked[j] as (typeof picked)[number], picked[i] as (typeof picked)[number]];
    }
    const topics = picked.slice(0, count);
    const mine = topics.reduce((sum, topic) => sum + levelPoints[topic.level], 0);
    points.push(mine);
    const since = new Date(weekStart + Math.floor(next() * (now.getTime() - weekStart))).toISOString();

    const who = team.who(index);
    const checked = team.size <= movedOnEveryBoardUpTo || index % 100 === 0;
    const progress = { topics: Object.fromEntries(topics.map((topic) => [topic.id, { status: "done", since }])) };
    rows.set(`${namespace}:${keys.progress(roadmap.id, who)}`, fastRow(progress, checked));
    const profile: Profile = { ...newProfile(now), teams: [team.teamId], roadmaps: [roadmap.id] };
    if (who.displayName) profile.name = who.displayName;
    for (const id of moved) {
      const place = await boards.move(id, who.userId, undefined, mine);
      if (!place) throw new Error(`${who.userId} got no place on ${id}`);
      profile.places[id] = place;
    }
    for (const id of ids.slice(moved.length))
      profile.places[id] = profile.places[ids[0] as string] as Profile["places"][string];
    rows.set(`${namespace}:${keys.person(who)}`, fastRow(profile, checked));
  }

  const week = boardDocuments(objects, ids[0] as string);
  for (const id of ids.slice(1)) {
    if (moved.includes(id)) {
      const own = boardDocuments(objects, id);
      if (own.length !== week.length || own.some((document, i) => document.json !== week[i]?.json)) {
        throw new Error(`${team.teamId}: the ${id} board differs from the week's; copying boards would not be honest`);
      }
    } else {
      for (const { keyOn, json } of week) objects.values.set(keyOn(id), JSON.parse(json));
    }
  }
  return points;
}

/** The row keyv writes for a value: the key is namespaced, the value is its serializer's `{ value }`. */
function keyvRow(value: unknown): string {
  const row = keyvSerialize?.({ value, expires: undefined });
  if (typeof row !== "string") throw new Error("keyv has no synchronous default serializer");
  return row;
}
const keyvSerialize = new Keyv().serialize;

/**
 * The same row by JSON.stringify, many times faster on 100,000 progress documents: keyv's
 * serializer differs from it only on Buffers and strings starting with ":", which these documents
 * do not hold. Checked against keyv's own on every row of a small team and every 100th of a large one.
 */
function fastRow(value: unknown, check: boolean): string {
  const row = JSON.stringify({ value });
  if (check && row !== keyvRow(value)) throw new Error(`keyv would store ${row.slice(0, 80)}… differently`);
  return row;
}

/** Adds the boards and their pages to the rows, serialized by keyv's own serializer. */
function addBoardRows(objects: ObjectStore, rows: Map<string, string>): void {
  for (const [key, value] of objects.values) rows.set(`${namespace}:${key}`, keyvRow(value));
}

async function writeSqlite(rows: Map<string, string>, file: string): Promise<void> {
  const sqlite = new BatchedSqlite({ uri: `sqlite://${file}` });
  try {
    await tuneSqlite(sqlite);
    await Promise.all([...rows].map(([key, value]) => sqlite.set(key, value)));
  } finally {
    await sqlite.disconnect();
  }
}

/** Checks that the team's boards, as the measured store has them, add up. */
async function checkBoards(standings: Standings, roadmap: Roadmap, team: Members, points: number[]): Promise<void> {
  const expected = points.reduce((sum, p) => sum + p, 0);
  for (const kind of periodKinds) {
    const totals = await standings.boards.totals(boardIdOf(roadmap, team.teamId, kind));
    if (totals.members !== team.size || totals.total !== expected) {
      throw new Error(
        `${team.teamId} ${kind} board holds ${totals.members} people and ${totals.total} points; expected ${team.size} and ${expected}`,
      );
    }
  }
}

/** Picks who reads and who marks. */
async function castOf(standings: Standings, roadmap: Roadmap, members: Members, points: number[]): Promise<Team> {
  const [first] = (await standings.boards.top(boardIdOf(roadmap, members.teamId, "week"), 1)).standings;
  const topIndex = Number(first?.userId.split("-U")[1]);
  // The member at the median of the points: ranked around the middle of the board.
  const byPoints = [...points.keys()].sort((a, b) => (points[b] as number) - (points[a] as number));
  const rankedIndex = byPoints[Math.floor(members.size / 2)] as number;
  const pool = Math.min(doerPool, members.size);
  const doers = Array.from({ length: pool }, (_, i) => members.who(Math.floor((i * members.size) / pool)));
  return { ...members, points, topReader: members.who(topIndex), rankedReader: members.who(rankedIndex), doers };
}

function expectOk(text: string, reply: Reply): Reply {
  if (reply.outcome !== "ok") throw new Error(`"${text}" answered ${reply.outcome}: ${renderText(reply)}`);
  return reply;
}

const firstText = (reply: Reply): string => {
  const first = reply.blocks[0];
  return first && "text" in first ? first.text : "";
};

const caseNames = ["leaderboard (top 10)", "leaderboard (own rank)", "done <topic>", "undo <topic>"] as const;
type CaseName = (typeof caseNames)[number];

/** The commands measured on one team, each checking its reply. */
function cases(core: Core, team: Team): Record<CaseName, () => Promise<void>> {
  const topic = core.defaultRoadmap.topics[0];
  if (!topic) throw new Error("the default roadmap has no topics");
  const run = async (text: string, who: Who): Promise<Reply> => expectOk(text, await core.handle({ text, who }));
  let doneCalls = 0;
  let undoCalls = 0;
  return {
    "leaderboard (top 10)": async () => {
      const reply = await run("leaderboard", team.topReader);
      if (!renderText(reply).includes("(you)")) throw new Error(`${team.teamId}: the top reader is not in the top 10`);
    },
    "leaderboard (own rank)": async () => {
      const reply = await run("leaderboard", team.rankedReader);
      if (!renderText(reply).includes("You: #")) throw new Error(`${team.teamId}: the ranked reader sees no rank`);
    },
    // Each `done` is by the next person of the pool, on the one topic nobody was given; the `undo`
    // after it takes it back, so every `done` really moves someone and the boards keep their size.
    "done <topic>": async () => {
      const who = team.doers[doneCalls++ % team.doers.length] as Who;
      const reply = await run(`done ${topic.id}`, who);
      if (!firstText(reply).startsWith("Marked ")) throw new Error(`done wrote nothing: ${firstText(reply)}`);
    },
    "undo <topic>": async () => {
      const who = team.doers[undoCalls++ % team.doers.length] as Who;
      const reply = await run(`undo ${topic.id}`, who);
      if (!firstText(reply).startsWith("Undone: ")) throw new Error(`undo changed nothing: ${firstText(reply)}`);
    },
  };
}

interface Figures {
  median: number;
  p95: number;
}

function figures(latencies: readonly number[]): Figures {
  const sorted = [...latencies].sort((a, b) => a - b);
  const at = (p: number) => sorted[Math.max(0, Math.ceil(sorted.length * p) - 1)] ?? Number.NaN;
  return { median: at(0.5), p95: at(0.95) };
}

const seconds = (since: number): string => `${((performance.now() - since) / 1000).toFixed(1)} s`;
const ms = (value: number): string => `${value.toFixed(3)} ms`;

async function bench(dir: string | undefined): Promise<void> {
  const started = performance.now();
  const content = await loadContentDir(path.resolve(import.meta.dirname, "../content"));
  if (!content.ok) throw new Error(`content/ is invalid: ${content.problems.length} problem(s)`);
  const roadmap = content.roadmaps.find((r) => r.id === defaultRoadmapId) ?? (content.roadmaps[0] as Roadmap);
  console.log(
    `leaderboard bench: ${small} vs ${large} members, ${values.store} store, ${rounds} rounds after ${warmupRounds} warm-up`,
  );

  const objects = new ObjectStore();
  const rows = new Map<string, string>();
  const memberships = [membersOf(small), membersOf(large)] as const;
  const points: number[][] = [];
  for (const [i, members] of memberships.entries()) {
    const t0 = performance.now();
    points.push(await populate(objects, rows, roadmap, members, 1000 + i));
    console.log(`built ${String(members.size).padStart(7)} members' boards in ${seconds(t0)}`);
  }
  const t0 = performance.now();
  addBoardRows(objects, rows);
  objects.values.clear();
  let store: TracingStore;
  if (dir) {
    const file = path.join(dir, "leaderboard.sqlite");
    await writeSqlite(rows, file);
    rows.clear();
    store = new TracingStore(await openStore(`sqlite://${file}`, silentLogger));
  } else {
    // What openMemoryStore makes (keyv over a Map), holding the rows just built.
    store = new TracingStore(new KeyvStore(new Keyv({ store: rows, namespace }), "memory", silentLogger));
  }
  console.log(`wrote ${values.store === "sqlite" ? "the SQLite file" : "the memory store"} in ${seconds(t0)}`);

  try {
    const wired = repositories(store, silentLogger, "UTC");
    const core = new Core({ roadmaps: content.roadmaps, ...wired, logger: silentLogger, clock: () => now });
    const { standings } = wired;
    for (const [i, members] of memberships.entries()) await checkBoards(standings, roadmap, members, points[i] ?? []);
    const teams = await Promise.all(memberships.map((m, i) => castOf(standings, roadmap, m, points[i] ?? [])));
    const runs = teams.map((team) => cases(core, team));
    const latencies = runs.map(() => new Map<CaseName, number[]>(caseNames.map((name) => [name, []])));

    // Rounds interleave the sizes, and alternate which goes first, so drift (GC, file growth,
    // CPU boost) falls on both alike.
    const measuring = performance.now();
    for (let round = 0; round < warmupRounds + rounds; round++) {
      for (const name of caseNames) {
        for (const side of round % 2 === 0 ? [0, 1] : [1, 0]) {
          const fn = runs[side]?.[name] as () => Promise<void>;
          const start = performance.now();
          await fn();
          const elapsed = performance.now() - start;
          if (round >= warmupRounds) latencies[side]?.get(name)?.push(elapsed);
        }
      }
    }
    const measured = seconds(measuring);

    // What each command touched, traced once per size after the timing (tracing costs a little).
    const traces: Map<CaseName, string>[] = [];
    for (const run of runs) {
      const traced = new Map<CaseName, string>();
      for (const name of caseNames) {
        const { reads, writes, writeCalls } = await store.trace(run[name]);
        const bytes = writes.reduce((sum, write) => sum + write.bytes, 0);
        traced.set(name, `${reads.length} reads, ${writes.length} writes in ${writeCalls} calls (${bytes} B)`);
      }
      traces.push(traced);
    }
    // Every done was undone: the boards must hold exactly what they held before.
    for (const [i, members] of memberships.entries()) await checkBoards(standings, roadmap, members, points[i] ?? []);

    console.log(
      `measured in ${measured}; total ${seconds(started)}; peak RSS ${(process.resourceUsage().maxRSS / 1024).toFixed(0)} MB`,
    );
    console.log();
    const sizes = teams.map((team) => team.size);
    const columns = sizes.flatMap((size) => [`${size} median`, `${size} p95`]);
    console.log(`${"command".padEnd(24)}${columns.map((c) => c.padStart(15)).join("")}${"ratio".padStart(8)}`);
    const ratios = new Map<CaseName, number>();
    for (const name of caseNames) {
      const [a, b] = latencies.map((byCase) => figures(byCase.get(name) ?? [])) as [Figures, Figures];
      ratios.set(name, b.median / a.median);
      const cells = [a.median, a.p95, b.median, b.p95].map((v) => ms(v).padStart(15)).join("");
      console.log(`${name.padEnd(24)}${cells}${(b.median / a.median).toFixed(2).padStart(8)}`);
    }
    console.log();
    for (const name of caseNames) {
      console.log(`${name.padEnd(24)}${sizes.map((size, i) => `${size}: ${traces[i]?.get(name)}`).join("   ")}`);
    }
    console.log();
    // Ratios of medians. A read takes either path; the slower one against itself at the small size is judged.
    const read = Math.max(ratios.get("leaderboard (top 10)") ?? 0, ratios.get("leaderboard (own rank)") ?? 0);
    console.log(ratioLine(`read (${large}/${small})`, read, target, "at most"));
    console.log(ratioLine(`done (${large}/${small})`, ratios.get("done <topic>") ?? Number.NaN, target, "at most"));
  } finally {
    await store.close();
  }
}

const dir = values.store === "sqlite" ? await mkdtemp(path.join(tmpdir(), "roadmap-bot-leaderboard-")) : undefined;
try {
  await bench(dir);
} catch (error) {
  console.error(`bench failed: ${error instanceof Error ? error.message : String(error)}`);
  process.exitCode = 1;
} finally {
  if (dir) await rm(dir, { recursive: true, force: true });
}
