import type { Roadmap } from "../content/schema.ts";
import type { Who } from "../progress/model.ts";
import type { Standings } from "../progress/standings.ts";
import type { ChannelQuiz, ChannelQuizRepository } from "./channel-quiz.ts";
import { type Question, questionFor } from "./questions.ts";
import type { QuizAnswer } from "./quiz-record.ts";
import type { QuizRepository } from "./quiz-repository.ts";

export interface ChannelQuizDeps {
  channelQuizzes: ChannelQuizRepository;
  quizzes: QuizRepository;
  standings: Standings;
}

/** What a reveal shows: the question, the right choice, and who answered. */
export interface Revealed {
  quiz: ChannelQuiz;
  question: Question;
  answered: number;
  right: number;
  /** Display names of the first three right answers, earliest first. */
  firstRight: string[];
}

/**
 * Reveals a channel quiz: marks it revealed (no more answers), then settles every answer in its
 * person's quiz document (right or not) and moves the right ones onto the quiz boards, each under
 * that person's lock. A reveal cut short is simply run again: answers already settled are
 * skipped, and board points are recomputed from the wins, never added. Undefined when the quiz or
 * its roadmap is unknown.
 */
export async function revealChannelQuiz(
  deps: ChannelQuizDeps,
  roadmaps: readonly Roadmap[],
  id: string,
  now: Date,
): Promise<Revealed | undefined> {
  const quiz = await deps.channelQuizzes.get(id);
  const roadmap = roadmaps.find((one) => one.id === quiz?.roadmapId);
  if (!quiz || !roadmap) return undefined;
  const question = questionFor(roadmap, quiz.seed);
  // Closed first, then the answers are read and settled: the closed answer book holds every answer
  // told "Got it" and refuses the rest, so a click in the same instant as the reveal is either
  // counted or told the quiz is over. Settling skips what is settled already, so a reveal cut
  // short is completed by running it again.
  const revealed = (await deps.channelQuizzes.markRevealed(id, now)) ?? quiz;
  // Earliest first; answers of the same millisecond in user-id order, so every reveal reads alike.
  const answers = [...(await deps.channelQuizzes.answers(id))].sort(
    ([userA, a], [userB, b]) => Date.parse(a.at) - Date.parse(b.at) || (userA < userB ? -1 : userA > userB ? 1 : 0),
  );
  for (const [userId, answer] of answers) {
    const who: Who = {
      platform: quiz.platform,
      userId,
      teamId: quiz.teamId,
      channelId: quiz.channelId,
      ...(answer.name ? { displayName: answer.name } : {}),
    };
    await settle(deps, roadmap, quiz, question, who, answer.choice, answer.at);
  }
  const rightAnswers = answers.filter(([, answer]) => answer.choice - 1 === question.answer);
  return {
    quiz: revealed,
    question,
    answered: answers.length,
    right: rightAnswers.length,
    firstRight: rightAnswers.slice(0, 3).map(([userId, answer]) => answer.name ?? userId),
  };
}

/** The quiz-board wins in a person's answers on one roadmap: right channel answers, revealed. */
const winsOf = (answers: readonly QuizAnswer[], roadmapId: string) =>
  answers.flatMap((one) =>
    one.channelQuiz && one.right && one.roadmapId === roadmapId
      ? [{ at: one.at, teamId: one.channelQuiz.teamId, channelId: one.channelQuiz.channelId }]
      : [],
  );

/**
 * Puts a person who turned public again back on the quiz boards of this week, this month and all
 * time, in every channel they won a quiz in, as `privacy public` does for the topics boards.
 */
export async function restoreQuizPlaces(deps: ChannelQuizDeps, who: Who, roadmaps: readonly Roadmap[], now: Date) {
  const { quizzes, standings } = deps;
  await standings.people.withLock(who, async () => {
    const { answers } = await quizzes.load(who);
    for (const roadmap of roadmaps) {
      const wins = winsOf(answers, roadmap.id);
      const scopes = new Map(wins.map((win) => [`${win.teamId}\n${win.channelId}`, win]));
      for (const scope of scopes.values()) {
        await standings.moveOnQuizBoards(who, roadmap.id, wins, scope, now, standings.people.unit());
      }
    }
  });
}

async function settle(
  deps: ChannelQuizDeps,
  roadmap: Roadmap,
  quiz: ChannelQuiz,
  question: Question,
  who: Who,
  choice: number,
  at: string,
): Promise<void> {
  const { quizzes, standings } = deps;
  await standings.people.withLock(who, async () => {
    const mine = await quizzes.load(who);
    if (mine.answers.some((one) => one.channelQuiz?.id === quiz.id)) return;
    const answer: QuizAnswer = {
      seed: quiz.seed,
      roadmapId: quiz.roadmapId,
      topicId: question.topicId,
      stageNumber: roadmap.topicsById.get(question.topicId)?.stageNumber ?? 1,
      right: choice - 1 === question.answer,
      choice,
      at,
      channelQuiz: { id: quiz.id, teamId: quiz.teamId, channelId: quiz.channelId },
    };
    const answers = [...mine.answers, answer];
    const unit = standings.people.unit();
    await quizzes.saveAnswers(who, mine, answers, unit);
    if (!answer.right) {
      await unit.commit();
      return;
    }
    await standings.moveOnQuizBoards(
      who,
      roadmap.id,
      winsOf(answers, roadmap.id),
      { teamId: quiz.teamId, channelId: quiz.channelId },
      new Date(at),
      unit,
    );
  });
}
