import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Roadmap } from "../src/content/schema.ts";
import type { Who } from "../src/core/command.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import type { TopicRecord, TopicStatus, UserProgress } from "../src/progress/model.ts";
import { periodKinds, periodOf } from "../src/progress/periods.ts";
import { pointsOf } from "../src/progress/points.ts";
import { streakOf } from "../src/progress/streak.ts";
import { repositories } from "../src/repositories.ts";
import { type BoardRef, boardId } from "../src/store/keys.ts";
import { openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { CoreProcess } from "./fixtures/core-process.ts";
import { shippedRoadmaps } from "./helpers.ts";
import { serviceAvailable } from "./services.ts";
import { deleteMentioning } from "./store-scan.ts";

/**
 * Many `done`s at once for the same person must leave their progress and every leaderboard exact:
 * keyv has no transactions, so this is where a lost update would show. The expected state comes
 * from a model of the commands, built so each topic gets one kind of command per wave: then the
 * outcome does not depend on the order the commands ran in, only on nothing being lost.
 */

/** db 12 is this file's and test/forget-me.test.ts's; every id carries the run's tag, so they never meet. */
const redisUrl = "redis://127.0.0.1:6379/12";
const _root = path.resolve(import.meta.dirname, "..");
const tag = `${process.pid.toString(36)}x${Date.now().toString(36)}`;

const roadmap = (await shippedRoadmaps()).find((one) => one.id === "release-engineer") as Roadmap;
const topicIds = roadmap.topics.map((topic) => topic.id);

type Verb = "done" | "start" | "skip" | "undo";
const statusOf: Record<Verb, TopicStatus | null> = { done: "done", start: "learning", skip: "skipped", undo: null };

/** [verb, first topic index, last index (exclusive), times each]: one kind of command per topic per wave. */
type Op = readonly [Verb, number, number, number];
interface Wave {
  at: string;
  ops: readonly Op[];
}

/**
 * Four days across a week end (Sun 1 Mar → Mon 2 Mar) and a month end (28 Feb → 1 Mar), with
 * repeats, undos of topics done in an earlier week and month, re-dones and status changes. 100
 * commands a wave.
 */
const waves: readonly Wave[] = [
  {
    at: "2026-02-27T10:00:00.000Z",
    ops: [
      ["done", 0, 30, 2],
      ["start", 30, 40, 1],
      ["skip", 40, 45, 1],
      ["done", 0, 25, 1],
    ],
  },
  {
    at: "2026-02-28T21:30:00.000Z",
    ops: [
      ["done", 45, 70, 2],
      ["done", 0, 30, 1],
      ["start", 70, 80, 2],
    ],
  },
  {
    at: "2026-03-01T08:15:00.000Z",
    ops: [
      ["done", 80, 100, 2],
      ["undo", 0, 10, 2],
      ["undo", 40, 45, 1],
      ["done", 30, 35, 1],
      ["skip", 70, 75, 1],
      ["done", 100, 112, 1],
      ["done", 80, 93, 1],
    ],
  },
  {
    at: "2026-03-02T10:00:00.000Z",
    ops: [
      ["undo", 80, 90, 2],
      ["done", 0, 5, 3],
      ["done", 45, 50, 1],
      ["start", 10, 20, 1],
      ["skip", 35, 40, 1],
      ["done", 75, 80, 2],
      ["undo", 90, 91, 5],
      ["done", 20, 30, 1],
      ["done", 50, 70, 1],
    ],
  },
];

/** A small seeded generator: the same interleaving on every run. */
function shuffled<T>(items: readonly T[], seed: number): T[] {
  const out = [...items];
  let state = seed >>> 0;
  const random = () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
  for (let i = out.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    [out[i], out[j]] = [out[j] as T, out[i] as T];
  }
  return out;
}

/** A person's wave as command texts; `shift` rotates the topics so people differ. */
function commandsOf(wave: Wave, shift = 0): string[] {
  const texts: string[] = [];
  for (const [verb, from, to, times] of wave.ops) {
    for (let index = from; index < to; index++) {
      for (let n = 0; n < times; n++) texts.push(`${verb} ${topicIds[(index + shift) % topicIds.length]}`);
    }
  }
  return texts;
}

/** What the person's progress must be after the wave: per topic, the one command's effect. */
function applyWave(model: Map<string, TopicRecord>, wave: Wave, shift = 0): void {
  for (const [verb, from, to] of wave.ops) {
    for (let index = from; index < to; index++) {
      const id = topicIds[(index + shift) % topicIds.length] as string;
      const status = statusOf[verb];
      if ((model.get(id)?.status ?? null) === status) continue;
      if (status === null) model.delete(id);
      else model.set(id, { status, since: wave.at });
    }
  }
}

interface Member {
  who: Who;
  shift: number;
  model: Map<string, TopicRecord>;
}

/** Person n, in channel `channel` of team `team` (each test a team of its own, as boards are per team). */
function member(n: number, team: string, channel: string): Member {
  return {
    who: {
      platform: "test",
      userId: `U-${tag}-${n}`,
      displayName: `Racer ${n}`,
      teamId: `T-${tag}-${team}`,
      channelId: `C-${tag}-${team}-${channel}`,
    },
    shift: n * 7,
    model: new Map(),
  };
}

const progressOf = (model: Map<string, TopicRecord>): UserProgress => ({ topics: model });

/** Every board the members can be on after the waves so far: team and channels, every period of every wave. */
function boardsOf(members: readonly Member[], instants: readonly string[]): Map<string, BoardRef> {
  const boards = new Map<string, BoardRef>();
  for (const { who } of members) {
    for (const channelId of [undefined, who.channelId]) {
      for (const at of instants) {
        for (const kind of periodKinds) {
          const ref: BoardRef = {
            roadmapId: roadmap.id,
            platform: who.platform,
            teamId: who.teamId as string,
            ...(channelId ? { channelId } : {}),
            period: periodOf(kind, Date.parse(at), "UTC"),
          };
          boards.set(boardId(ref), ref);
        }
      }
    }
  }
  return boards;
}

/** A member's points on a board, from the model alone. */
function expectedPoints(m: Member, ref: BoardRef): number {
  if (ref.channelId !== undefined && ref.channelId !== m.who.channelId) return 0;
  const counts =
    ref.period === "all"
      ? undefined
      : (at: number) => periodOf(ref.period.startsWith("week-") ? "week" : "month", at, "UTC") === ref.period;
  return pointsOf(progressOf(m.model), roadmap, counts);
}

/** Progress, streak, every board's members, points, total and count, and every profile place: all exact. */
async function verify(store: Store, members: readonly Member[], instants: readonly string[], now: Date) {
  const { progress, standings } = repositories(store, silentLogger, "UTC");
  for (const m of members) {
    const stored = await progress.load(roadmap, m.who);
    expect(Object.fromEntries(stored.topics), `progress of ${m.who.userId}`).toEqual(Object.fromEntries(m.model));
    const streak = await standings.streak(m.who, [roadmap], now);
    expect(streak).toMatchObject(streakOf(progressOf(m.model), "UTC", now));
  }
  const boards = boardsOf(members, instants);
  expect(boards.size).toBeGreaterThan(0);
  for (const [id, ref] of boards) {
    const { standings: top, total, members: count } = await standings.boards.top(id, 1_000);
    const onBoard = new Map(top.map((line) => [line.userId, line.points]));
    expect(onBoard.size, `${id}: one line per person`).toBe(top.length);
    const wanted = new Map(
      members.map((m) => [m.who.userId, expectedPoints(m, ref)] as const).filter(([, points]) => points > 0),
    );
    expect(Object.fromEntries(onBoard), `points on ${id}`).toEqual(Object.fromEntries(wanted));
    expect(total, `total of ${id}`).toBe([...wanted.values()].reduce((sum, points) => sum + points, 0));
    expect(count, `members of ${id}`).toBe(wanted.size);
    expect(await standings.boards.totals(id)).toEqual({ total, members: count });
    for (const m of members) {
      const profile = await standings.people.get(m.who);
      const points = wanted.get(m.who.userId);
      expect(profile?.places[id]?.points, `${m.who.userId}'s place on ${id}`).toBe(points);
      if (points !== undefined && profile?.places[id]) {
        expect(await standings.boards.rank(id, m.who.userId, profile.places[id])).toBeGreaterThan(0);
      }
    }
  }
}

/** The core over a store, with a clock the test moves. */
async function coreOn(store: Store) {
  let now = new Date(0);
  const core = new Core({
    roadmaps: await shippedRoadmaps(),
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => now,
  });
  return {
    core,
    at: (instant: string) => {
      now = new Date(instant);
    },
  };
}

/** Runs every wave; all commands of a wave at once. Verifies after each wave. */
async function runWaves(open: () => Promise<Store>, members: Member[], reopen: boolean) {
  let store = await open();
  try {
    const { core, at } = await coreOn(store);
    const instants: string[] = [];
    for (const [index, wave] of waves.entries()) {
      at(wave.at);
      instants.push(wave.at);
      const requests = shuffled(
        members.flatMap((m) => commandsOf(wave, m.shift).map((text) => ({ text, who: m.who }))),
        index + 1,
      );
      expect(requests.length).toBe(100 * members.length);
      const outcomes = await Promise.all(requests.map((request) => core.handle(request)));
      expect(outcomes.filter((reply) => reply.outcome !== "ok")).toEqual([]);
      for (const m of members) applyWave(m.model, wave, m.shift);
      await verify(store, members, instants, new Date(wave.at));
    }
    if (reopen) {
      // What was acknowledged is what a fresh process reads: no write is lost behind a cache.
      await store.close();
      store = await open();
      await verify(store, members, instants, new Date(waves.at(-1)?.at as string));
    }
  } finally {
    await store.close();
  }
}

const sqliteDir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-standings-"));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));

describe("standings under concurrent commands: SQLite", () => {
  it("GIVEN 100 concurrent done/start/skip/undo from one person per wave THEN progress, streak and every board are exact", async () => {
    const file = path.join(sqliteDir, "one.sqlite");
    const alone = [member(0, "one", "a")];
    await runWaves(() => openStore(`sqlite://${file}`, silentLogger), alone, true);
    expect(alone[0]?.model.size).toBeGreaterThan(50);
  });

  it("GIVEN six people each sending 100 commands a wave at once THEN every board holds each at their points and the total is their sum", async () => {
    const file = path.join(sqliteDir, "many.sqlite");
    const crowd = [0, 1, 2, 3, 4, 5].map((n) => member(n, "many", n % 2 === 0 ? "a" : "b"));
    await runWaves(() => openStore(`sqlite://${file}`, silentLogger), crowd, true);
  });
});

describe("standings under concurrent commands: Redis", async () => {
  const available = await serviceAvailable("Redis", 6379);
  const openRedis = () => openStore(redisUrl, silentLogger);

  afterAll(async () => {
    if (!available) return;
    const store = await openRedis();
    try {
      await deleteMentioning(store, tag);
    } finally {
      await store.close();
    }
  });

  it.skipIf(!available)(
    "GIVEN 100 concurrent commands from one person, then four people at once THEN progress, streak and every board are exact",
    { timeout: 120_000 },
    async () => {
      const alone = [member(10, "redis-one", "a")];
      await runWaves(openRedis, alone, false);
      const crowd = [11, 12, 13, 14].map((n) => member(n, "redis-many", n % 2 === 0 ? "a" : "b"));
      await runWaves(openRedis, crowd, false);
    },
  );

  it.skipIf(!available)(
    "GIVEN two processes marking topics for the same two people at once THEN progress, streak, every board and its total are exact",
    { timeout: 180_000 },
    async () => {
      const people = [member(20, "two-processes", "a"), member(21, "two-processes", "b")];
      const processes = [new CoreProcess(redisUrl), new CoreProcess(redisUrl)];
      try {
        await Promise.all(processes.map((child) => child.ready));
        const instants: string[] = [];
        for (const [index, wave] of waves.entries()) {
          instants.push(wave.at);
          const requests = shuffled(
            people.flatMap((m) => commandsOf(wave, m.shift).map((text) => ({ text, who: m.who }))),
            100 + index,
          );
          // Every other command to each process: both work on both people at the same moment.
          const halves = processes.map((_, half) => requests.filter((_, n) => n % processes.length === half));
          const outcomes = await Promise.all(processes.map((child, half) => child.run(wave.at, halves[half] ?? [])));
          expect(outcomes.flat().filter((outcome) => outcome !== "ok")).toEqual([]);
          for (const m of people) applyWave(m.model, wave, m.shift);
          const store = await openRedis();
          try {
            await verify(store, people, instants, new Date(wave.at));
          } finally {
            await store.close();
          }
        }
      } finally {
        await Promise.all(processes.map((child) => child.stop()));
      }
    },
  );
});
