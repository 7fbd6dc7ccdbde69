import { z } from "zod";
import { levels } from "../content/schema.ts";

/**
 * What each picture shows, as plain data: made by the core next to the text answer, drawn by the
 * render process, and the source of the picture's alt text, so the words and the picture never
 * disagree. Each one's JSON is its cache key (with the templates' version). The schemas are the
 * types, and check a view read back from a signed picture link.
 */

/** Names are cut to this in a view: the card shows less anyway, and a view travels in a link. */
export const maxPictureNameLength = 100;

/**
 * The schemas, made on first use: only reading a picture link needs them, and making them costs
 * about 2 ms that every one-shot `ask` would otherwise pay at start. The types come from them.
 */
function makeSchemas() {
  const count = z.number().int().min(0);
  /** One stage as a station on the progress map; its state follows from done of total. */
  const station = z.object({ number: count, title: z.string(), done: count, total: count });
  const progressMap = z.object({
    kind: z.literal("progress-map"),
    roadmapTitle: z.string(),
    /** Whose progress ("Ann", or "This channel" for a weekly recap). */
    subject: z.string().max(maxPictureNameLength),
    /**
     * A team's map (the weekly recap) sums this many people: a station is done once all of them
     * have done it, and the pin marks the stage the middle one of them is on.
     */
    people: count.optional(),
    stations: z.array(station).max(60),
    /** The stage marked "you are here"; absent once every stage is done. */
    current: count.optional(),
    done: count,
    total: count,
    levels: z.array(z.object({ level: z.enum(levels), label: z.string(), done: count, total: count })),
  });
  const row = z.object({
    rank: count,
    name: z.string().max(maxPictureNameLength),
    points: count,
    /** The person asking. */
    me: z.boolean().optional(),
  });
  const leaderboard = z.object({
    kind: z.literal("leaderboard"),
    /** "This week · Team", "All time · #channel", "Quiz board · This month". */
    title: z.string(),
    /** The dates, "Mon 2 Mar – Sun 8 Mar". */
    period: z.string().optional(),
    /** Top 10 at most, best first. */
    rows: z.array(row).max(10),
    /** The person asking, when outside the rows shown. */
    mine: row.optional(),
  });
  const weeklyChart = z.object({
    kind: z.literal("weekly-chart"),
    /** "Team platform · week of 2 Mar". */
    title: z.string(),
    /** Monday to Sunday: topics done that day. */
    days: z.array(z.object({ label: z.string(), done: count })).length(7),
    /** Topics done the week before the one shown, for comparison. */
    lastWeekTotal: count,
  });
  const picture = z.discriminatedUnion("kind", [progressMap, leaderboard, weeklyChart]);
  return { station, progressMap, row, leaderboard, weeklyChart, picture };
}

type Schemas = ReturnType<typeof makeSchemas>;
let schemas: Schemas | undefined;

/** Checks a view read back from a signed picture link. */
export function pictureViewSchema(): Schemas["picture"] {
  schemas ??= makeSchemas();
  return schemas.picture;
}

export type MapStation = z.infer<Schemas["station"]>;
export type ProgressMapView = z.infer<Schemas["progressMap"]>;
export type BoardCardRow = z.infer<Schemas["row"]>;
export type LeaderboardCardView = z.infer<Schemas["leaderboard"]>;
export type WeeklyChartView = z.infer<Schemas["weeklyChart"]>;
export type PictureView = z.infer<Schemas["picture"]>;

/** Every picture is 1200x675 (16:9): it fills a phone's width in Slack and Discord alike. */
export const pictureSize = { width: 1200, height: 675 } as const;

/** A station's state, shown by shape as well as colour: empty ring, partial ring, filled with a check. */
export type StationState = "not-started" | "started" | "done";

export const stationState = (station: MapStation): StationState =>
  station.done === 0 ? "not-started" : station.done >= station.total ? "done" : "started";

const plural = (n: number, one: string, many = `${one}s`): string => `${n} ${n === 1 ? one : many}`;

/** "stages 1 to 9", "stage 4", "stages 1, 3 and 5 to 7". */
export function stageList(numbers: readonly number[]): string {
  const runs: [number, number][] = [];
  for (const n of [...numbers].sort((a, b) => a - b)) {
    const last = runs.at(-1);
    if (last && n === last[1] + 1) last[1] = n;
    else runs.push([n, n]);
  }
  const parts = runs.map(([from, to]) => (from === to ? `${from}` : `${from} to ${to}`));
  const joined = parts.length <= 1 ? (parts[0] ?? "") : `${parts.slice(0, -1).join(", ")} and ${parts.at(-1)}`;
  return `${numbers.length === 1 ? "stage" : "stages"} ${joined}`;
}

/** The picture in words, for screen readers and for anyone whose client shows no image. */
export function altText(view: PictureView): string {
  if (view.kind === "progress-map") {
    const doneStages = view.stations.filter((station) => stationState(station) === "done").map((s) => s.number);
    const where =
      view.current === undefined
        ? `All ${view.stations.length} stages done`
        : `Stage ${view.current} of ${view.stations.length}`;
    const levels = view.levels.map((level) => `${level.label} ${level.done} of ${level.total}`).join(", ");
    const stagesDone = doneStages.length > 0 && view.current !== undefined ? `; ${stageList(doneStages)} done` : "";
    const whose = view.people === undefined ? "" : `, ${plural(view.people, "person", "people")} together`;
    return [
      `${view.subject}'s progress map of ${view.roadmapTitle}${whose}.`,
      `${where}, ${view.done} of ${view.total} topics done${stagesDone}.`,
      levels ? `By level: ${levels}.` : "",
    ]
      .filter(Boolean)
      .join(" ");
  }
  if (view.kind === "leaderboard") {
    const rows = view.rows.map((row) => `${row.rank}. ${row.name}, ${plural(row.points, "point")}`);
    const mine = view.mine ? ` You: ${view.mine.rank}. with ${plural(view.mine.points, "point")}.` : "";
    return `Leaderboard card, ${view.title}${view.period ? ` (${view.period})` : ""}: ${
      rows.length > 0 ? `${rows.join("; ")}.` : "nobody has points yet."
    }${mine}`;
  }
  const total = view.days.reduce((sum, day) => sum + day.done, 0);
  const days = view.days.map((day) => `${day.label} ${day.done}`).join(", ");
  return `Weekly chart, ${view.title}: ${plural(total, "topic")} done that week (${days}); ${view.lastWeekTotal} the week before.`;
}
