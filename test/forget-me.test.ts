import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import type { Roadmap } from "../src/content/schema.ts";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { channelSubscriptionId, reminderId } from "../src/schedule/subscription.ts";
import { type BoardRef, boardId } from "../src/store/keys.ts";
import { openMemoryStore, openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { shippedRoadmaps, textOf } from "./helpers.ts";
import { RecordingDelivery, schedulerFor, ticks } from "./schedule-sim.ts";
import { serviceAvailable } from "./services.ts";
import { deleteMentioning, entriesMentioning, type RawEntry, scanStore } from "./store-scan.ts";

/**
 * forget-me and export, checked against the store itself: after a full history (progress across
 * weeks and months, a reminder that ran, a channel's daily topic with its weekly recap, privacy
 * toggles, team and channel leaderboards), a scan of every key and raw value must find nothing of
 * the forgotten person, and everything the scan finds about a person must be in their export.
 */

/** db 12 is this file's and test/standings-concurrency.test.ts's; every id carries the run's tag, so they never meet. */
const redisUrl = "redis://127.0.0.1:6379/12";
const roadmap = (await shippedRoadmaps()).find((one) => one.id === "release-engineer") as Roadmap;
const t = roadmap.topics.map((topic) => topic.id);

const allowed: ChannelManagers = { description: "members with Manage Channels", check: async () => true };

/** The raw keyv value ({"value": …}) as data. */
const storedValue = (entry: RawEntry): unknown => (JSON.parse(entry.value) as { value: unknown }).value;
/** A key without keyv's namespace prefix ("roadmap-bot:" in SQLite and memory, "roadmap-bot::" in Redis). */
const bare = (key: string): string => key.replace(/^roadmap-bot::?/, "");

/** The bot on a store, two people with a history, and a scheduler that really posts (to a recording platform). */
async function world(store: Store) {
  const tag = `${process.pid.toString(36)}x${Date.now().toString(36)}x${Math.floor(Math.random() * 1e6).toString(36)}`;
  const team = `T-${tag}`;
  const zed: Who = {
    platform: "test",
    userId: `U-zed-${tag}`,
    displayName: `Zenobia Quillfeather-${tag}`,
    teamId: team,
    channelId: `C1-${tag}`,
  };
  const olga: Who = {
    platform: "test",
    userId: `U-olga-${tag}`,
    displayName: `Olga Brandt-${tag}`,
    teamId: team,
    channelId: `C1-${tag}`,
  };
  const inChannel = (who: Who, channel: string): Who => ({ ...who, channelId: `${channel}-${tag}` });
  const inDm = (who: Who): Who => ({ ...who, channelId: `D-${who.userId.slice(2, 5)}-${tag}`, inDirectMessage: true });

  let now = new Date(0);
  const wired = repositories(store, silentLogger, "UTC");
  const core = new Core({ roadmaps: await shippedRoadmaps(), ...wired, logger: silentLogger, clock: () => now });
  const delivery = new RecordingDelivery("test");
  const scheduler = schedulerFor({
    store: store,
    wired,
    core: core,
    delivery: delivery,
    clock: () => now,
    instance: "forget-me-test",
  });

  const at = (instant: string) => {
    now = new Date(instant);
  };
  const run = async (text: string, who: Who) => {
    const answer = await core.handle({ text, who, channelManagers: allowed });
    expect(answer.outcome, `${who.userId}: ${text} → ${textOf(answer)}`).toBe("ok");
    return answer;
  };
  /** The scheduler's hourly ticks, as a running bot would make them. */
  const runScheduler = async (from: string, to: string) => {
    for (const instant of ticks(from, to, 60)) {
      now = instant;
      const report = await scheduler.tick();
      expect(report.failed).toEqual([]);
    }
  };

  /** Ten days of both people using the bot, across a week end and a month end. */
  async function history() {
    at("2026-02-20T10:00:00.000Z"); // Friday, week 8, February
    for (const text of [`done ${t[0]}`, `start ${t[1]}`, `skip ${t[2]}`, `done ${t[3]}`]) await run(text, zed);
    for (const text of [`done ${t[0]}`, `done ${t[5]}`]) await run(text, olga);
    await run("daily on 09:00 UTC daily", inChannel(zed, "C2"));
    await run("daily leaderboard weekly", inChannel(zed, "C2"));
    await run(`done ${t[6]}`, inChannel(zed, "C2"));
    await run("remind on 08:30 Europe/Berlin daily", inDm(zed));
    await run("daily on 09:00 UTC weekdays", inChannel(olga, "C3"));
    await run("remind on 07:00 UTC daily", olga);
    await runScheduler("2026-02-20T11:00:00.000Z", "2026-02-21T09:00:00.000Z");

    at("2026-02-21T10:00:00.000Z"); // Saturday
    for (const text of [`undo ${t[2]}`, `done ${t[7]}`, "privacy hidden", `done ${t[8]}`, "privacy public"]) {
      await run(text, zed);
    }
    for (const text of ["leaderboard", "leaderboard all channel", "streak", "progress", "remind status"]) {
      await run(text, zed);
    }
    await run(`done ${t[9]}`, inChannel(olga, "C3"));
    await run(`done ${t[14]}`, inChannel(olga, "C2"));
    await run(`done ${t[15]}`, inChannel(zed, "C2"));
    // Through Monday 23 February: the C2 daily post carries last week's channel leaderboard.
    await runScheduler("2026-02-21T11:00:00.000Z", "2026-03-02T09:00:00.000Z");

    at("2026-03-02T10:00:00.000Z"); // Monday, week 10, March
    for (const text of [`done ${t[10]}`, `undo ${t[0]}`, `start ${t[11]}`, "leaderboard month"]) await run(text, zed);
    await run(`done ${t[12]}`, inChannel(zed, "C2"));
    await run("daily status", inChannel(zed, "C2"));
    for (const text of [`done ${t[13]}`, `undo ${t[5]}`]) await run(text, olga);
  }

  /** What only this test wrote: with Redis shared with another test file, the rest of the database is not ours. */
  const ours = (entries: readonly RawEntry[]) =>
    entries.filter(
      (entry) => entry.key.includes(tag) || entry.value.includes(tag) || bare(entry.key) === "subscriptions",
    );

  return { tag, store, core, wired, delivery, zed, olga, inChannel, inDm, at, run, runScheduler, history, ours };
}

type World = Awaited<ReturnType<typeof world>>;

/**
 * A raw entry holding a board's members with their points, in either layout: a page document
 * (paged boards on memory and SQLite) or a sorted set (RedisBoards, scored points * 2^32 + …).
 */
function boardMembers(
  entry: RawEntry,
): { kind: string; id: string; members: { userId: string; points: number }[] } | undefined {
  const key = bare(entry.key);
  const id = key.split(":").slice(1, 6).join(":");
  if (key.startsWith("board-page:")) {
    const points = Number(key.split(":")[6]);
    const { members } = storedValue(entry) as { members: string[] };
    return { kind: "board-page", id, members: members.map((userId) => ({ userId, points })) };
  }
  if (key.startsWith("board-ranking:")) {
    const flat = JSON.parse(entry.value.slice("<zset> ".length)) as string[];
    const members = [];
    for (let i = 0; i < flat.length; i += 2)
      members.push({ userId: flat[i] as string, points: Math.floor(Number(flat[i + 1]) / 2 ** 32) });
    return { kind: "board-ranking", id, members };
  }
  return undefined;
}

/** Where a store keeps who is on a board: the kind of key that names its members. */
/** The kinds of key a person's full history leaves besides board members, in the order accountFor sorts them. */
const personKinds = ["person", "posted", "progress", "review", "subscription-state", "subscriptions", "team-people"];

const memberKind = (store: Store): string => (store.kind === "redis" ? "board-ranking" : "board-page");

/** The boards that list the person. */
const boardsListing = (entries: readonly RawEntry[], userId: string): Set<string> =>
  new Set(
    entries.flatMap((entry) => {
      const board = boardMembers(entry);
      return board?.members.some((member) => member.userId === userId) ? [board.id] : [];
    }),
  );

/** Every board the scan finds: nobody forgotten on it, its total the sum of its members, each member's place right. */
async function checkBoards(w: World, entries: readonly RawEntry[], forgotten?: Who) {
  const { standings } = w.wired;
  const ids = entries
    .map((entry) => bare(entry.key))
    .flatMap((key) => /^board(?:-summary)?:(.*)$/.exec(key)?.slice(1) ?? []);
  expect(ids.length).toBeGreaterThan(0);
  for (const id of ids) {
    const { standings: top, total, members } = await standings.boards.top(id, 1_000);
    expect(total, `total of ${id}`).toBe(top.reduce((sum, line) => sum + line.points, 0));
    expect(members, `members of ${id}`).toBe(top.length);
    if (forgotten) expect(top.map((line) => line.userId)).not.toContain(forgotten.userId);
    for (const line of top) {
      const profile = await standings.people.get({ platform: "test", userId: line.userId });
      expect(profile?.places[id]?.points, `${line.userId} on ${id}`).toBe(line.points);
    }
  }
}

function forgetMeSuite(name: string, open: () => Promise<Store>, available: () => Promise<boolean> = async () => true) {
  describe(`forget-me and export on ${name}`, async () => {
    const ready = await available();

    const variants = [
      { hidden: false, confirmIn: "C1", title: "public, confirming where they asked" },
      { hidden: true, confirmIn: "C4", title: "hidden, confirming from a channel new to the bot" },
    ];
    for (const variant of variants) {
      it.skipIf(!ready)(
        `GIVEN a full history (${variant.title}) THEN forget-me only asks, forget-me confirm leaves no key or value naming the person, the other person's data is untouched and every board adds up`,
        { timeout: 120_000 },
        async () => {
          const store = await open();
          let w: World | undefined;
          try {
            w = await world(store);
            const { zed, olga, run, history, ours } = w;
            await history();
            if (variant.hidden) await run("privacy hidden", zed);
            const needles = [zed.userId, zed.displayName as string, `Quillfeather-${w.tag}`];
            const before = await scanStore(store);
            if (store.kind !== "redis") expect(ours(before)).toEqual(before);
            const traces = entriesMentioning(before, needles).map((entry) => bare(entry.key).split(":")[0]);
            // The history left every kind of trace: otherwise the scan after proves little.
            expect(new Set(traces)).toEqual(
              new Set(variant.hidden ? personKinds : [...personKinds, memberKind(store)]),
            );
            const places = Object.keys((await w.wired.standings.people.get(zed))?.places ?? {}).length;
            expect(places).toBe(boardsListing(before, zed.userId).size);
            expect(places).toBeGreaterThanOrEqual(variant.hidden ? 0 : 10);

            const asked = await run("forget-me", zed);
            expect(textOf(asked)).toContain("Delete everything about you?");
            expect(asked.blocks.some((block) => block.type === "actions")).toBe(true);
            expect(ours(await scanStore(store)), "forget-me without confirm changes nothing").toEqual(ours(before));

            // A channel the bot has not seen them in first puts them on its boards (when public), then deletes.
            const confirmed = await run("forget-me confirm", w.inChannel(zed, variant.confirmIn));
            const joined = variant.hidden || variant.confirmIn === "C1" ? 0 : 3;
            expect(textOf(confirmed)).toContain(`progress on 1 roadmap, ${places + joined} leaderboard places`);
            const after = await scanStore(store);
            expect(entriesMentioning(after, needles)).toEqual([]);

            // Nothing new appeared, and everything that did not mention the person is as it was, but
            // the boards they left (totals), the pages they shared and the subscription index.
            const afterByKey = new Map(ours(after).map((entry) => [entry.key, entry.value]));
            const beforeKeys = new Set(before.map((entry) => entry.key));
            expect([...afterByKey.keys()].filter((key) => !beforeKeys.has(key))).toEqual([]);
            for (const entry of ours(before)) {
              const mentions = entriesMentioning([entry], needles).length > 0;
              const key = bare(entry.key);
              if (mentions && entriesMentioning([{ key: entry.key, value: "" }], needles).length > 0) {
                expect(afterByKey.has(entry.key), `${key} is gone`).toBe(false);
              } else if (key.startsWith("board:")) {
                expect(afterByKey.has(entry.key), `${key} stays`).toBe(true);
              } else if (key.startsWith("board-bucket:") || key.startsWith("board-summary:")) {
                // Only counts and totals: one shrinks (or goes, when it empties) as the person leaves.
              } else if (mentions) {
                expect(
                  key.startsWith(`${memberKind(store)}:`) || key === "subscriptions" || key.startsWith("team-people:"),
                  `${key} named the person`,
                ).toBe(true);
              } else {
                expect(afterByKey.get(entry.key), `${key} is untouched`).toBe(entry.value);
              }
            }
            await checkBoards(w, ours(after), zed);

            // Olga: all of her still there (her keys never mentioned Zed, so they are untouched, above).
            const subscriptions = w.wired.schedule.subscriptions;
            expect(await subscriptions.get(reminderId("test", olga.userId))).toMatchObject({ userId: olga.userId });
            expect(await subscriptions.get(reminderId("test", zed.userId))).toBeUndefined();
            const olgaProfile = await w.wired.standings.people.get(olga);
            expect(olgaProfile?.name).toBe(olga.displayName);
            expect(Object.keys(olgaProfile?.places ?? {}).length).toBeGreaterThanOrEqual(9);

            // The channel Zed set up keeps its daily topic (and weekly recap), without Zed.
            const c2 = channelSubscriptionId("test", zed.teamId, `C2-${w.tag}`);
            const channel = await subscriptions.get(c2);
            expect(channel).toMatchObject({ kind: "channel", recap: "weekly", channelId: `C2-${w.tag}` });
            expect(channel?.userId).toBeUndefined();
            expect(channel?.userName).toBeUndefined();
            const sentBefore = w.delivery.sent.length;
            await w.runScheduler("2026-03-02T10:00:00.000Z", "2026-03-09T10:00:00.000Z");
            const sent = w.delivery.sent.slice(sentBefore);
            expect(sent.map((post) => post.key)).toContain(`${c2}@2026-03-09`);
            expect(sent.find((post) => post.key === `${c2}@2026-03-09/recap`)?.text ?? "").toContain(olga.displayName);
            expect(sent.filter((post) => post.target === zed.userId)).toEqual([]);
            expect(sent.filter((post) => post.target === olga.userId).length).toBeGreaterThanOrEqual(7);
            const later = await scanStore(store);
            expect(entriesMentioning(later, needles), "the scheduler brings nothing of Zed back").toEqual([]);
            await checkBoards(w, ours(later), zed);
          } finally {
            if (w && store.kind === "redis") await tidy(w);
            await store.close();
          }
        },
      );
    }

    it.skipIf(!ready)(
      "GIVEN a full history THEN export hands over every key the store holds about the person, also after remind off",
      { timeout: 120_000 },
      async () => {
        const store = await open();
        let w: World | undefined;
        try {
          w = await world(store);
          const { zed, inDm, run, history } = w;
          await history();
          const needles = [zed.userId, zed.displayName as string];

          const first = await exported(w, zed);
          expect(first.profile).toEqual({
            name: zed.displayName,
            visibility: "public",
            teams: [zed.teamId],
            channels: [
              { teamId: zed.teamId, channelId: zed.channelId },
              { teamId: zed.teamId, channelId: `C2-${w.tag}` },
            ],
            firstSeen: "2026-02-20T10:00:00.000Z",
          });
          const records = first.progress[roadmap.id] ?? {};
          expect(Object.keys(records).sort()).toEqual(
            [t[1], t[3], t[6], t[7], t[8], t[10], t[11], t[12], t[15]].map(String).sort(),
          );
          expect(records[t[11] as string]).toEqual({ status: "learning", since: "2026-03-02T10:00:00.000Z" });
          expect(first.reminder).toMatchObject({
            kind: "reminder",
            time: { hour: 8, minute: 30 },
            zone: "Europe/Berlin",
          });
          expect(first.dailyTopicsYouSetUp).toEqual([
            expect.objectContaining({ id: channelSubscriptionId("test", zed.teamId, `C2-${w.tag}`) }),
          ]);
          const profile = await w.wired.standings.people.get(zed);
          expect(first.leaderboards.length).toBe(Object.keys(profile?.places ?? {}).length);
          for (const place of first.leaderboards) {
            const { points, ...board } = place;
            expect(profile?.places[boardId(board)]?.points).toBe(points);
          }
          const everyKind = [memberKind(store), ...personKinds];
          expect(accountFor(entriesMentioning(await scanStore(store), needles), first, zed)).toEqual(everyKind);
          expect(first.reminderLog.length).toBeGreaterThanOrEqual(10);

          // `remind off` keeps the reminder's state and ledger (on again continues): still theirs.
          w.at("2026-03-02T11:00:00.000Z");
          await run("remind off", inDm(zed));
          const second = await exported(w, zed);
          expect(second.reminder).toBeNull();
          expect(second.reminderTurnedOff).toMatchObject({ id: reminderId("test", zed.userId) });
          expect(accountFor(entriesMentioning(await scanStore(store), needles), second, zed)).toEqual(everyKind);
        } finally {
          if (w && store.kind === "redis") await tidy(w);
          await store.close();
        }
      },
    );
  });
}

interface Export {
  person: { platform: string; userId: string };
  profile: { name: string | null; visibility: string; teams: string[]; channels: unknown[]; firstSeen: string } | null;
  progress: Record<string, Record<string, unknown>>;
  reviews: Record<string, unknown>;
  leaderboards: (BoardRef & { points: number })[];
  reminder: (Record<string, unknown> & { id: string; state?: unknown }) | null;
  dailyTopicsYouSetUp: { id: string }[];
  reminderLog: ({ date: string } & Record<string, unknown>)[];
  [other: string]: unknown;
}

async function exported(w: World, who: Who): Promise<Export> {
  const answer = await w.run("export", who);
  expect(answer.file?.name).toMatch(/^roadmap-bot-export-\d{4}-\d{2}-\d{2}\.json$/);
  const data = JSON.parse(answer.file?.content ?? "") as Export;
  expect(data.person).toEqual({ platform: who.platform, userId: who.userId });
  return data;
}

/**
 * Each key naming the person, matched to where the export shows it. A key the export does not
 * account for fails the test: the export would not be "everything the bot keeps about you".
 */
function accountFor(entries: readonly RawEntry[], data: Export, who: Who): string[] {
  const reminder = reminderId(who.platform, who.userId);
  const kinds = new Set<string>();
  for (const entry of entries) {
    const key = bare(entry.key);
    const [kind = "", ...parts] = key.split(":").map(decodeURIComponent);
    kinds.add(kind);
    const board = boardMembers(entry);
    if (board) {
      const mine = board.members.find((member) => member.userId === who.userId);
      expect(mine, key).toBeDefined();
      expect(
        data.leaderboards.some((place) => boardId(place) === board.id && place.points === mine?.points),
        `${key} is among the export's leaderboards`,
      ).toBe(true);
      continue;
    }
    const value = storedValue(entry) as Record<string, unknown>;
    if (kind === "progress") {
      expect(data.progress[parts[0] as string], key).toEqual(value.topics);
    } else if (kind === "review") {
      expect(data.reviews[parts[0] as string], key).toEqual(value);
    } else if (kind === "person") {
      expect(data.profile, key).toMatchObject({
        name: value.name,
        visibility: value.visibility,
        teams: value.teams,
        channels: value.channels,
        firstSeen: value.firstSeen,
      });
      const places = value.places as Record<string, { points: number }>;
      expect(
        Object.fromEntries(data.leaderboards.map(({ points, ...board }) => [boardId(board), points])),
        `${key}: every place`,
      ).toEqual(Object.fromEntries(Object.entries(places).map(([id, place]) => [id, place.points])));
    } else if (kind === "subscriptions") {
      const mine = Object.values(value.entries as Record<string, { id: string; kind: string; userId?: string }>).filter(
        (subscription) => subscription.userId === who.userId || JSON.stringify(subscription).includes(who.userId),
      );
      expect(mine.length).toBeGreaterThan(0);
      for (const subscription of mine) {
        if (subscription.kind === "reminder") expect(data.reminder, key).toMatchObject(subscription);
        else
          expect(
            data.dailyTopicsYouSetUp.map((one) => one.id),
            key,
          ).toContain(subscription.id);
      }
    } else if (kind === "team-people") {
      // A page of everyone seen in a team: the export's profile lists that team.
      expect(data.profile, key).toMatchObject({ teams: expect.arrayContaining([parts[1]]) });
    } else if (kind === "subscription-state" && parts[0] === reminder) {
      expect(findDeep(data, value), `${key}: the reminder's state is in the export`).toBe(true);
    } else if (kind === "posted" && parts[0] === reminder) {
      const date = parts[1] as string;
      expect(findDeep(data, { date, ...value }) || findDeep(data, value), `${key}: the ledger entry of ${date}`).toBe(
        true,
      );
    } else {
      expect.fail(`the export does not account for ${key}: ${entry.value}`);
    }
  }
  return [...kinds].sort();
}

/** Whether some object inside `data` equals `wanted` (deeply). */
function findDeep(data: unknown, wanted: unknown): boolean {
  if (equalish(data, wanted)) return true;
  if (data === null || typeof data !== "object") return false;
  return Object.values(data).some((child) => findDeep(child, wanted));
}

function equalish(a: unknown, b: unknown): boolean {
  try {
    expect(a).toEqual(b);
    return true;
  } catch {
    return false;
  }
}

/** Takes this test's data out of the shared Redis database: its subscriptions from the index, then every key naming its tag. */
async function tidy(w: World) {
  const { subscriptions } = w.wired.schedule;
  for (const [id, subscription] of await subscriptions.all()) {
    if (JSON.stringify(subscription).includes(w.tag)) await subscriptions.remove(id);
  }
  await deleteMentioning(w.store, w.tag);
}

const sqliteDir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-forget-"));
afterAll(() => rmSync(sqliteDir, { recursive: true, force: true }));
let files = 0;

forgetMeSuite("memory", async () => openMemoryStore(silentLogger));
forgetMeSuite("SQLite", () => openStore(`sqlite://${path.join(sqliteDir, `store-${++files}.sqlite`)}`, silentLogger));
forgetMeSuite(
  "Redis",
  () => openStore(redisUrl, silentLogger),
  () => serviceAvailable("Redis", 6379),
);
