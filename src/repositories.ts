import type { CoreDeps } from "./core/core.ts";
import type { Logger } from "./logger.ts";
import { BoardRepository } from "./progress/board-repository.ts";
import { PeopleRepository } from "./progress/people.ts";
import { PersonalData } from "./progress/personal-data.ts";
import { ProgressRepository } from "./progress/progress-repository.ts";
import { RedisBoards } from "./progress/redis-boards.ts";
import { Standings } from "./progress/standings.ts";
import { AnswerBookShards } from "./quiz/answer-book.ts";
import { ChannelQuizRepository } from "./quiz/channel-quiz.ts";
import { QuizRepository } from "./quiz/quiz-repository.ts";
import { RedisAnswerBook } from "./quiz/redis-answer-book.ts";
import { ReviewRepository } from "./review/review-repository.ts";
import { scheduleContext } from "./schedule/schedule-context.ts";
import type { RedisStore } from "./store/redis-store.ts";
import type { Store } from "./store/store.ts";
import { TeamPeople } from "./teams/team-people.ts";

/**
 * Told by shape, not instanceof, so that wiring a SQLite or PostgreSQL store never loads the Redis
 * client module (open-store imports it only for a redis:// STORE_URL).
 */
const isRedisStore = (store: Store): store is RedisStore => store.kind === "redis" && "script" in store;

/** Every repository the core works with, over one store: the one place they are wired together. */
export function repositories(
  store: Store,
  logger: Logger,
  defaultZone: string,
): Pick<CoreDeps, "progress" | "schedule" | "standings" | "personalData" | "reviews" | "quizzes" | "channelQuizzes"> {
  const progress = new ProgressRepository(store, logger);
  const reviews = new ReviewRepository(store, logger);
  const quizzes = new QuizRepository(store, logger);
  // Redis keeps each quiz's answers in a hash of its own; every other store in sharded documents.
  const channelQuizzes = new ChannelQuizRepository(
    store,
    logger,
    isRedisStore(store) ? new RedisAnswerBook(store, logger) : new AnswerBookShards(store, logger),
  );
  const schedule = scheduleContext(store, logger, defaultZone);
  const teamPeople = new TeamPeople(store, logger);
  const standings = new Standings({
    progress,
    people: new PeopleRepository(store, logger),
    // Redis ranks natively and moves atomically; every other store keeps paged documents.
    boards: isRedisStore(store) ? new RedisBoards(store) : new BoardRepository(store, logger),
    teams: schedule.teams,
    teamPeople,
    subscriptions: schedule.subscriptions,
    reviews,
    defaultZone,
    logger,
  });
  const personalData = new PersonalData({
    store,
    progress,
    standings,
    subscriptions: schedule.subscriptions,
    reviews,
    quizzes,
    channelQuizzes,
    teamPeople,
  });
  return { progress, schedule, standings, personalData, reviews, quizzes, channelQuizzes };
}
