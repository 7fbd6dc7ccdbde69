import { describe, expect, it, vi } from "vitest";
import type { ChannelManagers, Who } from "../src/core/command.ts";
import { silentLogger } from "../src/logger.ts";
import { PictureLinks } from "../src/pictures/signed-url.ts";
import { maxPictureNameLength } from "../src/pictures/views.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { makeCore, textOf } from "./helpers.ts";

const ann: Who = { platform: "test", userId: "U-ann", displayName: "Ann", teamId: "T1", channelId: "C1" };
const managers: ChannelManagers = { description: "workspace admins", check: async () => true };
const nobody: ChannelManagers = { description: "workspace admins", check: async () => false };

describe("pictures next to answers", () => {
  it("GIVEN `progress` and `leaderboard` THEN each carries a picture with alt text, made from the same answer", async () => {
    const { core } = await makeCore();
    await core.handle({ text: "done what-is-release-engineering", who: ann });
    const progress = await core.handle({ text: "progress", who: ann });
    expect(progress.pictures?.[0]?.name).toBe("progress.png");
    expect(progress.pictures?.[0]?.view).toMatchObject({ kind: "progress-map", subject: "Ann", done: 1, current: 1 });
    expect(progress.pictures?.[0]?.alt).toContain("1 of 112 topics done");
    const board = await core.handle({ text: "leaderboard", who: ann });
    expect(board.pictures?.[0]?.view).toMatchObject({
      kind: "leaderboard",
      rows: [{ rank: 1, name: "Ann", me: true }],
    });
    expect((await core.handle({ text: "stage 1", who: ann })).pictures).toBeUndefined();
  });

  it("GIVEN a 250-character display name THEN the views cut it, and a signed link to the card opens back to the same view", async () => {
    const { core } = await makeCore();
    const long: Who = { ...ann, displayName: "Ann".repeat(84) };
    await core.handle({ text: "done what-is-release-engineering", who: long });
    const board = (await core.handle({ text: "leaderboard", who: long })).pictures?.[0]?.view;
    const progress = (await core.handle({ text: "progress", who: long })).pictures?.[0]?.view;
    if (board?.kind !== "leaderboard" || progress?.kind !== "progress-map") throw new Error("no pictures");
    expect(board.rows[0]?.name.length).toBeLessThanOrEqual(maxPictureNameLength);
    expect(progress.subject.length).toBeLessThanOrEqual(maxPictureNameLength);
    const links = new PictureLinks("https://bot.example.com", "secret");
    const now = new Date("2026-03-02T10:00:00Z");
    const link = new URL(links.link(board, now));
    expect(links.open(link.pathname, now)).toEqual(board);
  });

  it("GIVEN `team pictures off` by a channel manager THEN answers are text only until it is turned on again; the same setting again writes nothing", async () => {
    const store = openMemoryStore(silentLogger);
    const { core } = await makeCore({ store });
    const run = (text: string, channelManagers = managers) => core.handle({ text, who: ann, channelManagers });
    expect(textOf(await run("team pictures off", nobody))).toContain("Only workspace admins");
    expect((await run("progress")).pictures).toBeDefined();
    expect(textOf(await run("team pictures off"))).toContain("text only");
    expect((await run("progress")).pictures).toBeUndefined();
    expect((await run("leaderboard")).pictures).toBeUndefined();
    expect(textOf(await run("team"))).toContain("off");
    const writes = vi.spyOn(store, "set");
    const again = await run("team pictures off");
    expect(textOf(again)).toContain("Already so");
    expect(writes).not.toHaveBeenCalled();
    writes.mockRestore();
    await run("team pictures on");
    expect((await run("progress")).pictures).toBeDefined();
    expect((await run("team pictures sometimes")).outcome).toBe("user-error");
  });
});
