import type { Person } from "../progress/model.ts";

/**
 * Every key the bot writes is built here. Each id is URI-encoded, so no id can contain the ":"
 * separator and one tenant's ids can never spell another tenant's key. A lone surrogate (which
 * encodeURIComponent refuses) becomes U+FFFD first.
 */
const part = (id: string): string => encodeURIComponent(id.toWellFormed());

/** A leaderboard: one roadmap, one team (or one channel of it), one period. */
export interface BoardRef {
  roadmapId: string;
  platform: string;
  teamId: string;
  /** Set for a channel's board; a team's board has none. */
  channelId?: string;
  period: string;
}

/** The id of a board inside keys; also how a person's profile names the boards they are on. */
export const boardId = (board: BoardRef): string =>
  [board.roadmapId, board.platform, board.teamId, board.channelId ?? "", board.period].map(part).join(":");

export function parseBoardId(id: string): BoardRef | undefined {
  const fields = id.split(":").map((field) => decodeURIComponent(field));
  if (fields.length !== 5) return undefined;
  const [roadmapId = "", platform = "", teamId = "", channelId = "", period = ""] = fields;
  return { roadmapId, platform, teamId, ...(channelId ? { channelId } : {}), period };
}

export const keys = {
  progress: (roadmapId: string, person: Person): string =>
    `progress:${part(roadmapId)}:${part(person.platform)}:${part(person.userId)}`,
  /** A person's review cards and answers on one roadmap. */
  review: (roadmapId: string, person: Person): string =>
    `review:${part(roadmapId)}:${part(person.platform)}:${part(person.userId)}`,
  /** A person's open quiz question and their quiz answers. */
  quizzes: (person: Person): string => `quiz:${part(person.platform)}:${part(person.userId)}`,
  /** One channel quiz: its question's seed, where it was posted, the answers, whether it was revealed. */
  channelQuiz: (quizId: string): string => `channel-quiz:${part(quizId)}`,
  /**
   * A channel quiz's answers: one of its 64 shard documents (AnswerBookShards), or with no shard
   * the Redis hash of all of them (RedisAnswerBook).
   */
  channelQuizAnswers: (quizId: string, shard?: number): string =>
    `channel-quiz-answers:${part(quizId)}${shard === undefined ? "" : `:${shard}`}`,
  /** Present once a channel quiz is closed to answers: its answer book refuses more (the reveal). */
  channelQuizClosed: (quizId: string): string => `channel-quiz-closed:${part(quizId)}`,
  /** Whether a subscription's post for one local date went out: the source of truth for "once a day". */
  postLedger: (subscriptionId: string, localDate: string): string =>
    `posted:${part(subscriptionId)}:${part(localDate)}`,
  /** Every channel subscription and personal reminder, in one document the scheduler reads each tick. */
  subscriptions: (): string => "subscriptions",
  /** One subscription's position in the roadmap and its last post and error. */
  subscriptionState: (subscriptionId: string): string => `subscription-state:${part(subscriptionId)}`,
  /** A team's (Slack workspace's, Discord server's) settings. */
  teamSettings: (platform: string, teamId: string): string => `team:${part(platform)}:${part(teamId)}`,
  /** The teams that removed the bot, and when: their people's data goes after a grace period. */
  removedTeams: (): string => "removed-teams",
  /** How many pages of people a team has (everyone ever seen in it); also its lock. */
  teamPeople: (platform: string, teamId: string): string => `team-people:${part(platform)}:${part(teamId)}`,
  teamPeoplePage: (platform: string, teamId: string, page: number): string =>
    `team-people:${part(platform)}:${part(teamId)}:${page}`,
  /** Who a person is to the bot: name, privacy choice, teams and channels, leaderboard places. */
  person: (person: Person): string => `person:${part(person.platform)}:${part(person.userId)}`,
  /** A leaderboard's totals and how many people hold each number of points (board ids are built by boardId). */
  board: (boardId: string): string => `board:${boardId}`,
  /** The lock one team's (or channel's) boards of every period are changed under; never stored. */
  boardScopeLock: (scope: string): string => `board-scope:${scope}`,
  /** How many people are on each page of the people holding some number of points on a board. */
  boardBucket: (boardId: string, points: number): string => `board-bucket:${boardId}:${points}`,
  /** One page of the people holding some number of points on a board, in the order they got there. */
  boardPage: (boardId: string, points: number, page: number): string => `board-page:${boardId}:${points}:${page}`,
  /** A leaderboard as a Redis sorted set of user ids, scored by points and arrival (RedisBoards). */
  boardRanking: (boardId: string): string => `board-ranking:${boardId}`,
  /** A Redis leaderboard's total, member count and arrivals counter, as a hash (RedisBoards). */
  boardSummary: (boardId: string): string => `board-summary:${boardId}`,
  /** The hash of the Discord command data last registered, per application and guild ("global"). */
  discordCommandsHash: (applicationId: string, scope: string): string =>
    `discord-commands:${part(applicationId)}:${part(scope)}`,
};
