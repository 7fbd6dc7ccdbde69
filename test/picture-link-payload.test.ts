import { inflateRawSync } from "node:zlib";
import { describe, expect, it } from "vitest";
import { progressMapView } from "../src/core/picture-views.ts";
import { roadmapsByTitle } from "../src/pictures/link-payload.ts";
import { PictureLinks } from "../src/pictures/signed-url.ts";
import type { LeaderboardCardView } from "../src/pictures/views.ts";
import type { UserProgress } from "../src/progress/model.ts";
import { fixedNow, shippedRoadmaps } from "./helpers.ts";

const [roadmap] = await shippedRoadmaps();
if (!roadmap) throw new Error("no roadmap shipped");
const progress: UserProgress = {
  topics: new Map(
    roadmap.topics.slice(0, 9).map((topic) => [topic.id, { status: "done" as const, since: fixedNow.toISOString() }]),
  ),
};
const map = progressMapView(roadmap, progress, "Ann");
const secret = "link-secret";
const path = (link: string) => new URL(link).pathname;
/** The JSON a link carries, read back from its path: as it is after a "~", else deflated. */
function carried(link: string): string {
  const payload = path(link).split("/")[2]?.split(".")[0] ?? "";
  return payload.startsWith("~")
    ? Buffer.from(payload.slice(1), "base64url").toString()
    : inflateRawSync(Buffer.from(payload, "base64url")).toString();
}

describe("what a picture link carries", () => {
  const links = new PictureLinks("https://bot.example.com", secret, roadmapsByTitle([roadmap]));

  it("GIVEN a progress map of a roadmap the bot has THEN its link leaves out the stage titles and opens to the same view", () => {
    const link = links.link(map, fixedNow);
    const whole = new PictureLinks("https://bot.example.com", secret).link(map, fixedNow);
    expect(carried(link)).not.toContain(roadmap.stages[0]?.title);
    expect(carried(whole)).toContain(roadmap.stages[0]?.title);
    expect(link.length).toBeLessThan(whole.length);
    expect(links.open(path(link), fixedNow)).toEqual(map);
    // Short enough to travel undeflated; altered, it is refused like any link.
    expect(path(link)).toMatch(/^\/images\/~/);
    const altered = path(link).replace(
      /^\/images\/~./,
      (start) => `${start.slice(0, -1)}${start.endsWith("e") ? "f" : "e"}`,
    );
    expect(links.open(altered, fixedNow)).toBeUndefined();
  });

  it("GIVEN a link made with the whole view (before, or by a replica without the roadmap) THEN it still opens", () => {
    const whole = new PictureLinks("https://bot.example.com", secret).link(map, fixedNow);
    expect(links.open(path(whole), fixedNow)).toEqual(map);
  });

  it("GIVEN a map whose stations are not its roadmap's stages THEN the whole view travels, and opens as it was", () => {
    const renamed = { ...map, stations: map.stations.map((s, i) => (i === 3 ? { ...s, title: "Renamed" } : s)) };
    const link = links.link(renamed, fixedNow);
    expect(carried(link)).toContain("Renamed");
    expect(links.open(path(link), fixedNow)).toEqual(renamed);
  });

  it("GIVEN a short link whose roadmap this bot no longer has, or has with other stages THEN it does not open", () => {
    const link = path(links.link(map, fixedNow));
    expect(new PictureLinks("https://bot.example.com", secret).open(link, fixedNow)).toBeUndefined();
    const fewer = { ...roadmap, stages: roadmap.stages.slice(1) };
    expect(
      new PictureLinks("https://bot.example.com", secret, roadmapsByTitle([fewer])).open(link, fixedNow),
    ).toBeUndefined();
  });

  it("GIVEN a leaderboard card THEN its whole view travels", () => {
    const board: LeaderboardCardView = {
      kind: "leaderboard",
      title: "This week · Team",
      rows: [{ rank: 1, name: "Ann", points: 3 }],
    };
    const link = links.link(board, fixedNow);
    expect(JSON.parse(carried(link))).toEqual(board);
    expect(links.open(path(link), fixedNow)).toEqual(board);
  });
});
