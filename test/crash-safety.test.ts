import { spawn } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@keyv/redis";
// @ts-expect-error -- pg ships no type declarations and @types/pg is not a dependency; cast below.
import pg from "pg";
import { afterAll, describe, expect, it } from "vitest";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { storedProgressSchema, type TopicRecord } from "../src/progress/model.ts";
import { profileSchema } from "../src/progress/people.ts";
import { kindOfPeriod, periodKinds, periodOf } from "../src/progress/periods.ts";
import { pointsOf } from "../src/progress/points.ts";
import { storedDeckSchema } from "../src/review/deck.ts";
import { type BoardRef, boardId, keys } from "../src/store/keys.ts";
import { namespace } from "../src/store/namespace.ts";
import { openStore } from "../src/store/open-store.ts";
import { ask, contentDir, makeCore, shippedRoadmaps } from "./helpers.ts";
import { serviceAvailable } from "./services.ts";
import { scanStore } from "./store-scan.ts";

/**
 * Issue 13 part 4: a `done`, `undo` or `skip` killed (SIGKILL) after any one of its writes must
 * leave progress, every board and every person's place exact. For N = 1, 2, 3, ... a fresh bot
 * process (test/fixtures/crash-instance.ts) runs done, undo and skip for a person on team and
 * channel boards shared with others, and kills itself right after its Nth write step (a write
 * statement answered by the database, or a Store write resolved); a second fresh process then
 * runs one more command; then the test reads the backend's raw rows and checks every board
 * against what the progress documents of all people say. It stops at the first N the commands
 * outlive.
 */

const root = path.resolve(import.meta.dirname, "..");
const roadmap = (await shippedRoadmaps()).find((one) => one.id === "release-engineer") as Roadmap;
const ofLevel = (level: string) => roadmap.topics.filter((topic) => topic.level === level).map((topic) => topic.id);
const [r0, r1, r2, r3, r4, r5, r6] = ofLevel("required") as [string, string, string, string, string, string, string];
const [rec0] = ofLevel("recommended") as [string];
const [opt0] = ofLevel("optional") as [string];

const person = (name: string, channelId: string): Who => ({
  platform: "test",
  userId: `U-${name.toLowerCase()}`,
  displayName: name,
  teamId: "T1",
  channelId,
});
const victim = person("Victim", "C1");
/** Victim's neighbours on the team's and channel C1's boards; Carol is on the team's and C2's. */
const people = [victim, person("Alice", "C1"), person("Bob", "C1"), person("Carol", "C2")];
const [, alice, bob, carol] = people as [Who, Who, Who, Who];

interface Command {
  at: string;
  text: string;
  who: Who;
}
/** February (ISO week 8), then March (week 10): the undo below reaches back to February's boards. */
const february = "2026-02-18T10:00:00.000Z";
const march = "2026-03-04T10:00:00.000Z";
const seed: Command[] = [
  ...[`done ${r0}`, `done ${r1}`].map((text) => ({ at: february, text, who: victim })),
  { at: february, text: `done ${r0}`, who: alice },
  { at: february, text: `done ${rec0}`, who: bob },
  { at: february, text: `done ${r2}`, who: carol },
  { at: march, text: `done ${r2}`, who: victim },
  ...[`done ${r3}`, `done ${r4}`].map((text) => ({ at: march, text, who: alice })),
  { at: march, text: `done ${r5}`, who: bob },
  { at: march, text: `done ${opt0}`, who: carol },
];
/** What the killed process runs: Victim joins Alice's points, takes back a February done, skips a March one. */
const crashed: Command[] = [
  { at: "2026-03-04T12:00:00.000Z", text: `done ${r3}`, who: victim },
  { at: "2026-03-04T12:01:00.000Z", text: `undo ${r0}`, who: victim },
  { at: "2026-03-04T12:02:00.000Z", text: `skip ${r2}`, who: victim },
];
const oneMore: Command = { at: "2026-03-04T13:00:00.000Z", text: `done ${r6}`, who: victim };

const statusOf: Record<string, TopicRecord["status"] | null> = { done: "done", skip: "skipped", undo: null };

/** Everyone's progress after the commands, from the commands alone: what the bot must have stored. */
function model(commands: readonly Command[]): Map<string, Record<string, TopicRecord>> {
  const progress = new Map(people.map((who) => [who.userId, {} as Record<string, TopicRecord>]));
  for (const { at, text, who } of commands) {
    const [verb = "", topic = ""] = text.split(" ");
    const topics = progress.get(who.userId) as Record<string, TopicRecord>;
    const status = statusOf[verb];
    if ((topics[topic]?.status ?? null) === status) continue;
    if (status) topics[topic] = { status, since: at };
    else delete topics[topic];
  }
  return progress;
}

/** Progress as text that does not depend on the order topics were written in. */
const canonical = (topics: Record<string, TopicRecord> | undefined): string =>
  JSON.stringify(Object.entries(topics ?? {}).sort(([a], [b]) => a.localeCompare(b)));

/** Every board the people can be on: the team's and each channel's, for every period of every instant used. */
function allBoards(): Map<string, BoardRef> {
  const boards = new Map<string, BoardRef>();
  for (const channelId of [undefined, "C1", "C2"]) {
    for (const at of [february, march]) {
      for (const kind of periodKinds) {
        const ref: BoardRef = {
          roadmapId: roadmap.id,
          platform: "test",
          teamId: "T1",
          ...(channelId ? { channelId } : {}),
          period: periodOf(kind, Date.parse(at), "UTC"),
        };
        boards.set(boardId(ref), ref);
      }
    }
  }
  return boards;
}

/** A person's points on a board, from their progress document alone. */
function expectedPoints(who: Who, topics: Record<string, TopicRecord>, board: BoardRef): number {
  if (board.channelId !== undefined && board.channelId !== who.channelId) return 0;
  const kind = kindOfPeriod(board.period);
  return pointsOf({ topics: new Map(Object.entries(topics)) }, roadmap, (at) =>
    kind === "all" ? true : periodOf(kind, at, "UTC") === board.period,
  );
}

/** The backend's rows as keyv stored them: key without the namespace, value decoded. */
type Rows = Map<string, unknown>;

/**
 * Everything wrong with the stored state, as sentences (none when it is exact): each person's
 * progress, and on every board the documents themselves (board, buckets, pages, no orphans, no
 * one twice), its total and member count, and each person's place in their profile, all against
 * the points their progress gives them.
 */
function problemsIn(rows: Rows, crashedLanded: readonly number[]): string[] {
  const problems: string[] = [];
  const progress = new Map<string, Record<string, TopicRecord>>();
  for (const who of people) {
    const parsed = storedProgressSchema.safeParse(rows.get(keys.progress(roadmap.id, who)) ?? { topics: {} });
    progress.set(who.userId, parsed.success ? (parsed.data.topics as Record<string, TopicRecord>) : {});
  }
  // The killed command landed whole or not at all: the stored progress is one of the states the commands allow.
  const allowed = crashedLanded.map((count) => model([...seed, ...crashed.slice(0, count), oneMore]));
  const stored = people.map((who) => canonical(progress.get(who.userId))).join("\n");
  if (!allowed.some((one) => people.map((who) => canonical(one.get(who.userId))).join("\n") === stored)) {
    problems.push(`progress is none of the states the commands allow: ${stored}`);
  }
  // A topic is in review exactly while it is done: its card was written with its progress.
  for (const who of people) {
    const deck = storedDeckSchema.safeParse(rows.get(keys.review(roadmap.id, who)) ?? { cards: {} });
    const carded = Object.keys(deck.success ? deck.data.cards : {}).sort();
    const done = Object.entries(progress.get(who.userId) ?? {})
      .filter(([, record]) => record.status === "done")
      .map(([topicId]) => topicId)
      .sort();
    if (carded.join() !== done.join()) {
      problems.push(`${who.userId}: review cards for [${carded.join()}] but done [${done.join()}]`);
    }
  }
  const profiles = new Map(
    people.map((who) => [who.userId, profileSchema.safeParse(rows.get(keys.person(who))).data] as const),
  );
  const boards = allBoards();
  for (const key of rows.keys()) {
    const id = key.split(":").slice(1, 6).join(":");
    if (key.startsWith("board") && !boards.has(id)) problems.push(`${key}: a board nobody should be on`);
  }
  for (const [id, ref] of boards) {
    const wanted = new Map<string, number>();
    for (const who of people) {
      const points = expectedPoints(who, progress.get(who.userId) ?? {}, ref);
      if (points > 0) wanted.set(who.userId, points);
    }
    const sortedSets = rows.has(keys.boardRanking(id)) || rows.has(keys.boardSummary(id));
    problems.push(...(sortedSets ? sortedSetProblems : boardProblems)(rows, id, wanted, profiles));
  }
  return problems;
}

/** Redis keeps each board as a sorted set (points * 2^32 + arrival order) and a summary hash (RedisBoards). */
function sortedSetProblems(
  rows: Rows,
  id: string,
  wanted: ReadonlyMap<string, number>,
  profiles: ReadonlyMap<string, { places: Record<string, { points: number; page: number }> } | undefined>,
): string[] {
  const problems: string[] = [];
  const ranking = (rows.get(keys.boardRanking(id)) ?? new Map()) as Map<string, number>;
  const summary = (rows.get(keys.boardSummary(id)) ?? {}) as Record<string, string>;
  const held = [...ranking.values()];
  const [total, members] = [Number(summary.total ?? 0), Number(summary.members ?? 0)];
  if (total !== held.reduce((sum, points) => sum + points, 0) || members !== held.length) {
    problems.push(`${id}: summary says ${members} people, ${total} pts; the ranking holds ${held.length}`);
  }
  const expectedTotal = [...wanted.values()].reduce((sum, points) => sum + points, 0);
  if (total !== expectedTotal || members !== wanted.size) {
    problems.push(`${id}: ${members} people, ${total} pts; progress says ${wanted.size}, ${expectedTotal}`);
  }
  for (const who of people) {
    const points = ranking.get(who.userId);
    if (points !== wanted.get(who.userId)) {
      problems.push(
        `${id}: ${who.userId} has ${points ?? "no"} pts; progress says ${wanted.get(who.userId) ?? "none"}`,
      );
    }
    const place = profiles.get(who.userId)?.places[id];
    if (place?.points !== points) {
      problems.push(`${id}: ${who.userId}'s profile says ${JSON.stringify(place)}, the board ${points ?? "nothing"}`);
    }
  }
  return problems;
}

function boardProblems(
  rows: Rows,
  id: string,
  wanted: ReadonlyMap<string, number>,
  profiles: ReadonlyMap<string, { places: Record<string, { points: number; page: number }> } | undefined>,
): string[] {
  const problems: string[] = [];
  const board = (rows.get(keys.board(id)) ?? { total: 0, members: 0, counts: {} }) as {
    total: number;
    members: number;
    counts: Record<string, number>;
  };
  const seen = new Map<string, { points: number; page: number }[]>();
  const bucketPrefix = `board-bucket:${id}:`;
  const pagePrefix = `board-page:${id}:`;
  const pagesReached = new Set<string>();
  let total = 0;
  let members = 0;
  for (const [key, value] of rows) {
    if (!key.startsWith(bucketPrefix)) continue;
    const points = Number(key.slice(bucketPrefix.length));
    const bucket = value as { first: number; counts: number[] };
    let held = 0;
    bucket.counts.forEach((count, index) => {
      const page = bucket.first + index;
      const pageKey = keys.boardPage(id, points, page);
      pagesReached.add(pageKey);
      const onPage = (rows.get(pageKey) as { members: string[] } | undefined)?.members ?? [];
      if (onPage.length !== count)
        problems.push(`${pageKey}: bucket says ${count} people, page holds ${onPage.length}`);
      for (const userId of onPage) seen.set(userId, [...(seen.get(userId) ?? []), { points, page }]);
      held += onPage.length;
    });
    if ((board.counts[String(points)] ?? 0) !== held) {
      problems.push(
        `${id}: board counts ${board.counts[String(points)] ?? 0} at ${points} pts, its bucket holds ${held}`,
      );
    }
    total += points * held;
    members += held;
  }
  for (const points of Object.keys(board.counts)) {
    if (!rows.has(`${bucketPrefix}${points}`)) problems.push(`${id}: board counts people at ${points} pts, no bucket`);
  }
  for (const key of rows.keys()) {
    if (key.startsWith(pagePrefix) && !pagesReached.has(key)) problems.push(`${key}: a page no bucket lists`);
  }
  if (board.total !== total || board.members !== members) {
    problems.push(`${id}: board says ${board.members} people, ${board.total} pts; its pages hold ${members}, ${total}`);
  }
  const expectedTotal = [...wanted.values()].reduce((sum, points) => sum + points, 0);
  if (board.total !== expectedTotal || board.members !== wanted.size) {
    problems.push(`${id}: ${board.members} people, ${board.total} pts; progress says ${wanted.size}, ${expectedTotal}`);
  }
  for (const [userId, places] of seen) {
    if (places.length > 1) problems.push(`${id}: ${userId} is on it ${places.length} times`);
    if (!wanted.has(userId)) problems.push(`${id}: ${userId} is on it with no points`);
  }
  for (const who of people) {
    const points = wanted.get(who.userId);
    const on = seen.get(who.userId)?.[0];
    const place = profiles.get(who.userId)?.places[id];
    if (points !== undefined && on?.points !== points) {
      problems.push(`${id}: ${who.userId} has ${on?.points ?? "no"} pts; progress says ${points}`);
    }
    if (JSON.stringify(place) !== JSON.stringify(on)) {
      problems.push(`${id}: ${who.userId}'s profile says ${JSON.stringify(place)}, the board ${JSON.stringify(on)}`);
    }
  }
  return problems;
}

/** Decodes raw keyv rows (namespace prefix, `{"value": ...}`) into our keys and values. */
const decoded = (raw: readonly { key: string; value: string }[]): Rows =>
  new Map(
    raw
      .filter(({ key }) => key.startsWith(`${namespace}:`))
      .map(({ key, value }) => [key.slice(namespace.length + 1), (JSON.parse(value) as { value: unknown }).value]),
  );

/** Redis's keys as test/store-scan.ts shows them: keyv's documents, and the boards' sorted sets and hashes. */
function decodedRedis(raw: readonly { key: string; value: string }[]): Rows {
  const rows: Rows = new Map();
  for (const { key, value } of raw) {
    if (!key.startsWith(`${namespace}::`)) continue; // lock keys
    const ours = key.slice(namespace.length + 2);
    if (value.startsWith("<zset> ")) {
      const flat = JSON.parse(value.slice("<zset> ".length)) as string[];
      const ranking = new Map<string, number>();
      for (let i = 0; i + 1 < flat.length; i += 2) {
        ranking.set(flat[i] as string, Math.floor(Number(flat[i + 1]) / 2 ** 32));
      }
      rows.set(ours, ranking);
    } else if (value.startsWith("<hash> ")) {
      const flat = JSON.parse(value.slice("<hash> ".length)) as string[];
      rows.set(ours, Object.fromEntries(flat.flatMap((_, i) => (i % 2 === 0 ? [[flat[i], flat[i + 1]]] : []))));
    } else {
      rows.set(ours, (JSON.parse(value) as { value: unknown }).value);
    }
  }
  return rows;
}

interface Run {
  killed: string | undefined;
  /** Commands that answered before the kill. */
  answered: number;
  steps: number;
}

/** Runs commands in a fresh bot process that kills itself after its Nth write step (0: never). */
function runBot(storeUrl: string, killAfter: number, commands: readonly Command[]): Promise<Run> {
  return new Promise((resolve, reject) => {
    const child = spawn(
      process.execPath,
      [
        "--import",
        "tsx",
        path.join(root, "test/fixtures/crash-instance.ts"),
        storeUrl,
        contentDir,
        String(killAfter),
        JSON.stringify(commands),
      ],
      { cwd: root },
    );
    let stdout = "";
    let stderr = "";
    child.stdout.on("data", (data) => {
      stdout += data;
    });
    child.stderr.on("data", (data) => {
      stderr += data;
    });
    child.on("error", reject);
    child.on("exit", (code, signal) => {
      const lines = stdout.trim().split("\n");
      const answers = lines.filter((line) => line.startsWith("ok "));
      if (answers.some((line) => line !== "ok ok") || stderr.includes("crash-instance:")) {
        reject(new Error(`a command failed (kill after ${killAfter}): ${stdout}\n${stderr}`));
        return;
      }
      const killed = lines.find((line) => line.startsWith("killed "));
      const finished = lines.find((line) => line.startsWith("finished "));
      if (signal === "SIGKILL" && killed) {
        resolve({ killed: killed.split(" ").slice(2).join(" "), answered: answers.length, steps: killAfter });
      } else if (code === 0 && finished) {
        resolve({ killed: undefined, answered: answers.length, steps: Number(finished.split(" ")[1]) });
      } else {
        reject(new Error(`crash-instance exited with ${code ?? signal}: ${stdout}\n${stderr}`));
      }
    });
  });
}

interface Backend {
  url: string;
  /** Puts the seeded state back, as it was before any kill. */
  reset(): Promise<void>;
  rows(): Promise<Rows>;
}

/**
 * Kills the commands after write step 1, 2, 3, ... until they outlive N; after each, one more
 * command in a fresh process, then the exact check. Returns what every N found.
 */
async function crashEveryStep(backend: Backend) {
  const found: { n: number; killed: string; problems: string[] }[] = [];
  for (let n = 1; ; n++) {
    await backend.reset();
    const run = await runBot(backend.url, n, crashed);
    const after = await runBot(backend.url, 0, [oneMore]);
    expect(after.killed).toBeUndefined();
    const allowed = run.killed ? [run.answered, run.answered + 1] : [crashed.length];
    const rows = await backend.rows();
    const problems = problemsIn(rows, allowed);
    if (!run.killed) {
      expect(problems, "the run nothing killed").toEqual([]);
      checkTheCheck(rows, allowed);
      return { found, steps: run.steps };
    }
    found.push({ n, killed: run.killed, problems });
    if (n > 500) throw new Error("the commands never finished");
  }
}

/** The check itself must see the damage a lost write does: a total off by one topic, a place missing from a profile. */
function checkTheCheck(rows: Rows, allowed: readonly number[]): void {
  const teamAllTime = boardId({ roadmapId: roadmap.id, platform: "test", teamId: "T1", period: "all" });
  const totalKey = rows.has(keys.board(teamAllTime)) ? keys.board(teamAllTime) : keys.boardSummary(teamAllTime);
  const board = rows.get(totalKey) as { total: number | string };
  const offByOne = new Map(rows).set(totalKey, { ...board, total: Number(board.total) + 3 });
  const found = problemsIn(offByOne, allowed);
  expect(found.length).toBeGreaterThan(0);
  expect(found.every((problem) => problem.startsWith(`${teamAllTime}: `))).toBe(true);
  const profile = rows.get(keys.person(victim)) as { places: Record<string, unknown> };
  const { [teamAllTime]: _, ...otherPlaces } = profile.places;
  const placeLost = new Map(rows).set(keys.person(victim), { ...profile, places: otherPlaces });
  expect(problemsIn(placeLost, allowed)).toEqual([expect.stringContaining(`U-victim's profile says undefined`)]);
}

/** Seeds the people through the core, on a store opened in this process. */
async function seedOn(url: string): Promise<void> {
  const store = await openStore(url, silentLogger);
  try {
    let now = new Date(0);
    const { core } = await makeCore({ store, now: () => now });
    for (const { at, text, who } of seed) {
      now = new Date(at);
      expect((await ask(core, text, who)).outcome).toBe("ok");
    }
  } finally {
    await store.close();
  }
}

function report(name: string, result: Awaited<ReturnType<typeof crashEveryStep>>) {
  const broken = result.found.filter((one) => one.problems.length > 0);
  console.info(
    `crash test on ${name}: ${result.found.length} kill points (the commands take ${result.steps} write steps), ${broken.length} left a wrong state`,
  );
  console.info(`  kill points: ${result.found.map((one) => `${one.n} ${one.killed}`).join(" | ")}`);
  for (const one of broken) {
    const shown = one.problems.slice(0, 3).join("; ");
    console.info(`  killed after step ${one.n} (${one.killed}): ${one.problems.length} problems, e.g. ${shown}`);
  }
  return broken;
}

const dir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-crash-"));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

describe("a done, undo and skip killed after any write", () => {
  it("GIVEN SQLite THEN after every kill point, a restart and one more command, progress and every board are exact", {
    timeout: 600_000,
  }, async () => {
    const seeded = path.join(dir, "seeded.sqlite");
    const file = path.join(dir, "crash.sqlite");
    await seedOn(`sqlite://${seeded}`);
    // Closing checkpointed the write-ahead log into the file, so the file alone is the seeded state.
    expect(existsSync(`${seeded}-wal`)).toBe(false);
    const backend: Backend = {
      url: `sqlite://${file}`,
      async reset() {
        for (const suffix of ["", "-wal", "-shm"]) rmSync(`${file}${suffix}`, { force: true });
        copyFileSync(seeded, file);
      },
      async rows() {
        const store = await openStore(`sqlite://${file}`, silentLogger);
        try {
          return decoded(await scanStore(store));
        } finally {
          await store.close();
        }
      },
    };
    const result = await crashEveryStep(backend);
    expect(result.found.length).toBeGreaterThanOrEqual(crashed.length);
    expect(report("SQLite", result)).toEqual([]);
  });

  it("GIVEN PostgreSQL THEN after every kill point, a restart and one more command, progress and every board are exact", {
    timeout: 600_000,
  }, async (context) => {
    if (!(await serviceAvailable("PostgreSQL", 5432))) return context.skip();
    // A schema of this test's own: it is emptied and refilled for every kill point.
    const schema = "roadmap_bot_crash";
    const database = "postgres://postgres@127.0.0.1:5432/test";
    const admin = new (pg as { Client: new (config: object) => PgClient }).Client({ connectionString: database });
    await admin.connect();
    try {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`);
      const url = `${database}?schema=${schema}`;
      await seedOn(url);
      await admin.query(`CREATE TABLE ${schema}.seeded AS SELECT * FROM ${schema}.keyv`);
      const backend: Backend = {
        url,
        async reset() {
          await admin.query(`DELETE FROM ${schema}.keyv`);
          await admin.query(`INSERT INTO ${schema}.keyv SELECT * FROM ${schema}.seeded`);
        },
        async rows() {
          return decoded((await admin.query(`SELECT key, value FROM ${schema}.keyv`)).rows);
        },
      };
      const result = await crashEveryStep(backend);
      expect(result.found.length).toBeGreaterThanOrEqual(crashed.length);
      expect(report("PostgreSQL", result)).toEqual([]);
    } finally {
      await admin.query(`DROP SCHEMA IF EXISTS ${schema} CASCADE`).catch(() => undefined);
      await admin.end();
    }
  });
});

describe("a done, undo and skip killed after any write: Redis", async () => {
  /** Database 11 is this test's alone: flushed for every kill point. */
  const url = "redis://127.0.0.1:6379/11";
  const available = await serviceAvailable("Redis", 6379);

  it.skipIf(!available)(
    "GIVEN Redis THEN after every kill point, a restart and one more command, progress and every board are exact",
    { timeout: 600_000 },
    async () => {
      const flush = async () => {
        const client = createClient({ url });
        await client.connect();
        try {
          await client.flushDb();
        } finally {
          client.destroy();
        }
      };
      const backend: Backend = {
        url,
        async reset() {
          await flush();
          await seedOn(url);
        },
        async rows() {
          const store = await openStore(url, silentLogger);
          try {
            return decodedRedis(await scanStore(store));
          } finally {
            await store.close();
          }
        },
      };
      try {
        const result = await crashEveryStep(backend);
        expect(result.found.length).toBeGreaterThanOrEqual(crashed.length);
        expect(report("Redis", result)).toEqual([]);
      } finally {
        await flush();
      }
    },
  );
});

interface PgClient {
  connect(): Promise<unknown>;
  query(text: string): Promise<{ rows: { key: string; value: string }[] }>;
  end(): Promise<void>;
}
