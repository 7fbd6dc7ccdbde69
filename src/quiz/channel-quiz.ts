import { createHash } from "node:crypto";
import { z } from "zod";
import type { Logger } from "../logger.ts";
import { rememberRecent } from "../recent-map.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import type { AnswerBook } from "./answer-book.ts";

const instant = z.iso.datetime();

export const channelAnswerSchema = z.object({
  choice: z.number().int().min(1).max(4),
  at: instant,
  /** The display name at the time, for the reveal's first three right. */
  name: z.string().max(200).optional(),
});
export type ChannelAnswer = z.infer<typeof channelAnswerSchema>;

/** A quiz posted to a channel with a daily slot; answered by anyone there, once; revealed once. */
export const channelQuizSchema = z.object({
  id: z.string(),
  seed: z.string(),
  roadmapId: z.string(),
  platform: z.string(),
  teamId: z.string(),
  channelId: z.string(),
  postedAt: instant,
  revealedAt: instant.optional(),
});
export type ChannelQuiz = z.infer<typeof channelQuizSchema>;

/**
 * The quiz of one subscription's slot: its id and seed come from the slot, so a post retried
 * after a crash asks the same question under the same id. Short, since buttons carry the id.
 */
export function slotQuizIdentity(subscriptionId: string, date: string): { id: string; seed: string } {
  const digest = createHash("sha256").update(`${subscriptionId}@${date}`).digest("hex");
  return { id: digest.slice(0, 16), seed: digest.slice(16, 32) };
}

export type AnswerOutcome =
  | { kind: "recorded"; quiz: ChannelQuiz; answers?: number }
  | { kind: "again"; quiz: ChannelQuiz; choice: number }
  | { kind: "revealed"; quiz: ChannelQuiz }
  | { kind: "unknown" };

/** Enough quizzes posted in the last moments to answer their crowds from memory; a handful of KB. */
const postedCacheSize = 256;

/** Channel quizzes in the store; each one's answers are changed under that quiz's lock. */
export class ChannelQuizRepository {
  /**
   * Quizzes as read by posted(), most recent last; a read under way is shared, since a crowd
   * clicks at once. Only fields that never change are used from here: whether a quiz is still open
   * is the answer book's to say (it is closed at the reveal).
   */
  private readonly postedQuizzes = new Map<string, Promise<ChannelQuiz | undefined>>();

  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
    private readonly book: AnswerBook,
  ) {}

  async get(id: string): Promise<ChannelQuiz | undefined> {
    const key = keys.channelQuiz(id);
    const value = await this.store.get(key);
    if (value === undefined) return undefined;
    const parsed = channelQuizSchema.safeParse(value);
    if (!parsed.success) this.logger.warn({ key, issues: parsed.error.issues }, "ignoring corrupt channel quiz");
    return parsed.success ? parsed.data : undefined;
  }

  /**
   * A quiz for answering it: where it was posted and what it asks, from memory after the first
   * read, since a crowd answers the same quiz at once. Its revealedAt may be stale (another
   * process revealed it); answer() learns that from the closed answer book instead.
   */
  posted(id: string): Promise<ChannelQuiz | undefined> {
    const known = this.postedQuizzes.get(id);
    if (known) return known;
    const reading = this.get(id);
    this.remember(id, reading);
    // An unknown or unreadable quiz is read again next time: it may be posted, or the store back.
    reading.then(
      (quiz) => quiz ?? this.forgetPosted(id, reading),
      () => this.forgetPosted(id, reading),
    );
    return reading;
  }

  private forgetPosted(id: string, reading: Promise<ChannelQuiz | undefined>): void {
    if (this.postedQuizzes.get(id) === reading) this.postedQuizzes.delete(id);
  }

  private remember(id: string, quiz: Promise<ChannelQuiz | undefined>): void {
    rememberRecent(this.postedQuizzes, id, quiz, postedCacheSize);
  }

  /** Stores a new quiz; one already stored under the id (a retried post) is kept as it is. */
  create(quiz: ChannelQuiz): Promise<ChannelQuiz> {
    return this.store.withLock(keys.channelQuiz(quiz.id), async () => {
      const existing = await this.get(quiz.id);
      if (existing) return existing;
      await this.store.set(keys.channelQuiz(quiz.id), quiz);
      return quiz;
    });
  }

  /**
   * Records one person's answer to a quiz as just read (posted), once: a second one, or one after
   * the reveal, changes nothing. The answers live in the answer book, which also knows whether
   * the quiz is still open.
   */
  async answer(quiz: ChannelQuiz | undefined, userId: string, answer: ChannelAnswer): Promise<AnswerOutcome> {
    if (!quiz) return { kind: "unknown" };
    if (quiz.revealedAt) return { kind: "revealed", quiz };
    const added = await this.book.add(quiz.id, userId, answer);
    if (added.closed) return { kind: "revealed", quiz };
    if (!added.added) return { kind: "again", quiz, choice: added.kept.choice };
    return { kind: "recorded", quiz, ...(added.count === undefined ? {} : { answers: added.count }) };
  }

  /** Every answer of a quiz, by user id. */
  answers(id: string): Promise<Map<string, ChannelAnswer>> {
    return this.book.all(id);
  }

  /** How many have answered a quiz. */
  count(id: string): Promise<number> {
    return this.book.count(id);
  }

  /** Takes one person's answer out of a quiz (forget-me); the count drops with it. */
  forget(id: string, userId: string): Promise<void> {
    return this.book.remove(id, userId);
  }

  /**
   * Marks the quiz revealed (once), its answer book closed first: once this resolves, the book
   * holds every answer that was told "Got it" and takes no more. Resolves with the quiz as stored
   * after, or undefined when unknown.
   */
  markRevealed(id: string, at: Date): Promise<ChannelQuiz | undefined> {
    return this.store.withLock(keys.channelQuiz(id), async () => {
      const quiz = await this.get(id);
      if (!quiz) return quiz;
      // Closed again when revealed already: a reveal cut short between the two writes is run again.
      await this.book.close(id);
      if (quiz.revealedAt) return quiz;
      const revealed = { ...quiz, revealedAt: at.toISOString() };
      await this.store.set(keys.channelQuiz(id), revealed);
      this.remember(id, Promise.resolve(revealed));
      return revealed;
    });
  }
}
