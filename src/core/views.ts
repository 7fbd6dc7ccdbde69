import type { Level, Roadmap, Stage, Topic } from "../content/schema.ts";
import type { TopicState, UserProgress } from "../progress/model.ts";
import { countDone, stateOf } from "../progress/summary.ts";
import type { RoadmapLookup } from "./lookup.ts";
import type { Block, Button, TopicLine } from "./reply.ts";

/** Pieces of replies that several commands show the same way. */

export const levelLabel: Record<Level, string> = {
  required: "Required",
  recommended: "Recommended",
  optional: "Optional",
};

export const stateLabel: Record<TopicState, string> = {
  done: "Done",
  learning: "Learning",
  skipped: "Skipped",
  todo: "Not started",
};

/** How many of `width` cells a progress bar fills: at least one once anything is done, all only when all is. */
export function filledCells(done: number, total: number, width: number): number {
  if (done <= 0 || total <= 0) return 0;
  if (done >= total) return width;
  return Math.min(width - 1, Math.max(1, Math.round((done / total) * width)));
}

export const stageName = (stage: Stage): string => `Stage ${stage.number} · ${stage.title}`;

export function topicLine(lookup: RoadmapLookup, topic: Topic, progress: UserProgress, note?: string): TopicLine {
  const state = stateOf(progress, topic.id);
  const action: Button =
    state === "done"
      ? { label: "Undo", command: lookup.command(`undo ${topic.id}`) }
      : { label: "Done", command: lookup.command(`done ${topic.id}`) };
  return { id: topic.id, title: topic.title, level: topic.level, state, action, ...(note ? { note } : {}) };
}

export const topicButtons = (lookup: RoadmapLookup, topic: Topic): Button[] => [
  { label: "Done", command: lookup.command(`done ${topic.id}`), style: "primary" },
  { label: "Learning", command: lookup.command(`start ${topic.id}`) },
  { label: "Skip", command: lookup.command(`skip ${topic.id}`) },
  { label: "Next topic", command: lookup.command("next") },
];

/** A topic with its stage context, level, the person's status and the one-click progress buttons. */
export function topicCard(lookup: RoadmapLookup, topic: Topic, progress: UserProgress, heading = topic.title): Block[] {
  const { roadmap } = lookup;
  const stage = roadmap.stages[topic.stageNumber - 1];
  return [
    { type: "header", text: heading },
    { type: "text", text: topic.description },
    {
      type: "fields",
      fields: [
        { label: "Level", value: levelLabel[topic.level] },
        { label: "Stage", value: stage ? `${stage.number} · ${stage.title}` : String(topic.stageNumber) },
        { label: "Topic", value: `${topic.indexInStage} of ${stage?.topics.length ?? "?"} in this stage` },
        { label: "Your status", value: stateLabel[stateOf(progress, topic.id)] },
      ],
    },
    { type: "actions", buttons: topicButtons(lookup, topic) },
    {
      type: "context",
      text: `${roadmap.title} · stage ${topic.stageNumber} of ${roadmap.stages.length} · id \`${topic.id}\``,
    },
  ];
}

/** One progress bar per stage: the overview both `stages` and `progress` show. */
export const stageBars = (roadmap: Roadmap, progress: UserProgress): Block[] =>
  roadmap.stages.map((stage) => ({
    type: "progress",
    label: `${stage.number}. ${stage.title}`,
    ...countDone(progress, stage.topics),
  }));
