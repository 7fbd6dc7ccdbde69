import type { Roadmap } from "../content/schema.ts";
import type { Who } from "../progress/model.ts";
import type { PersonalData } from "../progress/personal-data.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { Standings } from "../progress/standings.ts";
import type { ChannelQuizRepository } from "../quiz/channel-quiz.ts";
import type { QuizRepository } from "../quiz/quiz-repository.ts";
import type { ReviewRepository } from "../review/review-repository.ts";
import type { SubscriptionRepository } from "../schedule/subscription-repository.ts";
import type { RemovedTeams } from "../teams/removed-teams.ts";
import type { TeamSettingsRepository } from "../teams/team-settings.ts";
import type { RoadmapLookup } from "./lookup.ts";
import type { Reply } from "./reply.ts";

export type { Who } from "../progress/model.ts";

/**
 * Whether the person may change what the bot does in this channel (its daily topic). Asked only
 * when a command needs it, since a platform may have to call its API to know (Slack's users.info).
 */
export interface ChannelManagers {
  /** Who may, in the platform's words: "members with Manage Channels". */
  description: string;
  check(): Promise<boolean>;
}

/**
 * Whether the bot can post in this channel (the daily topic, the channel quiz), in the platform's
 * words. Asked only before turning channel posts on, since a platform may have to call its API.
 */
export interface ChannelAccess {
  /** Undefined when the bot can post here; else what is wrong and how to fix it, in the platform's words. */
  check(): Promise<{ problem: string; fix: string } | undefined>;
}

/** One option of a command mode, in the order the text grammar reads them. */
export interface ModeOption {
  name: string;
  description: string;
  example: string;
  /** What a platform may suggest while it is typed (Discord's autocomplete). */
  autocomplete?: "topic";
}

/**
 * A command whose first word picks what it does (`daily on|off|status|preview`). The text grammar
 * reads the words itself; Discord shows each mode as a subcommand with its own options.
 */
export interface CommandMode {
  name: string;
  /** At most 100 characters (Discord's limit). */
  summary: string;
  options?: readonly ModeOption[];
}

/**
 * A command's one argument, described once: the text parser, help and (later) the Discord
 * option builder all read it. `kind` says what the text names.
 */
export interface ArgumentSpec {
  name: string;
  description: string;
  required: boolean;
  kind: "stage" | "topic" | "text";
  /** Shown in help and in "needs an argument" errors. */
  example: string;
}

export interface CommandContext {
  who: Who;
  roadmap: Roadmap;
  lookup: RoadmapLookup;
  roadmaps: readonly Roadmap[];
  commands: readonly Command[];
  progress: ProgressRepository;
  now: Date;
  /** The argument text, cleaned and trimmed ("" when none was given). */
  arg: string;
  /** The running command's name (not the alias typed), for hints that repeat it. */
  commandName: string;
  /** Who may manage this channel; absent where nobody is asked (the console's local user may). */
  channelManagers?: ChannelManagers;
  /** Whether the bot can post in this channel; absent where nothing is asked (the console). */
  channelAccess?: ChannelAccess;
  /** Channel subscriptions, personal reminders and team settings. */
  schedule: ScheduleContext;
  /** Profiles, leaderboards, streaks and personal data. */
  standings: Standings;
  /** Export and forget-me. */
  personalData: PersonalData;
  /** Review cards of done topics: kept in step by marks, answered by `review`. */
  reviews: ReviewRepository;
  /** Each person's open quiz question and answers. */
  quizzes: QuizRepository;
  /** Quizzes posted to channels: answered by anyone there, once, and revealed at the next slot. */
  channelQuizzes: ChannelQuizRepository;
  /**
   * Stores who the person is (their name, and the team and channel whose boards they join) before
   * a command writes something about them. Only such commands call it: looking writes nothing.
   */
  recordPerson(): Promise<void>;
}

/** What the daily and remind commands need from the scheduling side, without knowing its store. */
export interface ScheduleContext {
  subscriptions: SubscriptionRepository;
  teams: TeamSettingsRepository;
  /** Teams that removed the bot: their people's data is deleted after a grace period. */
  removedTeams: RemovedTeams;
  /** DEFAULT_TIMEZONE: the zone when neither the command nor the team names one. */
  defaultZone: string;
}

export interface Command {
  name: string;
  /** Other words that run this command ("learning" for start). */
  aliases?: readonly string[];
  /** One line for help and Discord (at most 100 characters). */
  summary: string;
  argument?: ArgumentSpec;
  /** Set when the argument starts with a mode word; `argument` then describes the whole text. */
  modes?: readonly CommandMode[];
  run(context: CommandContext): Promise<Reply>;
}
