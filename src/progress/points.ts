import type { Level, Roadmap } from "../content/schema.ts";
import type { UserProgress } from "./model.ts";

/** What a topic marked done is worth on a leaderboard: the level weights the effort. A skip earns nothing. */
export const levelPoints: Readonly<Record<Level, number>> = Object.freeze({ required: 3, recommended: 2, optional: 1 });

/**
 * A person's points on a roadmap, from their progress alone: every topic of the roadmap marked
 * done and (when `counts` is given) done at an instant it accepts. Topics removed from the
 * roadmap count for nothing. Being a function of the progress document, points never drift
 * from it: a leaderboard entry is always set to this value, never incremented.
 */
export function pointsOf(progress: UserProgress, roadmap: Roadmap, counts?: (doneAt: number) => boolean): number {
  let points = 0;
  for (const topic of roadmap.topics) {
    const record = progress.topics.get(topic.id);
    if (record?.status !== "done") continue;
    if (counts && !counts(Date.parse(record.since))) continue;
    points += levelPoints[topic.level];
  }
  return points;
}
