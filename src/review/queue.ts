import type { Roadmap, Topic } from "../content/schema.ts";
import type { UserProgress } from "../progress/model.ts";
import { studyDay } from "../progress/streak.ts";
import type { Deck, StoredCard } from "./deck.ts";
import { recall } from "./spacing.ts";

/** Topics done before reviews existed enter the schedule at most this many a day. */
export const newReviewsPerDay = 10;

const dayMs = 86_400_000;

export interface QueuedReview {
  topic: Topic;
  /** Absent for a topic done before reviews existed: it gets its card when first answered. */
  card?: StoredCard;
  /** When it is due (ms since the epoch). */
  due: number;
}

/** How many earlier-done topics had their first review on the study day holding `now`. */
const backfilledToday = (deck: Deck, zone: string, now: Date): number => {
  const today = studyDay(now.getTime(), zone);
  return deck.log.filter((entry) => entry.backfill && studyDay(Date.parse(entry.at), zone) === today).length;
};

/**
 * Every topic the person has to review, soonest first: the cards of topics still marked done,
 * then the done topics that have no card yet (done before reviews existed), oldest first, as if
 * they joined at most `newReviewsPerDay` a day from today: the first ones today, the next ones
 * tomorrow, and so on. Those get a card only when answered, so looking writes nothing.
 */
export function reviewQueue(roadmap: Roadmap, progress: UserProgress, deck: Deck, zone: string, now: Date) {
  const queued: QueuedReview[] = [];
  const waiting: { topic: Topic; since: number }[] = [];
  for (const [topicId, record] of progress.topics) {
    const topic = roadmap.topicsById.get(topicId);
    if (!topic || record.status !== "done") continue;
    const card = deck.cards.get(topicId);
    if (card) queued.push({ topic, card, due: Date.parse(card.due) });
    else waiting.push({ topic, since: Date.parse(record.since) });
  }
  waiting.sort((a, b) => a.since - b.since || a.topic.order - b.topic.order);
  const free = Math.max(0, newReviewsPerDay - backfilledToday(deck, zone, now));
  waiting.forEach(({ topic }, index) => {
    const day = index < free ? 0 : 1 + Math.floor((index - free) / newReviewsPerDay);
    queued.push({ topic, due: now.getTime() + day * dayMs });
  });
  // Ties (the same instant) go in roadmap order, so the queue reads the same on every call.
  return queued.sort((a, b) => a.due - b.due || (a.card ? 0 : 1) - (b.card ? 0 : 1) || a.topic.order - b.topic.order);
}

export const isDue = (review: QueuedReview, now: Date): boolean => review.due <= now.getTime();

export interface ReviewStatus {
  dueNow: number;
  dueThisWeek: number;
  reviewedLast30Days: number;
  /** Mean estimated recall (0-1) over the cards, absent with no card. */
  recall?: number;
  /** The stage with the lowest mean recall, when any stage has a card. */
  weakest?: { stageNumber: number; title: string; recall: number };
  /** The next review after the ones due now, when there is one. */
  next?: QueuedReview;
}

export function reviewStatus(roadmap: Roadmap, queue: readonly QueuedReview[], deck: Deck, now: Date): ReviewStatus {
  const at = now.getTime();
  const dueNow = queue.filter((review) => review.due <= at).length;
  const dueThisWeek = queue.filter((review) => review.due <= at + 7 * dayMs).length;
  const reviewedLast30Days = deck.log.filter((entry) => Date.parse(entry.at) > at - 30 * dayMs).length;
  const byStage = new Map<number, number[]>();
  for (const review of queue) {
    if (!review.card) continue;
    const stage = byStage.get(review.topic.stageNumber) ?? [];
    stage.push(recall(review.card, now));
    byStage.set(review.topic.stageNumber, stage);
  }
  const all = [...byStage.values()].flat();
  const mean = (values: number[]) => values.reduce((sum, value) => sum + value, 0) / values.length;
  let weakest: ReviewStatus["weakest"];
  // A weakest stage only means something when there are two to compare.
  for (const [stageNumber, values] of byStage.size > 1 ? byStage : []) {
    const stageRecall = mean(values);
    if (!weakest || stageRecall < weakest.recall) {
      const title = roadmap.stages.find((stage) => stage.number === stageNumber)?.title ?? `Stage ${stageNumber}`;
      weakest = { stageNumber, title, recall: stageRecall };
    }
  }
  const next = queue.find((review) => review.due > at);
  return {
    dueNow,
    dueThisWeek,
    reviewedLast30Days,
    ...(all.length > 0 ? { recall: mean(all) } : {}),
    ...(weakest ? { weakest } : {}),
    ...(next ? { next } : {}),
  };
}
