import { z } from "zod";

/**
 * A person's quizzes, one document per person: the personal question they have open, and their
 * answers (personal and channel), which `quiz stats` counts and the quiz board's points come from.
 */

const instant = z.iso.datetime();

export const answerSchema = z.object({
  /** The question's seed: with the roadmap, it makes the question again. */
  seed: z.string(),
  roadmapId: z.string(),
  topicId: z.string(),
  /** The stage the question was about, for stats by stage. */
  stageNumber: z.number().int().positive(),
  right: z.boolean(),
  at: instant,
  /** Set for an answer to a channel's quiz: which one, and where (the quiz board's scope). */
  channelQuiz: z.object({ id: z.string(), teamId: z.string(), channelId: z.string() }).optional(),
  /** The number chosen (channel quizzes; a personal answer is kept as right or not). */
  choice: z.number().int().min(1).max(4).optional(),
});
export type QuizAnswer = z.infer<typeof answerSchema>;

export const openQuestionSchema = z.object({ seed: z.string(), roadmapId: z.string(), askedAt: instant });
export type OpenQuestion = z.infer<typeof openQuestionSchema>;

export const storedQuizzesSchema = z.object({
  open: z.unknown().optional(),
  answers: z.array(z.unknown()).default([]),
});

export interface Quizzes {
  readonly open?: OpenQuestion;
  readonly answers: readonly QuizAnswer[];
}

export const noQuizzes: Quizzes = Object.freeze({ answers: [] });

/** Answers kept: enough for stats and a year of channel quizzes; older ones are dropped. */
export const answerLimit = 500;
