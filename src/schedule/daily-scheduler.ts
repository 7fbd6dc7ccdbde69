import type { Core } from "../core/core.ts";
import type { RoadmapLookup } from "../core/lookup.ts";
import type { Logger } from "../logger.ts";
import type { Metrics } from "../metrics.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { Standings } from "../progress/standings.ts";
import { streakOf } from "../progress/streak.ts";
import { nextTopic } from "../progress/summary.ts";
import { slotQuizIdentity } from "../quiz/channel-quiz.ts";
import { channelQuizReply, revealReply } from "../quiz/channel-quiz-replies.ts";
import { type ChannelQuizDeps, revealChannelQuiz } from "../quiz/channel-quizzes.ts";
import { questionFor } from "../quiz/questions.ts";
import { isDue, reviewQueue } from "../review/queue.ts";
import { afterPost, channelPostReply, pausedNotice, planChannelPost, reminderReply } from "./daily-posts.ts";
import type { Delivery, OutgoingPost } from "./delivery.ts";
import { scheduleOf } from "./describe.ts";
import type { PostLedger } from "./post-ledger.ts";
import { type Failure, runDue, type ScheduledPost, SettledSlots, type TickReport } from "./run-due.ts";
import type { DueSlot } from "./slots.ts";
import type { Subscription } from "./subscription.ts";
import type { SubscriptionRepository } from "./subscription-repository.ts";
import { isFirstPostOfWeek, weeklyRecapReply } from "./weekly-recap.ts";

/** Failed scheduled days in a row after which a subscription pauses and its owner is told. */
export const pauseAfterFailedDays = 3;

export interface DailySchedulerDeps {
  subscriptions: SubscriptionRepository;
  ledger: PostLedger;
  progress: ProgressRepository;
  /** Leaderboards, for a channel's weekly recap. */
  standings: Standings;
  /** The loaded roadmaps and their lookups (the core's). */
  roadmaps: Pick<Core, "roadmaps" | "lookup">;
  /** One per platform this process posts to; subscriptions of other platforms are left to others. */
  deliveries: readonly Delivery[];
  logger: Logger;
  /** This process's name in the ledger. */
  instance: string;
  clock: () => Date;
  /** Posts in flight at once. */
  concurrency?: number;
  /** What the channel quiz needs: its own store, people's quiz documents, and the quiz boards. */
  quizDeps: ChannelQuizDeps;
  /** Counts posts by kind (channel, reminder, recap) and outcome (posted, failed). */
  metrics?: Pick<Metrics, "dailyPosts">;
  /** Deletes the data of teams that removed the bot past their grace period; run at most hourly. */
  sweep?: (now: Date) => Promise<unknown>;
}

/** How often the removed teams' data is looked at: their grace period is counted in days. */
const sweepEveryMs = 3_600_000;

type Due = ScheduledPost & { subscription: Subscription; delivery: Delivery };

/**
 * The daily topic and the personal reminders: each tick posts whatever is due and not yet posted
 * today, by whichever process claims it in the ledger first. Safe to run in every replica.
 */
export class DailyScheduler {
  private readonly deliveries: ReadonlyMap<string, Delivery>;
  private readonly settled = new SettledSlots();
  private sweptAt = Number.NEGATIVE_INFINITY;

  constructor(private readonly deps: DailySchedulerDeps) {
    this.deliveries = new Map(deps.deliveries.map((delivery) => [delivery.platform, delivery]));
  }

  /** The loaded roadmap with this id, or undefined when it is no longer loaded. */
  private lookup(roadmapId: string): RoadmapLookup | undefined {
    const { roadmaps } = this.deps;
    return roadmaps.roadmaps.some((roadmap) => roadmap.id === roadmapId) ? roadmaps.lookup(roadmapId) : undefined;
  }

  async tick(): Promise<TickReport> {
    const now = this.deps.clock();
    if (this.deps.sweep && now.getTime() - this.sweptAt >= sweepEveryMs) {
      this.sweptAt = now.getTime();
      await this.deps
        .sweep(now)
        .catch((error: unknown) =>
          this.deps.logger.warn(
            { err: error },
            "deleting removed teams' data failed; it is tried again within the hour",
          ),
        );
    }
    const due: Due[] = [];
    for (const subscription of (await this.deps.subscriptions.all()).values()) {
      const delivery = this.deliveries.get(subscription.platform);
      if (!delivery || subscription.paused) continue;
      due.push({ id: subscription.id, schedule: scheduleOf(subscription), subscription, delivery });
    }
    const report = await runDue({
      subscriptions: due,
      now,
      ledger: this.deps.ledger,
      instance: this.deps.instance,
      settled: this.settled,
      concurrency: this.deps.concurrency ?? 32,
      post: (item, slot) => this.counted(item.subscription.kind, this.post(item, slot, now)),
      onFailure: (item, slot, failure) => this.failed(item, slot, failure, now),
    });
    if (report.posted.length > 0 || report.failed.length > 0) {
      this.deps.logger.info(
        { posted: report.posted.length, failed: report.failed.length, skipped: report.skipped },
        "daily posts sent",
      );
    }
    return report;
  }

  /** Counts a post as posted or failed by how `sending` settles. */
  private counted<T>(kind: "channel" | "reminder" | "recap", sending: Promise<T>): Promise<T> {
    const count = (outcome: "posted" | "failed") => this.deps.metrics?.dailyPosts.inc({ kind, outcome });
    return sending.then(
      (value) => {
        count("posted");
        return value;
      },
      (error: unknown) => {
        count("failed");
        throw error;
      },
    );
  }

  private async post({ subscription, delivery }: Due, slot: DueSlot, now: Date): Promise<string> {
    const lookup = this.lookup(subscription.roadmapId);
    if (!lookup) throw new Error(`the roadmap "${subscription.roadmapId}" is no longer loaded`);
    const key = `${subscription.id}@${slot.date}`;
    if (subscription.kind === "reminder") {
      if (!subscription.userId) throw new Error("a reminder without a person");
      const person = { platform: subscription.platform, userId: subscription.userId };
      const [progress, deck] = await Promise.all([
        this.deps.progress.load(lookup.roadmap, person),
        this.deps.standings.reviews.load(lookup.roadmap.id, person),
      ]);
      const reviewed = deck.log.map((entry) => Date.parse(entry.at));
      const reviewsDue = reviewQueue(lookup.roadmap, progress, deck, subscription.zone, now).filter((review) =>
        isDue(review, now),
      ).length;
      const message = reminderReply(
        lookup,
        nextTopic(progress, lookup.roadmap),
        streakOf(progress, subscription.zone, now, reviewed),
        slot,
        subscription.zone,
        reviewsDue,
      );
      const ref = await delivery.sendDirect(
        { ...(subscription.teamId ? { teamId: subscription.teamId } : {}), userId: person.userId },
        { reply: message, key },
      );
      await this.deps.subscriptions.updateState(subscription.id, (state) => ({
        ...state,
        failedDays: 0,
        lastPost: { date: slot.date, at: now.toISOString(), ref, kind: "reminder", catchUp: slot.catchUp },
      }));
      return ref;
    }
    if (subscription.topics === "off") return this.postQuiz(subscription, delivery, lookup, slot, key, now);
    const state = await this.deps.subscriptions.state(subscription.id);
    const plan = planChannelPost(lookup.roadmap, subscription.track, state);
    const post: OutgoingPost = {
      reply: channelPostReply(lookup, plan, subscription, slot),
      key,
      ...(plan.kind === "topic" ? { thread: `${plan.topic.title} · ${slot.date}` } : {}),
    };
    const ref = await delivery.postToChannel(
      { ...(subscription.teamId ? { teamId: subscription.teamId } : {}), channelId: subscription.channelId ?? "" },
      post,
    );
    await this.deps.subscriptions.updateState(subscription.id, (current) =>
      afterPost(current, plan, { date: slot.date, at: now, ref, catchUp: slot.catchUp }),
    );
    if (subscription.recap === "weekly" && isFirstPostOfWeek(slot.date, subscription.weekdays)) {
      await this.postRecap(subscription, delivery, lookup, slot.date, key);
    }
    if (subscription.quiz === "on") {
      // Like the recap: under the daily post's claim, and its failure does not undo that post.
      await this.postQuiz(subscription, delivery, lookup, slot, key, now).catch((error: unknown) =>
        this.deps.logger.warn({ err: error, subscription: subscription.id, date: slot.date }, "channel quiz failed"),
      );
    }
    return ref;
  }

  /**
   * The channel quiz of a slot: first the answer to the one before (settling its points), then a
   * new question. Its id and seed come from the slot, so a retry asks the same question. Resolves
   * with the new question's message reference.
   */
  private async postQuiz(
    subscription: Subscription,
    delivery: Delivery,
    lookup: RoadmapLookup,
    slot: DueSlot,
    key: string,
    now: Date,
  ): Promise<string> {
    const target = {
      ...(subscription.teamId ? { teamId: subscription.teamId } : {}),
      channelId: subscription.channelId ?? "",
    };
    const earlier = (await this.deps.subscriptions.state(subscription.id)).quizId;
    const { id, seed } = slotQuizIdentity(subscription.id, slot.date);
    if (earlier && earlier !== id) {
      const revealed = await revealChannelQuiz(this.deps.quizDeps, this.deps.roadmaps.roadmaps, earlier, now);
      if (revealed) {
        const owner = this.deps.roadmaps.roadmaps.find((one) => one.id === revealed.quiz.roadmapId) ?? lookup.roadmap;
        await delivery.postToChannel(target, { reply: revealReply(owner, revealed), key: `${key}/reveal` });
      }
    }
    const quiz = await this.deps.quizDeps.channelQuizzes.create({
      id,
      seed,
      roadmapId: lookup.roadmap.id,
      platform: subscription.platform,
      teamId: subscription.teamId ?? "-",
      channelId: subscription.channelId ?? "",
      postedAt: now.toISOString(),
    });
    const ref = await delivery.postToChannel(target, {
      reply: channelQuizReply(lookup, quiz.id, questionFor(lookup.roadmap, quiz.seed)),
      key: `${key}/quiz`,
    });
    await this.deps.subscriptions.updateState(subscription.id, (state) => ({
      ...state,
      quizId: quiz.id,
      ...(subscription.topics === "off"
        ? {
            failedDays: 0,
            lastPost: { date: slot.date, at: now.toISOString(), ref, kind: "topic" as const, catchUp: slot.catchUp },
          }
        : {}),
    }));
    return ref;
  }

  /**
   * The weekly leaderboard, after the week's first daily post and under the same claim, so it goes
   * out once. Its failure is logged, not retried: the daily post it follows did go out.
   */
  private async postRecap(
    subscription: Subscription,
    delivery: Delivery,
    lookup: RoadmapLookup,
    date: string,
    key: string,
  ): Promise<void> {
    try {
      const recap = await weeklyRecapReply(this.deps.standings, this.deps.progress, lookup, subscription, date);
      if (!recap) return;
      await this.counted(
        "recap",
        delivery.postToChannel(
          { ...(subscription.teamId ? { teamId: subscription.teamId } : {}), channelId: subscription.channelId ?? "" },
          { reply: recap, key: `${key}/recap` },
        ),
      );
    } catch (error) {
      this.deps.logger.warn({ err: error, subscription: subscription.id, date }, "weekly leaderboard recap failed");
    }
  }

  /** Records the error for `daily status`; the third failed day in a row pauses and tells the owner. */
  private async failed({ subscription, delivery }: Due, slot: DueSlot, failure: Failure, now: Date): Promise<void> {
    try {
      const state = await this.deps.subscriptions.updateState(subscription.id, (current) => ({
        ...current,
        failedDays:
          failure.platformWide || current.lastError?.date === slot.date ? current.failedDays : current.failedDays + 1,
        lastError: { date: slot.date, at: now.toISOString(), ...pick(failure) },
      }));
      this.deps.logger.warn(
        { subscription: subscription.id, date: slot.date, code: failure.code, failedDays: state.failedDays },
        "daily post failed",
      );
      if (state.failedDays < pauseAfterFailedDays) return;
      if (!(await this.deps.subscriptions.pause(subscription.id, failure.error, now))) return;
      this.deps.logger.warn({ subscription: subscription.id }, "daily posts paused after three failed days");
      // Whoever set it up may have asked the bot to forget them: then nobody is told.
      if (!subscription.userId) return;
      await delivery
        .sendDirect(
          { ...(subscription.teamId ? { teamId: subscription.teamId } : {}), userId: subscription.userId },
          { reply: pausedNotice(subscription, failure.error), key: `${subscription.id}@${slot.date}/paused` },
        )
        .catch((error: unknown) =>
          this.deps.logger.warn({ err: error, subscription: subscription.id }, "could not tell the owner of a pause"),
        );
    } catch (error) {
      this.deps.logger.error({ err: error, subscription: subscription.id }, "could not record a failed daily post");
    }
  }
}

const pick = ({ code, error, permanent }: Failure): { code: string; message: string; permanent: boolean } => ({
  code,
  message: error,
  permanent,
});
