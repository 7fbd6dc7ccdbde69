import { z } from "zod";

/**
 * A person's review schedule on one roadmap: one spaced-repetition card per topic they marked done
 * (ts-fsrs's card fields, dates as ISO strings), and a short log of their answers. One document
 * per person and roadmap, so `review` reads one key whatever the size of the team.
 */

const instant = z.iso.datetime();

/** ts-fsrs's Card, as stored: its own field names, so nothing is renamed on the way in or out. */
export const storedCardSchema = z.object({
  due: instant,
  stability: z.number().nonnegative(),
  difficulty: z.number().nonnegative(),
  elapsed_days: z.number().int().nonnegative(),
  scheduled_days: z.number().int().nonnegative(),
  learning_steps: z.number().int().nonnegative(),
  reps: z.number().int().nonnegative(),
  lapses: z.number().int().nonnegative(),
  /** ts-fsrs State: 0 new, 1 learning, 2 review, 3 relearning. */
  state: z.number().int().min(0).max(3),
  last_review: instant.optional(),
});
export type StoredCard = z.infer<typeof storedCardSchema>;

/** The answers a person gives, in the words the buttons use. */
export const grades = ["remembered", "fuzzy", "forgot"] as const;
export type GradeWord = (typeof grades)[number];

export const reviewLogEntrySchema = z.object({
  topicId: z.string(),
  grade: z.enum(grades),
  at: instant,
  /** When the topic comes back after this answer. */
  due: instant,
  /**
   * The topic's first review from before reviews existed (a topic done earlier, given its card on
   * first use): these are what the daily limit on new reviews counts.
   */
  backfill: z.boolean().optional(),
});
export type ReviewLogEntry = z.infer<typeof reviewLogEntrySchema>;

/** Entries kept in the log: a month of daily reviews and then some; older ones are dropped. */
export const logLimit = 200;

export const storedDeckSchema = z.object({
  cards: z.record(z.string(), z.unknown()),
  log: z.array(z.unknown()).default([]),
});

export interface Deck {
  readonly cards: ReadonlyMap<string, StoredCard>;
  readonly log: readonly ReviewLogEntry[];
}

export const emptyDeck: Deck = Object.freeze({ cards: new Map(), log: [] });

/** The stored form of a deck. */
export const deckDocument = (deck: Deck) => ({ cards: Object.fromEntries(deck.cards), log: deck.log });
