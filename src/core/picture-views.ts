import { levels, type Roadmap } from "../content/schema.ts";
import {
  altText,
  type LeaderboardCardView,
  maxPictureNameLength,
  type PictureView,
  type ProgressMapView,
} from "../pictures/views.ts";
import type { UserProgress } from "../progress/model.ts";
import type { Leaderboard } from "../progress/standings.ts";
import { countByLevel, countDone, currentStage, stateOf } from "../progress/summary.ts";
import { picturesOn } from "../teams/team-settings.ts";
import type { CommandContext } from "./command.ts";
import type { ReplyPicture } from "./reply.ts";
import { truncate } from "./text.ts";
import { levelLabel } from "./views.ts";

/** Whether the asker's team wants pictures with its answers (`team pictures on|off`; on by default). */
export async function picturesWanted({ schedule, who }: Pick<CommandContext, "schedule" | "who">): Promise<boolean> {
  return picturesOn(await schedule.teams.get(who.platform, who.teamId));
}

/** A view as a reply's picture, with its alt text. */
export const replyPicture = (name: string, view: PictureView): ReplyPicture => ({ name, view, alt: altText(view) });

/** A name as a picture shows it: cut, so a view stays small enough to travel in a Slack image link. */
const pictureName = (name: string): string => truncate(name, maxPictureNameLength);

/** One person's progress through a roadmap as stations, the current one marked. */
export function progressMapView(roadmap: Roadmap, progress: UserProgress, subject: string): ProgressMapView {
  const overall = countDone(progress, roadmap.topics);
  const byLevel = countByLevel(progress, roadmap);
  const current = currentStage(progress, roadmap);
  return {
    kind: "progress-map",
    roadmapTitle: roadmap.title,
    subject: pictureName(subject),
    stations: roadmap.stages.map((stage) => ({
      number: stage.number,
      title: stage.title,
      done: stage.topics.filter((topic) => stateOf(progress, topic.id) === "done").length,
      total: stage.topics.length,
    })),
    ...(current ? { current: current.number } : {}),
    done: overall.done,
    total: overall.total,
    levels: levels.map((level) => ({ level, label: levelLabel[level], ...byLevel[level] })),
  };
}

/** A leaderboard as a card: its top 10, and the asker below when they are further down. */
export function leaderboardCardView(
  board: Leaderboard,
  title: string,
  period: string | undefined,
  askerName: string,
): LeaderboardCardView {
  const rows = board.top.slice(0, 10).map((line) => ({
    rank: line.rank,
    name: pictureName(line.name),
    points: line.points,
    ...(line.me ? { me: true } : {}),
  }));
  const shown = rows.some((row) => row.me);
  return {
    kind: "leaderboard",
    title,
    ...(period ? { period } : {}),
    rows,
    ...(board.mine && !shown && !board.hidden
      ? { mine: { rank: board.mine.rank, name: pictureName(askerName), points: board.mine.points, me: true } }
      : {}),
  };
}

/**
 * A team's map, for the weekly recap: each person's map summed, so a station is done once every
 * one of them has done it and partly done in proportion to all their topics there; the pin marks
 * the stage of the middle person (half are on it or further). Undefined for nobody.
 */
export function teamProgressMapView(
  roadmap: Roadmap,
  progresses: readonly UserProgress[],
  subject: string,
): ProgressMapView | undefined {
  const maps = progresses.map((progress) => progressMapView(roadmap, progress, subject));
  const [first] = maps;
  if (!first) return undefined;
  const sum = <T extends { done: number; total: number }>(parts: (map: ProgressMapView) => readonly T[]): T[] =>
    parts(first).map((part, index) => ({
      ...part,
      done: maps.reduce((total, map) => total + (parts(map)[index]?.done ?? 0), 0),
      total: maps.reduce((total, map) => total + (parts(map)[index]?.total ?? 0), 0),
    }));
  // Someone with every stage done stands past the last one.
  const stages = maps.map((map) => map.current ?? Number.POSITIVE_INFINITY).sort((a, b) => a - b);
  const middle = stages[Math.floor((stages.length - 1) / 2)] ?? Number.POSITIVE_INFINITY;
  const { current: _, ...shared } = first;
  return {
    ...shared,
    people: maps.length,
    stations: sum((map) => map.stations),
    levels: sum((map) => map.levels),
    done: maps.reduce((total, map) => total + map.done, 0),
    total: maps.reduce((total, map) => total + map.total, 0),
    ...(Number.isFinite(middle) ? { current: middle } : {}),
  };
}
