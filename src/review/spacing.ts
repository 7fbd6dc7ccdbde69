import { type Card, createEmptyCard, fsrs, type Grade, generatorParameters, Rating } from "ts-fsrs";
import type { GradeWord, StoredCard } from "./deck.ts";

/**
 * FSRS as the bot uses it: 90% target retention, and no same-day learning steps (minutes-long
 * steps make no sense in a chat). Fuzz spreads due dates a little so reviews do not bunch; ts-fsrs
 * seeds it from the card and the review time, so a fixed clock gives fixed dates.
 */
const scheduler = fsrs(generatorParameters({ request_retention: 0.9, enable_short_term: false, enable_fuzz: true }));

const ratings: Record<GradeWord, Grade> = { remembered: Rating.Good, fuzzy: Rating.Hard, forgot: Rating.Again };

const toCard = ({ due, last_review, ...fields }: StoredCard): Card => ({
  ...fields,
  due: new Date(due),
  ...(last_review ? { last_review: new Date(last_review) } : {}),
});

const toStored = (card: Card): StoredCard => ({
  due: card.due.toISOString(),
  stability: card.stability,
  difficulty: card.difficulty,
  elapsed_days: card.elapsed_days,
  scheduled_days: card.scheduled_days,
  learning_steps: card.learning_steps,
  reps: card.reps,
  lapses: card.lapses,
  state: card.state,
  ...(card.last_review ? { last_review: card.last_review.toISOString() } : {}),
});

/** The card after an answer; a topic without a card yet starts as a new one. */
export function answer(card: StoredCard | undefined, grade: GradeWord, at: Date): StoredCard {
  return toStored(scheduler.next(card ? toCard(card) : createEmptyCard(at), at, ratings[grade]).card);
}

/** The card a topic gets when it is marked done: a first "remembered" at that moment. */
export const cardForDone = (at: Date): StoredCard => answer(undefined, "remembered", at);

/** The estimated chance (0-1) that the person still remembers the topic at `at`. */
export const recall = (card: StoredCard, at: Date): number => scheduler.get_retrievability(toCard(card), at, false);
