import { randomUUID } from "node:crypto";
import type { Roadmap } from "../content/schema.ts";
import { type Logger, withFields } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { PersonalData } from "../progress/personal-data.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { Standings } from "../progress/standings.ts";
import type { ChannelQuizRepository } from "../quiz/channel-quiz.ts";
import { channelQuizReply } from "../quiz/channel-quiz-replies.ts";
import { questionFor } from "../quiz/questions.ts";
import type { QuizRepository } from "../quiz/quiz-repository.ts";
import type { ReviewRepository } from "../review/review-repository.ts";
import { StoreError } from "../store/store.ts";
import type { ChannelAccess, ChannelManagers, Command, ScheduleContext, Who } from "./command.ts";
import { commands as allCommands, commandWords } from "./commands/index.ts";
import { UserError } from "./errors.ts";
import { homeReply } from "./home.ts";
import { RoadmapLookup } from "./lookup.ts";
import { type Grammar, maxInputLength, parse } from "./parse.ts";
import { errorReply, type Outcome, type Reply } from "./reply.ts";

export interface CoreDeps {
  /** The first is the default roadmap (release-engineer when present). */
  roadmaps: readonly Roadmap[];
  progress: ProgressRepository;
  schedule: ScheduleContext;
  /** Profiles, leaderboards and streaks. */
  standings: Standings;
  /** Export and forget-me. */
  personalData: PersonalData;
  /** Spaced review of done topics. */
  reviews: ReviewRepository;
  /** Quiz questions asked and answered. */
  quizzes: QuizRepository;
  /** Quizzes posted to channels, their answers and reveals. */
  channelQuizzes: ChannelQuizRepository;
  logger: Logger;
  /** Injected so tests run on a fixed clock. */
  clock?: () => Date;
  commands?: readonly Command[];
  /** Counts commands by name and outcome and times them; absent in the console and `ask`. */
  metrics?: Pick<Metrics, "commands" | "commandSeconds">;
}

export interface Request {
  text: string;
  who: Who;
  /** Who may manage the channel the command came from; absent means the person may (the console). */
  channelManagers?: ChannelManagers;
  /** Whether the bot can post in that channel; absent means nothing is checked (the console). */
  channelAccess?: ChannelAccess;
  /** Ties this command's log lines together (a platform's own id, when it has one); generated when absent. */
  requestId?: string;
}

/** What the commands metric counts: the reply's outcome, with store failures told apart. */
export type CommandOutcome = Outcome | "store-unavailable";

/** True when `error` is a StoreError or was caused by one, however deep. */
export function causedByStore(error: unknown): boolean {
  for (let cause = error, depth = 0; cause instanceof Error && depth < 10; cause = cause.cause, depth++) {
    if (cause instanceof StoreError) return true;
  }
  return false;
}

// Neither claims anything was saved: a store can fail part-way through a command.
const storeUnavailable = () =>
  errorReply("Storage is unavailable, so I could not do that.", "Try again in a minute.", "internal-error");
const restarting = () =>
  errorReply("I am restarting, so I did not run that.", "Try again in a minute.", "internal-error");

export const defaultRoadmapId = "release-engineer";

/** The commands buttons run: viewing, marking and moving on. Nothing else may arrive by click. */
const buttonCommands = new Set([
  "stage",
  "topic",
  "search",
  "next",
  "done",
  "start",
  "skip",
  "undo",
  // Answers a review of whoever clicks; a stale or repeated click changes nothing.
  "review",
  // Answers (or asks) a quiz question of whoever clicks; each question is answered once.
  "quiz",
  "progress",
  "streak",
  "leaderboard",
  // Deletes only the data of whoever clicks, and only after they asked for it.
  "forget-me",
]);

/**
 * The platform-free core: text in, neutral Reply out. The one error boundary: a UserError becomes
 * a reply with its hint, anything else is logged and answered with a generic apology.
 */
export class Core {
  readonly roadmaps: readonly Roadmap[];
  readonly commands: readonly Command[];
  private readonly lookups: Map<string, RoadmapLookup>;
  private readonly grammar: Grammar;
  private readonly clock: () => Date;
  private active = 0;
  private draining = false;
  private readonly idleWaiters: (() => void)[] = [];

  constructor(private readonly deps: CoreDeps) {
    this.commands = deps.commands ?? allCommands;
    this.clock = deps.clock ?? (() => new Date());
    const preferred = deps.roadmaps.find((roadmap) => roadmap.id === defaultRoadmapId);
    this.roadmaps = preferred ? [preferred, ...deps.roadmaps.filter((r) => r !== preferred)] : [...deps.roadmaps];
    if (this.roadmaps.length === 0) throw new Error("The core needs at least one roadmap");
    // The content loader reports this to authors; here it guards the grammar against other callers.
    const words = new Set(commandWords(this.commands));
    const clash = this.roadmaps.find((roadmap) => words.has(roadmap.id));
    if (clash) throw new Error(`Roadmap id "${clash.id}" is also a command name`);
    this.lookups = new Map(
      this.roadmaps.map((roadmap, index) => [
        roadmap.id,
        new RoadmapLookup(roadmap, index === 0 ? "" : `${roadmap.id} `),
      ]),
    );
    this.grammar = { commands: this.commands, roadmapIds: [...this.lookups.keys()] };
  }

  /**
   * Answers one command. Counted while it runs, so drain() can wait for it; timed and counted by
   * name and outcome when metrics are given. Never rejects.
   */
  async handle(request: Request): Promise<Reply> {
    if (this.draining) return restarting();
    const started = performance.now();
    this.active++;
    try {
      const { reply, command, outcome } = await this.answer(request);
      this.deps.metrics?.commands.inc({ command, outcome });
      this.deps.metrics?.commandSeconds.observe({ command }, (performance.now() - started) / 1000);
      return reply;
    } finally {
      this.active--;
      if (this.active === 0) for (const wake of this.idleWaiters.splice(0)) wake();
    }
  }

  /** Commands being answered right now. */
  get inFlight(): number {
    return this.active;
  }

  /**
   * Stops taking commands (any that arrive are told to try again in a minute) and resolves once
   * every command in flight has answered. For shutdown; the core answers nothing afterwards.
   */
  async drain(): Promise<void> {
    this.draining = true;
    while (this.active > 0) await new Promise<void>((resolve) => this.idleWaiters.push(resolve));
  }

  /** The one error boundary. `command` is a command's name or "unknown", never the user's text. */
  private async answer(request: Request): Promise<{ reply: Reply; command: string; outcome: CommandOutcome }> {
    let name = "unknown";
    try {
      const parsed = parse(request.text, this.grammar);
      if (!parsed.ok) {
        return {
          reply: errorReply(parsed.error.message, parsed.error.hint, "user-error"),
          command: name,
          outcome: "user-error",
        };
      }
      const { command, arg, roadmapId } = parsed.value;
      name = command.name;
      const lookup = this.lookup(roadmapId);
      const now = this.clock();
      const reply = await command.run({
        who: request.who,
        roadmap: lookup.roadmap,
        lookup,
        roadmaps: this.roadmaps,
        commands: this.commands,
        progress: this.deps.progress,
        schedule: this.deps.schedule,
        standings: this.deps.standings,
        personalData: this.deps.personalData,
        reviews: this.deps.reviews,
        quizzes: this.deps.quizzes,
        channelQuizzes: this.deps.channelQuizzes,
        // A command that writes about the person puts them on the boards of this team and
        // channel, under the name they have now; one that only looks leaves no trace.
        recordPerson: () => this.deps.standings.noteActivity(request.who, this.roadmaps, now),
        now,
        arg,
        commandName: command.name,
        ...(request.channelManagers ? { channelManagers: request.channelManagers } : {}),
        ...(request.channelAccess ? { channelAccess: request.channelAccess } : {}),
      });
      return { reply, command: name, outcome: reply.outcome };
    } catch (error) {
      if (error instanceof UserError) {
        return { reply: errorReply(error.message, error.hint, "user-error"), command: name, outcome: "user-error" };
      }
      const logger = withFields(this.deps.logger, {
        requestId: request.requestId ?? randomUUID().slice(0, 8),
        command: name,
      });
      if (causedByStore(error)) {
        logger.warn({ err: error, who: request.who }, "store unavailable; command not completed");
        return { reply: storeUnavailable(), command: name, outcome: "store-unavailable" };
      }
      logger.error({ err: error, who: request.who }, "command failed");
      return {
        reply: errorReply("Sorry, something went wrong on my side.", "Please try again in a minute.", "internal-error"),
        command: name,
        outcome: "internal-error",
      };
    }
  }

  /**
   * Whether a button's command text is one a button of ours could carry. Button values travel
   * through the client and can be tampered with; a click runs only these commands.
   */
  isButtonCommand(text: string): boolean {
    if (text.length > maxInputLength) return false;
    const parsed = parse(text, this.grammar);
    return parsed.ok && buttonCommands.has(parsed.value.command.name);
  }

  /**
   * The message a clicked button sits on, as it should read after the click, when the click
   * changes it (a channel quiz's count of answers); undefined for every other button. Platforms
   * edit the message with it, a little later and once for many clicks.
   */
  async refreshedMessage(text: string): Promise<Reply | undefined> {
    // Read with the grammar every command is read with, so a roadmap prefix or spacing reads alike.
    const parsed = parse(text, this.grammar);
    const [mode, quizId] = parsed.ok && parsed.value.command.name === "quiz" ? parsed.value.arg.split(" ") : [];
    const quiz = mode === "pick" && quizId ? await this.deps.channelQuizzes.get(quizId) : undefined;
    const lookup = quiz && this.lookups.get(quiz.roadmapId);
    if (!quiz || !lookup || quiz.revealedAt) return undefined;
    const question = questionFor(lookup.roadmap, quiz.seed);
    return channelQuizReply(lookup, quiz.id, question, await this.deps.channelQuizzes.count(quiz.id));
  }

  /** Finding and suggesting stages and topics of a roadmap: the default one unless a loaded id is named. */
  lookup(roadmapId?: string): RoadmapLookup {
    return (roadmapId && this.lookups.get(roadmapId)) || (this.lookups.get(this.defaultRoadmap.id) as RoadmapLookup);
  }

  get defaultRoadmap(): Roadmap {
    return this.roadmaps[0] as Roadmap;
  }

  /**
   * A team removed the bot (Slack's app_uninstalled, its bot token revoked): its daily topics,
   * quizzes and reminders stop at once, paused with the reason `daily status` shows, and its
   * people's data is deleted once the grace period has passed (removedTeamGraceMs).
   */
  async teamRemoved(platform: string, teamId: string): Promise<number> {
    const now = this.clock();
    await this.deps.schedule.removedTeams.mark(platform, teamId, now);
    return this.deps.schedule.subscriptions.pauseTeam(
      platform,
      teamId,
      "roadmap-bot was removed from this workspace: install it again, then turn this back on",
      now,
    );
  }

  /** A team installed the bot again: its people's data stays. */
  async teamRestored(platform: string, teamId: string): Promise<void> {
    await this.deps.schedule.removedTeams.unmark(platform, teamId);
  }

  /**
   * The person's dashboard on the default roadmap (Slack's App Home). It only reads. Never
   * rejects: a failure is logged and gives undefined, so the page keeps what it showed.
   */
  async home(who: Who): Promise<Reply | undefined> {
    const lookup = this.lookup();
    try {
      return await homeReply({
        who,
        roadmap: lookup.roadmap,
        lookup,
        roadmaps: this.roadmaps,
        progress: this.deps.progress,
        standings: this.deps.standings,
        reviews: this.deps.reviews,
        schedule: this.deps.schedule,
        now: this.clock(),
      });
    } catch (error) {
      this.deps.logger.warn({ err: error, who }, "could not build the home dashboard");
      return undefined;
    }
  }
}
