import type { Logger } from "../logger.ts";
import type { Person } from "../progress/model.ts";
import { keys } from "../store/keys.ts";
import type { Documents, Store } from "../store/store.ts";
import {
  answerLimit,
  answerSchema,
  noQuizzes,
  type OpenQuestion,
  openQuestionSchema,
  type QuizAnswer,
  type Quizzes,
  storedQuizzesSchema,
} from "./quiz-record.ts";

/** Each person's quiz document. Writers hold the person's lock (PeopleRepository.withLock). */
export class QuizRepository {
  constructor(
    private readonly store: Store,
    private readonly logger: Logger,
  ) {}

  async load(person: Person, from: Documents = this.store): Promise<Quizzes> {
    const key = keys.quizzes(person);
    const value = await from.get(key);
    if (value === undefined) return noQuizzes;
    const stored = storedQuizzesSchema.safeParse(value);
    if (!stored.success) {
      this.logger.warn({ key, issues: stored.error.issues }, "ignoring corrupt quiz document");
      return noQuizzes;
    }
    const open = openQuestionSchema.safeParse(stored.data.open);
    const answers = stored.data.answers.flatMap((entry) => {
      const parsed = answerSchema.safeParse(entry);
      return parsed.success ? [parsed.data] : [];
    });
    return { ...(open.success ? { open: open.data } : {}), answers };
  }

  /** Stages the person's new open question (replacing any earlier one). */
  async ask(person: Person, quizzes: Quizzes, open: OpenQuestion, unit: Documents): Promise<void> {
    await unit.set(keys.quizzes(person), { open, answers: quizzes.answers });
  }

  /** Stages an answer; it closes the personal question when it answered that one. */
  async answer(person: Person, quizzes: Quizzes, answer: QuizAnswer, unit: Documents): Promise<void> {
    const closes = !answer.channelQuiz && quizzes.open?.seed === answer.seed;
    const open = closes ? undefined : quizzes.open;
    await unit.set(keys.quizzes(person), {
      ...(open ? { open } : {}),
      answers: [...quizzes.answers, answer].slice(-answerLimit),
    });
  }

  /** Stages the person's answers as given (a channel quiz's answer settled at its reveal). */
  async saveAnswers(person: Person, quizzes: Quizzes, answers: readonly QuizAnswer[], unit: Documents): Promise<void> {
    await unit.set(keys.quizzes(person), {
      ...(quizzes.open ? { open: quizzes.open } : {}),
      answers: answers.slice(-answerLimit),
    });
  }

  async delete(person: Person, unit: Documents = this.store): Promise<void> {
    await unit.delete(keys.quizzes(person));
  }
}
