import type { Roadmap } from "../content/schema.ts";
import type { RoadmapLookup } from "../core/lookup.ts";
import { type Reply, reply } from "../core/reply.ts";
import type { Revealed } from "./channel-quizzes.ts";
import { choiceButtons, explanation, questionBlocks } from "./question-blocks.ts";
import type { Question } from "./questions.ts";

/** The quiz as posted to a channel: the question and four buttons anyone there can answer with once. */
export function channelQuizReply(lookup: RoadmapLookup, quizId: string, question: Question, answered = 0): Reply {
  const [header, ...rest] = questionBlocks(question);
  return reply(
    [
      ...(header?.type === "header" ? [{ ...header, text: `Quiz of the day: ${question.prompt}` }] : []),
      ...rest,
      { type: "actions", buttons: choiceButtons(question, (n) => lookup.command(`quiz pick ${quizId} ${n}`)) },
      // Only how many: who answered what stays private until the reveal.
      { type: "text", text: answered === 0 ? "Nobody has answered yet." : `${answered} answered so far.` },
      {
        type: "context",
        text: `Answer once with the buttons; only you see your answer. The answer, and who got it right first, come with the next daily post or \`${lookup.command("daily quiz reveal")}\`. A right answer earns a point on \`${lookup.command("leaderboard quiz")}\`.`,
      },
    ],
    { private: false },
  );
}

const names = (list: readonly string[]): string =>
  list.length <= 1 ? (list[0] ?? "") : `${list.slice(0, -1).join(", ")} and ${list.at(-1)}`;

/** The reveal: every choice in its original order with the right one marked, and how the channel did. */
export function revealReply(roadmap: Roadmap, revealed: Revealed): Reply {
  const { question, answered, right, firstRight } = revealed;
  const choices = question.choices
    .map((choice, index) => `${index + 1}. ${choice.label}${index === question.answer ? "  ✓ the answer" : ""}`)
    .join("\n");
  const tally =
    answered === 0
      ? "Nobody answered this one."
      : `${answered} answered, ${right} right.${firstRight.length > 0 ? ` First right: ${names(firstRight)}.` : ""}`;
  return reply(
    [
      { type: "header", text: `Quiz answer: ${question.prompt}` },
      ...(question.clue ? [{ type: "context" as const, text: question.clue }] : []),
      { type: "text", text: choices },
      { type: "text", text: tally },
      ...explanation(roadmap, question),
    ],
    { private: false },
  );
}
