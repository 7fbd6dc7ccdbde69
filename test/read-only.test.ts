import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import path from "node:path";
import { createClient } from "@keyv/redis";
import { afterAll, describe, expect, it } from "vitest";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import { Core } from "../src/core/core.ts";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { openStore } from "../src/store/open-store.ts";
import type { Store } from "../src/store/store.ts";
import { shippedRoadmaps, textOf } from "./helpers.ts";
import { serviceAvailable } from "./services.ts";
import { entriesMentioning, type RawEntry, scanStore } from "./store-scan.ts";

/**
 * A command that changes nothing writes nothing: every command that only looks, run by someone the
 * bot has never seen (and by someone who asked to be forgotten), leaves the whole store exactly as
 * it was, byte for byte, on the stores a deployment uses.
 */

/** db 6 is this file's alone: it is flushed before each run and scanned whole. */
const redisUrl = "redis://127.0.0.1:6379/6";

const allowed: ChannelManagers = { description: "members with Manage Channels", check: async () => true };

/** Commands that look and never change anything, as the issue lists them, and a few more of the same kind. */
const lookingCommands = [
  "help",
  "stages",
  "stage 17",
  "topic argocd architecture",
  "search canary",
  "next",
  "progress",
  "streak",
  "leaderboard",
  "leaderboard month channel",
  "daily status",
  "daily preview",
  "privacy status",
  "review",
  "review status",
  "quiz stats",
  "privacy",
  "remind status",
  "team",
  "export",
];

/** Commands that would change something, asked when what they ask for is already so. */
const unchangingCommands = ["privacy public", "undo argocd-architecture", "remind off"];

async function world(store: Store) {
  const roadmaps = await shippedRoadmaps();
  const first = roadmaps[0]?.topics[0]?.id as string;
  const core = new Core({
    roadmaps,
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => new Date("2026-03-04T10:00:00.000Z"),
  });
  const run = async (text: string, who: Who) => {
    const answer = await core.handle({ text, who, channelManagers: allowed });
    expect(answer.outcome, `${who.userId}: ${text} → ${textOf(answer)}`).toBe("ok");
    return answer;
  };
  // A team already using the bot: someone with progress on the boards and a channel's daily topic.
  const olga: Who = { platform: "test", userId: "U-olga", displayName: "Olga Brandt", teamId: "T1", channelId: "C1" };
  await run(`done ${first}`, olga);
  await run("daily on 09:00 UTC weekdays", olga);
  await run("daily leaderboard weekly", olga);
  return { run, first };
}

/** Someone in channel C1 of team T1. */
const member = (userId: string, displayName: string): Who => ({
  platform: "test",
  userId,
  displayName,
  teamId: "T1",
  channelId: "C1",
});

/** Every key and raw value in the backend: what must not change. */
const snapshot = (store: Store): Promise<RawEntry[]> => scanStore(store);

function suite(name: string, open: () => Promise<Store | undefined>) {
  describe(`${name}: a command that changes nothing writes nothing`, () => {
    it("GIVEN a person the bot has never seen WHEN they run every looking command THEN the store is unchanged and nowhere names them", async () => {
      const store = await open();
      if (!store) return;
      try {
        const { run } = await world(store);
        const zed = member("U-zed-never-seen", "Zenobia Quillfeather");
        const before = await snapshot(store);
        for (const text of [...lookingCommands, ...unchangingCommands]) await run(text, zed);
        const after = await snapshot(store);
        expect(entriesMentioning(after, [zed.userId, zed.displayName as string])).toEqual([]);
        expect(after).toEqual(before);
      } finally {
        await store.close();
      }
    });

    it("GIVEN a person who asked to be forgotten WHEN they look again THEN nothing of them is stored again", async () => {
      const store = await open();
      if (!store) return;
      try {
        const { run, first } = await world(store);
        const zed = member("U-zed-forgot", "Zed Forgotten");
        await run(`done ${first}`, zed);
        await run("forget-me confirm", zed);
        const forgotten = await snapshot(store);
        expect(entriesMentioning(forgotten, [zed.userId, zed.displayName as string])).toEqual([]);
        for (const text of lookingCommands) await run(text, zed);
        expect(await snapshot(store)).toEqual(forgotten);
      } finally {
        await store.close();
      }
    });

    it("GIVEN a known person with a new name WHEN they only look THEN the old name stays until they next change something", async () => {
      const store = await open();
      if (!store) return;
      try {
        const { run, first } = await world(store);
        const ann = member("U-ann", "Ann Old");
        await run(`done ${first}`, ann);
        const renamed: Who = { ...ann, displayName: "Ann New" };
        const before = await snapshot(store);
        for (const text of lookingCommands) await run(text, renamed);
        await run(`done ${first}`, { ...renamed, channelId: "C3" });
        expect(await snapshot(store)).toEqual(before);
        // The first command that changes something records the name and channel they have now.
        await run("start argocd-architecture", { ...renamed, channelId: "C3" });
        const after = await snapshot(store);
        expect(entriesMentioning(after, ["Ann New"]).length).toBeGreaterThan(0);
        expect(entriesMentioning(after, ["Ann Old"])).toEqual([]);
        const board = await run("leaderboard all channel", { ...renamed, channelId: "C3" });
        expect(textOf(board)).toContain("Ann New");
      } finally {
        await store.close();
      }
    });
  });
}

const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

suite("SQLite", async () => {
  const dir = mkdtempSync(path.join(tmpdir(), "roadmap-bot-read-only-"));
  dirs.push(dir);
  return openStore(`sqlite://${path.join(dir, "roadmap.sqlite")}`, silentLogger);
});

suite("Redis", async () => {
  if (!(await serviceAvailable("Redis", 6379))) return undefined;
  const store = await openStore(redisUrl, silentLogger);
  const client = createClient({ url: redisUrl });
  await client.connect();
  await client.flushDb();
  await client.close();
  return store;
});
