import { replyPicture, teamProgressMapView } from "../../src/core/picture-views.ts";
import { type Reply, reply } from "../../src/core/reply.ts";
import type { ProgressMapView, WeeklyChartView } from "../../src/pictures/views.ts";
import { emptyProgress } from "../../src/progress/model.ts";
import { makeCore } from "../helpers.ts";

/** A weekly recap as the scheduler posts it: its leaderboard text, then the week's chart and the channel's map. */
export async function recapWithPictures(): Promise<{ recap: Reply; chart: WeeklyChartView; map: ProgressMapView }> {
  const roadmap = (await makeCore()).core.defaultRoadmap;
  const chart: WeeklyChartView = {
    kind: "weekly-chart",
    title: "This channel · Mon 2 Mar – Sun 8 Mar",
    days: ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"].map((label, index) => ({ label, done: index })),
    lastWeekTotal: 4,
  };
  const map = teamProgressMapView(roadmap, [emptyProgress], "This channel");
  if (!map) throw new Error("no team map");
  const recap = reply(
    [
      { type: "header", text: "Last week's leaderboard in this channel" },
      { type: "text", text: "1. Ann · 6 pts" },
    ],
    { private: false, pictures: [replyPicture("weekly-chart.png", chart), replyPicture("team-progress.png", map)] },
  );
  return { recap, chart, map };
}
