import type { Roadmap } from "../content/schema.ts";
import type { Block, Button } from "../core/reply.ts";
import { truncate } from "../core/text.ts";
import type { Question } from "./questions.ts";

/** Button labels stay under both platforms' limits (Slack 75, Discord 80). */
const buttonLabelLength = 70;

/** The question as a person reads it: prompt, clue, and the four numbered choices. */
export function questionBlocks(question: Question): Block[] {
  return [
    { type: "header", text: `Quiz: ${question.prompt}` },
    ...(question.clue ? [{ type: "text" as const, text: question.clue }] : []),
    { type: "text", text: question.choices.map((choice, index) => `${index + 1}. ${choice.label}`).join("\n") },
  ];
}

/** One button per choice, numbered as listed, each running `command(n)`. */
export const choiceButtons = (question: Question, command: (n: number) => string): Button[] =>
  question.choices.map((choice, index) => ({
    label: truncate(`${index + 1}. ${choice.label}`, buttonLabelLength),
    command: command(index + 1),
  }));

/** What the right answer was, shown after any answer: the topic, its stage and its description. */
export function explanation(roadmap: Roadmap, question: Question): Block[] {
  const topic = roadmap.topicsById.get(question.topicId);
  if (!topic) return [];
  const stage = roadmap.stages.find((one) => one.number === topic.stageNumber);
  return [
    { type: "text", text: `${topic.title} · Stage ${topic.stageNumber} · ${stage?.title ?? ""}` },
    { type: "context", text: topic.description },
  ];
}
