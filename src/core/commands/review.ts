import type { Topic } from "../../content/schema.ts";
import { type GradeWord, grades } from "../../review/deck.ts";
import { isDue, type QueuedReview, reviewQueue, reviewStatus } from "../../review/queue.ts";
import { answer } from "../../review/spacing.ts";
import type { Command, CommandContext } from "../command.ts";
import { quote, UserError } from "../errors.ts";
import { type Block, type Button, type Reply, reply } from "../reply.ts";

const dayMs = 86_400_000;

const gradeLabels: Record<GradeWord, string> = { remembered: "Remembered", fuzzy: "Fuzzy", forgot: "Forgot" };

/** "in 9 days": whole days, rounded up, so a review due in 30 hours reads "in 2 days". */
const comesBackIn = (due: number, now: Date): string => {
  const days = Math.max(1, Math.ceil((due - now.getTime()) / dayMs));
  return days === 1 ? "tomorrow" : `in ${days} days`;
};

const percent = (share: number): string => `${Math.round(share * 100)}%`;

/** The queue of the person's reviews on this roadmap, in their own zone. */
async function queueOf(context: CommandContext) {
  const { roadmap, who, progress, reviews, standings, now } = context;
  const [mine, deck, zone] = await Promise.all([
    progress.load(roadmap, who),
    reviews.load(roadmap.id, who),
    standings.personalZone(who),
  ]);
  return { mine, deck, zone, queue: reviewQueue(roadmap, mine, deck, zone, now) };
}

/**
 * The buttons that answer one review. Each carries how many answers the card had when shown, so
 * a second click, or a button left from an earlier day, is told apart from a new answer.
 */
const answerButtons = (context: CommandContext, review: QueuedReview): Button[] =>
  grades.map((grade) => ({
    label: gradeLabels[grade],
    command: context.lookup.command(`review ${review.topic.id} ${grade} ${review.card?.reps ?? 0}`),
    ...(grade === "remembered" ? { style: "primary" as const } : {}),
  }));

const stageLine = (context: CommandContext, topic: Topic): string =>
  `Stage ${topic.stageNumber} · ${context.roadmap.stages.find((stage) => stage.number === topic.stageNumber)?.title ?? ""}`;

/** `review`: the most overdue topic, by title and stage only, and the three answers. */
async function show(context: CommandContext): Promise<Reply> {
  const { lookup, now } = context;
  const { queue } = await queueOf(context);
  const due = queue.filter((review) => isDue(review, now));
  const first = due[0];
  if (!first) {
    const next = queue[0];
    return reply([
      { type: "text", text: "Nothing to review right now." },
      {
        type: "context",
        text: next
          ? `Next: ${next.topic.title}, ${comesBackIn(next.due, now)}. \`${lookup.command("review status")}\` shows your overview.`
          : `Topics you mark done come back here, spaced out so they stick. \`${lookup.command("next")}\` shows one to study.`,
      },
    ]);
  }
  return reply([
    { type: "header", text: `Review: ${first.topic.title}` },
    {
      type: "text",
      text: `${stageLine(context, first.topic)}. Do you still know what it is about and how it works? Answer honestly: the schedule adapts to you.`,
    },
    { type: "actions", buttons: answerButtons(context, first) },
    {
      type: "context",
      text:
        due.length > 1
          ? `${due.length - 1} more due after this one.`
          : `The last review due now. \`${lookup.command("review status")}\` shows your overview.`,
    },
  ]);
}

/** Reads `<topic words> <grade> [answers so far]` (the typed form, and what the buttons send). */
function parseAnswer(context: CommandContext, words: string[]): { topic: Topic; grade: GradeWord; stamp?: number } {
  const example = context.lookup.command("review argocd-architecture remembered");
  const last = words.at(-1);
  const stamp = last !== undefined && /^\d{1,6}$/.test(last) ? Number(last) : undefined;
  const rest = stamp === undefined ? words : words.slice(0, -1);
  const gradeWord = rest.at(-1)?.toLowerCase();
  const grade = grades.find((word) => word === gradeWord);
  if (!grade || rest.length < 2) {
    throw new UserError(
      "review.answer",
      gradeWord && !grade
        ? `${quote(rest.at(-1) ?? "")} is not an answer to a review.`
        : "A review answer names the topic and how well you remembered it.",
      `Type \`${example}\` (or fuzzy, or forgot), or just \`${context.lookup.command("review")}\` for the next one.`,
    );
  }
  const topic = context.lookup.topic(rest.slice(0, -1).join(" "), "review");
  return { topic, grade, ...(stamp === undefined ? {} : { stamp }) };
}

/** `review <topic> remembered|fuzzy|forgot`: schedules the topic again and shows the check. */
async function answerReview(context: CommandContext, words: string[]): Promise<Reply> {
  const { roadmap, who, reviews, standings, now, lookup } = context;
  const { topic, grade, stamp } = parseAnswer(context, words);
  const outcome = await standings.people.withLock(who, async () => {
    const { mine, deck, queue } = await queueOf(context);
    if (mine.topics.get(topic.id)?.status !== "done") {
      throw new UserError(
        "review.not-done",
        `${topic.title} is not in your reviews: only topics you marked done come back for review.`,
        `Type \`${lookup.command(`done ${topic.id}`)}\` once you have studied it.`,
      );
    }
    const card = deck.cards.get(topic.id);
    if (stamp !== undefined && stamp !== (card?.reps ?? 0)) return { answered: false as const, card };
    const next = answer(card, grade, now);
    const unit = standings.people.unit();
    await reviews.record(
      roadmap.id,
      who,
      deck,
      next,
      { topicId: topic.id, grade, at: now.toISOString(), due: next.due, ...(card ? {} : { backfill: true }) },
      unit,
    );
    await unit.commit();
    const stillDue = queue.filter((review) => review.topic.id !== topic.id && isDue(review, now)).length;
    return { answered: true as const, card: next, stillDue };
  });
  const when = outcome.card ? comesBackIn(Date.parse(outcome.card.due), now) : "later";
  if (!outcome.answered) {
    return reply([
      { type: "text", text: `You already answered this review: ${topic.title} comes back ${when}.` },
      { type: "actions", buttons: [{ label: "Next review", command: lookup.command("review") }] },
    ]);
  }
  const blocks: Block[] = [
    { type: "header", text: `${gradeLabels[grade]}: ${topic.title}` },
    { type: "text", text: `The check: ${topic.description}` },
    { type: "context", text: `${stageLine(context, topic)} · it comes back ${when}.` },
    outcome.stillDue > 0
      ? { type: "actions", buttons: [{ label: "Next review", command: lookup.command("review"), style: "primary" }] }
      : { type: "context", text: "That was the last review due now. Well done." },
  ];
  return reply(blocks);
}

/** `review status`: what is due, what was done lately, and how much is likely remembered. */
async function status(context: CommandContext): Promise<Reply> {
  const { roadmap, now, lookup } = context;
  const { deck, queue } = await queueOf(context);
  const summary = reviewStatus(roadmap, queue, deck, now);
  if (queue.length === 0) {
    return reply([
      { type: "header", text: "Your reviews" },
      {
        type: "text",
        text: `No reviews yet: topics you mark done come back here, spaced out so they stick. \`${lookup.command("next")}\` shows one to study.`,
      },
    ]);
  }
  const blocks: Block[] = [
    { type: "header", text: "Your reviews" },
    {
      type: "fields",
      fields: [
        { label: "Due now", value: String(summary.dueNow) },
        { label: "Due this week", value: String(summary.dueThisWeek) },
        { label: "Reviewed in 30 days", value: String(summary.reviewedLast30Days) },
        { label: "Topics scheduled", value: String(queue.length) },
      ],
    },
  ];
  if (summary.recall !== undefined) {
    const weakest = summary.weakest;
    blocks.push({
      type: "text",
      text: `You likely still remember ${percent(summary.recall)} of what you reviewed${
        weakest ? `; weakest: stage ${weakest.stageNumber} · ${weakest.title} (${percent(weakest.recall)})` : ""
      }.`,
    });
  }
  if (summary.dueNow > 0) {
    blocks.push({
      type: "actions",
      buttons: [{ label: "Review now", command: lookup.command("review"), style: "primary" }],
    });
  } else if (summary.next) {
    blocks.push({ type: "context", text: `Next: ${summary.next.topic.title}, ${comesBackIn(summary.next.due, now)}.` });
  }
  blocks.push({
    type: "context",
    text: "Estimates come from FSRS, the spaced-repetition model: each answer moves the next review.",
  });
  return reply(blocks);
}

export default {
  name: "review",
  summary: "Review a topic you finished, spaced out so it sticks",
  argument: {
    name: "answer",
    description: "status, or a topic and remembered, fuzzy or forgot",
    required: false,
    kind: "text",
    example: "review argocd-architecture remembered",
  },
  modes: [
    { name: "next", summary: "The topic most due for review, with Remembered, Fuzzy and Forgot" },
    { name: "status", summary: "Reviews due now and this week, and how much you likely remember" },
    {
      name: "answer",
      summary: "Answer a review: the topic and how well you remembered it",
      options: [
        { name: "topic", description: "The topic you reviewed", example: "argocd-architecture", autocomplete: "topic" },
        { name: "grade", description: "remembered, fuzzy or forgot", example: "remembered" },
      ],
    },
  ],
  run(context) {
    const [first = "", ...rest] = context.arg.split(" ").filter((word) => word !== "");
    const mode = first.toLowerCase();
    if (mode === "" || mode === "next") return show(context);
    if (mode === "status") return status(context);
    return answerReview(context, mode === "answer" ? rest : [first, ...rest]);
  },
} satisfies Command;
