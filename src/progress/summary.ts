import { type Level, levels, type Roadmap, type Stage, type Topic } from "../content/schema.ts";
import type { TopicState, UserProgress } from "./model.ts";

export const stateOf = (progress: UserProgress, topicId: string): TopicState =>
  progress.topics.get(topicId)?.status ?? "todo";

/**
 * Whole percent for display: above zero as soon as anything is done and below 100 until
 * everything is, so 1 of 112 shows 1% and 111 of 112 shows 99%.
 */
export function percent(done: number, total: number): number {
  if (total <= 0 || done <= 0) return 0;
  if (done >= total) return 100;
  return Math.min(99, Math.max(1, Math.round((done / total) * 100)));
}

export interface Count {
  done: number;
  total: number;
}

export const countDone = (progress: UserProgress, topics: readonly Topic[]): Count => ({
  done: topics.filter((topic) => stateOf(progress, topic.id) === "done").length,
  total: topics.length,
});

export const countByLevel = (progress: UserProgress, roadmap: Roadmap): Record<Level, Count> =>
  Object.fromEntries(
    levels.map((level) => [
      level,
      countDone(
        progress,
        roadmap.topics.filter((topic) => topic.level === level),
      ),
    ]),
  ) as Record<Level, Count>;

const levelRank: Record<Level, number> = { required: 0, recommended: 1, optional: 2 };

const studyOrders = new WeakMap<Roadmap, Topic[]>();
function studyOrder(roadmap: Roadmap): Topic[] {
  let order = studyOrders.get(roadmap);
  if (!order) {
    order = [...roadmap.topics].sort((a, b) => levelRank[a.level] - levelRank[b.level] || a.order - b.order);
    studyOrders.set(roadmap, order);
  }
  return order;
}

/**
 * The topic to study next: Required before Recommended before Optional, each in roadmap order.
 * Skipped topics come back only once everything else is done.
 */
export function nextTopic(progress: UserProgress, roadmap: Roadmap): Topic | undefined {
  const byPriority = studyOrder(roadmap);
  return (
    byPriority.find((topic) => stateOf(progress, topic.id) === "todo" || stateOf(progress, topic.id) === "learning") ??
    byPriority.find((topic) => stateOf(progress, topic.id) === "skipped")
  );
}

/** The first stage with a Required topic not done yet (else the first with anything left to do). */
export function currentStage(progress: UserProgress, roadmap: Roadmap): Stage | undefined {
  const open = (stage: Stage, onlyRequired: boolean) =>
    stage.topics.some(
      (topic) => (!onlyRequired || topic.level === "required") && stateOf(progress, topic.id) !== "done",
    );
  return roadmap.stages.find((stage) => open(stage, true)) ?? roadmap.stages.find((stage) => open(stage, false));
}
