import type { Roadmap } from "../content/schema.ts";
import type { ChannelQuizRepository } from "../quiz/channel-quiz.ts";
import type { QuizRepository } from "../quiz/quiz-repository.ts";
import { deckDocument } from "../review/deck.ts";
import type { ReviewRepository } from "../review/review-repository.ts";
import { reminderId, type Subscription } from "../schedule/subscription.ts";
import type { SubscriptionRepository } from "../schedule/subscription-repository.ts";
import { keys } from "../store/keys.ts";
import type { Store } from "../store/store.ts";
import type { TeamPeople } from "../teams/team-people.ts";
import { emptyProgress, type UserProgress, type Who } from "./model.ts";
import { newProfile } from "./people.ts";
import type { ProgressRepository } from "./progress-repository.ts";
import type { Standings } from "./standings.ts";

export interface PersonalDataDeps {
  store: Store;
  progress: ProgressRepository;
  standings: Standings;
  subscriptions: SubscriptionRepository;
  reviews: ReviewRepository;
  quizzes: QuizRepository;
  channelQuizzes: ChannelQuizRepository;
  /** The teams' lists of their people, which name them. */
  teamPeople?: TeamPeople;
}

const dayMs = 86_400_000;

/**
 * A person's rights over what the bot keeps about them: a copy of all of it (`export`) and its
 * deletion (`forget-me`). Both start from the profile, which lists every roadmap and board the
 * person is on, so nothing needs a scan of the store.
 */
export class PersonalData {
  constructor(private readonly deps: PersonalDataDeps) {}

  /** Everything stored about the person, as one JSON-ready document. */
  async export(who: Who, roadmaps: readonly Roadmap[], now: Date): Promise<Record<string, unknown>> {
    const { standings, subscriptions, store } = this.deps;
    const profile = await standings.people.get(who);
    const ids = roadmapIds(roadmaps, profile?.roadmaps ?? []);
    const loaded = await Promise.all(ids.map((id) => this.deps.progress.load({ id }, who)));
    const progress = Object.fromEntries(ids.map((id, index) => [id, records(loaded[index] ?? emptyProgress)]));
    const decks = await Promise.all(ids.map((id) => this.deps.reviews.load(id, who)));
    const reviews = Object.fromEntries(
      ids.flatMap((id, index) => {
        const deck = decks[index];
        return deck && (deck.cards.size > 0 || deck.log.length > 0) ? [[id, deckDocument(deck)]] : [];
      }),
    );
    const id = reminderId(who.platform, who.userId);
    const reminder = await subscriptions.get(id);
    // `remind off` keeps the state (turning it on again continues from it): it is theirs until forget-me.
    const stateKept = (await store.get(keys.subscriptionState(id))) !== undefined;
    const state = await subscriptions.state(id);
    const ledger = await this.reminderLedger(id, ledgerDates(now, profile?.firstSeen, reminder, loaded));
    const channels = [...(await subscriptions.all()).values()].filter(
      (subscription) =>
        subscription.kind === "channel" && subscription.platform === who.platform && subscription.userId === who.userId,
    );
    const streak = await standings.streak(who, roadmaps, now);
    const quizzes = await this.deps.quizzes.load(who);
    const waiting = await this.waitingAnswers(who);
    return {
      about: "Everything roadmap-bot stores about you. `forget-me` deletes all of it.",
      exportedAt: now.toISOString(),
      person: { platform: who.platform, userId: who.userId },
      profile: profile
        ? {
            name: profile.name ?? null,
            visibility: profile.visibility,
            teams: profile.teams,
            channels: profile.channels,
            firstSeen: profile.firstSeen,
          }
        : null,
      progress,
      reviews,
      quizzes: quizzes.open || quizzes.answers.length > 0 ? quizzes : null,
      ...(waiting.length > 0 ? { channelQuizAnswersAwaitingReveal: waiting } : {}),
      streak,
      leaderboards: profile ? standings.placesOf(profile).map(({ board, points }) => ({ ...board, points })) : [],
      reminder: reminder ? { ...reminder, state } : null,
      ...(!reminder && stateKept ? { reminderTurnedOff: { id, state } } : {}),
      reminderLog: ledger,
      dailyTopicsYouSetUp: channels.map(describeChannel),
    };
  }

  /** The channel quizzes of the person's platform that wait for their reveal. */
  private async openQuizzes(who: Who): Promise<string[]> {
    const channels = [...(await this.deps.subscriptions.all()).values()].filter(
      (subscription) => subscription.kind === "channel" && subscription.platform === who.platform,
    );
    const states = await Promise.all(channels.map((channel) => this.deps.subscriptions.state(channel.id)));
    return states.flatMap((state) => (state.quizId ? [state.quizId] : []));
  }

  /** The person's answers to channel quizzes not revealed yet (their own quiz document has the rest). */
  private async waitingAnswers(who: Who): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (const quizId of await this.openQuizzes(who)) {
      const answer = (await this.deps.channelQuizzes.answers(quizId)).get(who.userId);
      const quiz = answer && (await this.deps.channelQuizzes.get(quizId));
      if (answer && quiz) found.push({ quizId, teamId: quiz.teamId, channelId: quiz.channelId, ...answer });
    }
    return found;
  }

  /** The reminder's ledger entries (one per local date it ran), read by date like forget deletes them. */
  private async reminderLedger(id: string, dates: readonly string[]): Promise<Record<string, unknown>[]> {
    const found: Record<string, unknown>[] = [];
    for (let i = 0; i < dates.length; i += 100) {
      const batch = dates.slice(i, i + 100);
      const entries = await Promise.all(batch.map((date) => this.deps.store.get(keys.postLedger(id, date))));
      entries.forEach((entry, index) => {
        if (entry !== undefined && entry !== null && typeof entry === "object")
          found.push({ date: batch[index], ...entry });
      });
    }
    return found;
  }

  /**
   * Deletes every key about the person: board places (the boards' totals drop with them), progress
   * and review cards on every roadmap, quiz answers, the profile, the reminder with its state and daily ledger, and their name
   * on channel subscriptions they set up (the channels keep their daily topic). The reminder's
   * keys go first; the boards, progress and profile last, in one write: until that lands the
   * profile still lists everything, so a forget-me cut short by a crash can simply be run again.
   */
  async forget(who: Who, roadmaps: readonly Roadmap[], now: Date): Promise<{ roadmaps: number; boards: number }> {
    const { standings, subscriptions, store } = this.deps;
    return standings.people.withLock(who, async () => {
      const profile = await standings.people.get(who);
      const boards = Object.keys(profile?.places ?? {}).length;
      const ids = roadmapIds(roadmaps, profile?.roadmaps ?? []);
      const loaded = await Promise.all(ids.map((id) => this.deps.progress.load({ id }, who)));
      const studied = loaded.filter((progress) => progress.topics.size > 0).length;
      const { reminder } = await subscriptions.forgetPerson(who.platform, who.userId);
      const id = reminderId(who.platform, who.userId);
      await subscriptions.deleteState(id);
      // The reminder's ledger has one key per local date it ran; they are found by date, not by a scan.
      const dates = ledgerDates(now, profile?.firstSeen, reminder, loaded);
      for (let i = 0; i < dates.length; i += 100) {
        await Promise.all(dates.slice(i, i + 100).map((date) => store.delete(keys.postLedger(id, date))));
      }
      const unit = standings.people.unit();
      await Promise.all(ids.map((roadmapId) => this.deps.progress.delete(roadmapId, who, unit)));
      await Promise.all(ids.map((roadmapId) => this.deps.reviews.delete(roadmapId, who, unit)));
      // Their answers in channel quizzes (and with them their names there) go first: the revealed
      // ones their quiz document lists, which goes with the rest so a forget-me cut short finds
      // them again, and any waiting for a reveal in a channel of their platform.
      for (const answer of (await this.deps.quizzes.load(who)).answers) {
        if (answer.channelQuiz) await this.deps.channelQuizzes.forget(answer.channelQuiz.id, who.userId);
      }
      for (const quizId of await this.openQuizzes(who)) await this.deps.channelQuizzes.forget(quizId, who.userId);
      // Before the profile goes: it lists the teams, so a forget-me cut short finds them again.
      for (const teamId of profile?.teams ?? []) await this.deps.teamPeople?.remove(who.platform, teamId, who.userId);
      await this.deps.quizzes.delete(who, unit);
      await standings.people.delete(who, unit);
      await standings.leaveAll(who, profile ?? newProfile(now), unit);
      return { roadmaps: studied, boards };
    });
  }
}

const roadmapIds = (roadmaps: readonly Roadmap[], known: readonly string[]): string[] => [
  ...new Set([...roadmaps.map((roadmap) => roadmap.id), ...known]),
];

const records = (progress: UserProgress) => Object.fromEntries(progress.topics);

const describeChannel = (subscription: Subscription) => ({
  id: subscription.id,
  teamId: subscription.teamId ?? null,
  channelId: subscription.channelId ?? null,
  createdAt: subscription.createdAt,
});

/** The first instant anything of the person's could date from. */
function earliest(
  now: Date,
  firstSeen: string | undefined,
  reminder: Subscription | undefined,
  progress: UserProgress[],
) {
  const instants = [now.getTime()];
  if (firstSeen) instants.push(Date.parse(firstSeen));
  if (reminder) instants.push(Date.parse(reminder.createdAt));
  for (const one of progress) for (const record of one.topics.values()) instants.push(Date.parse(record.since));
  return Math.min(...instants);
}

/** Every local date (in any zone) the person's reminder can have a ledger entry for. */
const ledgerDates = (
  now: Date,
  firstSeen: string | undefined,
  reminder: Subscription | undefined,
  progress: UserProgress[],
): string[] => datesBetween(earliest(now, firstSeen, reminder, progress) - 2 * dayMs, now.getTime() + 2 * dayMs);

/** Every UTC calendar date from one instant to another: a superset of the local dates in any zone. */
function datesBetween(from: number, to: number): string[] {
  const dates: string[] = [];
  for (let day = from; day <= to; day += dayMs) {
    dates.push(new Date(day).toISOString().slice(0, 10));
  }
  return dates;
}
