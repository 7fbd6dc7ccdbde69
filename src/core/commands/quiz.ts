import type { Roadmap } from "../../content/schema.ts";
import { choiceButtons, explanation, questionBlocks } from "../../quiz/question-blocks.ts";
import { newSeed, type Question, questionFor } from "../../quiz/questions.ts";
import type { QuizAnswer } from "../../quiz/quiz-record.ts";
import type { Command, CommandContext } from "../command.ts";
import { quote, UserError } from "../errors.ts";
import { type Button, type Reply, reply } from "../reply.ts";

/** Reads a choice number 1-4 from a word, or says what to type. */
export function choiceNumber(word: string | undefined, example: string): number {
  const n = word !== undefined && /^[1-4]$/.test(word) ? Number(word) : undefined;
  if (n === undefined) {
    throw new UserError(
      "quiz.choice",
      word === undefined
        ? "Which answer? Give its number, 1 to 4."
        : `${quote(word, 20)} is not one of the choices 1 to 4.`,
      `Type \`${example}\`.`,
    );
  }
  return n;
}

/** `quiz`: a new private question, replacing any open one. */
async function ask(context: CommandContext): Promise<Reply> {
  const { roadmap, who, quizzes, standings, now, lookup } = context;
  const seed = newSeed();
  const question = questionFor(roadmap, seed);
  await standings.people.withLock(who, async () => {
    const unit = standings.people.unit();
    await quizzes.ask(who, await quizzes.load(who), { seed, roadmapId: roadmap.id, askedAt: now.toISOString() }, unit);
    await unit.commit();
  });
  return reply([
    ...questionBlocks(question),
    { type: "actions", buttons: choiceButtons(question, (n) => lookup.command(`quiz answer ${n} ${seed}`)) },
    { type: "context", text: `Only you see this. \`${lookup.command("quiz answer 2")}\` answers by text.` },
  ]);
}

type Answered =
  | { kind: "answered" }
  | { kind: "gone" }
  | { kind: "new"; question: Question; right: boolean; owner: Roadmap };

/** `quiz answer <1-4> [question]`: answers the person's open question, once. */
async function answer(context: CommandContext, words: string[]): Promise<Reply> {
  const { roadmap, who, quizzes, standings, now, lookup } = context;
  const n = choiceNumber(words[0], lookup.command("quiz answer 2"));
  const seed = words[1];
  const outcome = await standings.people.withLock(who, async (): Promise<Answered> => {
    const mine = await quizzes.load(who);
    const open = mine.open;
    if (!open || (seed !== undefined && seed !== open.seed)) {
      const answered = seed !== undefined && mine.answers.some((one) => one.seed === seed && !one.channelQuiz);
      return answered ? { kind: "answered" } : { kind: "gone" };
    }
    const owner = context.roadmaps.find((one) => one.id === open.roadmapId) ?? roadmap;
    const question = questionFor(owner, open.seed);
    const topic = owner.topicsById.get(question.topicId);
    const record: QuizAnswer = {
      seed: open.seed,
      roadmapId: owner.id,
      topicId: question.topicId,
      stageNumber: topic?.stageNumber ?? 1,
      right: n - 1 === question.answer,
      at: now.toISOString(),
    };
    const unit = standings.people.unit();
    await quizzes.answer(who, mine, record, unit);
    await unit.commit();
    return { kind: "new", question, right: record.right, owner };
  });
  const again: Button[] = [
    { label: "Another question", command: lookup.command("quiz"), style: "primary" },
    { label: "Quiz stats", command: lookup.command("quiz stats") },
  ];
  if (outcome.kind === "answered") {
    return reply([
      { type: "text", text: "You already answered that question." },
      { type: "actions", buttons: again },
    ]);
  }
  if (outcome.kind === "gone") {
    throw new UserError(
      "quiz.no-open-question",
      seed === undefined
        ? "You have no open question."
        : "That question is no longer open: you asked a newer one since.",
      `Type \`${lookup.command("quiz")}\` for a question.`,
    );
  }
  const { question, right, owner } = outcome;
  const correct = question.choices[question.answer];
  return reply([
    {
      type: "text",
      text: right
        ? `Right: ${question.answer + 1}. ${correct?.label ?? ""}.`
        : `Not quite: the answer is ${question.answer + 1}. ${correct?.label ?? ""} (you chose ${n}).`,
    },
    ...explanation(owner, question),
    { type: "actions", buttons: again },
  ]);
}

/**
 * `quiz pick <quiz> <1-4>`, what the buttons of a channel's quiz send: records the clicker's
 * answer once and confirms it privately. Right or wrong is told to everyone at the reveal.
 */
async function pick(context: CommandContext, words: string[]): Promise<Reply> {
  const { who, channelQuizzes, now, lookup } = context;
  const id = words[0] ?? "";
  const choice = choiceNumber(words[1], lookup.command("quiz answer 2"));
  // A channel's quiz is answered in that channel: the answer is kept (and settled) by user id there.
  const posted = await channelQuizzes.posted(id);
  if (
    posted &&
    (posted.platform !== who.platform || posted.teamId !== (who.teamId ?? "-") || posted.channelId !== who.channelId)
  ) {
    throw new UserError(
      "quiz.other-channel",
      "That quiz belongs to another channel: answer it there, with its buttons.",
      `Type \`${lookup.command("quiz")}\` for a question of your own.`,
    );
  }
  const outcome = await channelQuizzes.answer(posted, who.userId, {
    choice,
    at: now.toISOString(),
    ...(who.displayName ? { name: who.displayName.slice(0, 200) } : {}),
  });
  if (outcome.kind === "unknown") {
    throw new UserError(
      "quiz.unknown",
      "That quiz is no longer open.",
      `Type \`${lookup.command("quiz")}\` for a question of your own.`,
    );
  }
  if (outcome.kind === "revealed") {
    const roadmap = context.roadmaps.find((one) => one.id === outcome.quiz.roadmapId) ?? context.roadmap;
    const question = questionFor(roadmap, outcome.quiz.seed);
    return reply([
      {
        type: "text",
        text: `This quiz is over: the answer was ${question.answer + 1}. ${question.choices[question.answer]?.label ?? ""}.`,
      },
    ]);
  }
  if (outcome.kind === "again") {
    return reply([
      {
        type: "text",
        text: `You already answered this quiz (you chose ${outcome.choice}). The answer comes with the reveal.`,
      },
    ]);
  }
  // One write: the answer, in the quiz's answer book. The person's own quiz document and the quiz
  // board (and with it their profile) are written at the reveal, when right or wrong is known.
  const sofar =
    outcome.answers === undefined
      ? ""
      : outcome.answers === 1
        ? " You are the first to answer."
        : ` ${outcome.answers} have answered so far.`;
  return reply([
    {
      type: "text",
      text: `Got it: you chose ${choice}.${sofar} The answer comes with the reveal.`,
    },
  ]);
}

/** `quiz stats`: answered, share right, and the same by stage. */
async function stats(context: CommandContext): Promise<Reply> {
  const { who, quizzes, roadmap, lookup } = context;
  // A channel quiz's answer is in here from its reveal on: until then not even its owner knows.
  const answers = (await quizzes.load(who)).answers.filter((one) => one.roadmapId === roadmap.id);
  if (answers.length === 0) {
    return reply([
      { type: "text", text: `No quiz answers yet. \`${lookup.command("quiz")}\` asks your first question.` },
    ]);
  }
  const share = (list: readonly QuizAnswer[]) =>
    `${Math.round((100 * list.filter((one) => one.right).length) / list.length)}%`;
  const byStage = new Map<number, QuizAnswer[]>();
  for (const one of answers) byStage.set(one.stageNumber, [...(byStage.get(one.stageNumber) ?? []), one]);
  const lines = [...byStage]
    .sort(([a], [b]) => a - b)
    .map(([number, list]) => {
      const title = roadmap.stages.find((stage) => stage.number === number)?.title ?? "";
      return `Stage ${number} · ${title}: ${list.length} answered, ${share(list)} right`;
    });
  return reply([
    { type: "header", text: "Your quiz stats" },
    {
      type: "fields",
      fields: [
        { label: "Answered", value: String(answers.length) },
        { label: "Right", value: share(answers) },
        { label: "From channel quizzes", value: String(answers.filter((one) => one.channelQuiz).length) },
      ],
    },
    { type: "text", text: lines.join("\n") },
    { type: "actions", buttons: [{ label: "Another question", command: lookup.command("quiz"), style: "primary" }] },
  ]);
}

export default {
  name: "quiz",
  summary: "A quiz question made from the roadmap, just for you",
  argument: {
    name: "answer",
    description: "answer <1-4>, or stats",
    required: false,
    kind: "text",
    example: "quiz answer 2",
  },
  modes: [
    { name: "ask", summary: "A new question, only for you" },
    {
      name: "answer",
      summary: "Answer your open question",
      options: [{ name: "choice", description: "The number of your answer, 1 to 4", example: "2" }],
    },
    { name: "stats", summary: "How many you answered and got right, by stage" },
  ],
  run(context) {
    const [first = "", ...rest] = context.arg.split(" ").filter((word) => word !== "");
    const mode = first.toLowerCase();
    if (mode === "" || mode === "ask") return ask(context);
    if (mode === "answer") return answer(context, rest);
    if (mode === "stats") return stats(context);
    if (mode === "pick") return pick(context, rest);
    // `quiz 2`: a number alone answers too (and a number out of range is told so).
    if (/^\d+$/.test(mode)) return answer(context, [mode, ...rest]);
    throw new UserError(
      "quiz.unknown-mode",
      `\`quiz\` does not know ${quote(first, 20)}.`,
      `Type \`${context.lookup.command("quiz")}\` for a question, \`${context.lookup.command("quiz answer 2")}\` to answer, or \`${context.lookup.command("quiz stats")}\`.`,
    );
  },
} satisfies Command;
