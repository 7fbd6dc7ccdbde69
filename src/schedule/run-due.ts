import type { PostLedger } from "./post-ledger.ts";
import { type DailySchedule, type DueSlot, dueToday } from "./slots.ts";

/** A channel's daily topic subscription, as far as the scheduler needs it. */
export interface ScheduledPost {
  id: string;
  schedule: DailySchedule;
}

/** Sends one post; resolves with where it landed (a message id), rejects when it did not go out. */
export type Post<T extends ScheduledPost> = (subscription: T, slot: DueSlot) => Promise<string>;

export interface TickReport {
  posted: { id: string; date: string; catchUp: boolean }[];
  failed: { id: string; date: string; error: string }[];
  /** Due but already posted or being posted by another instance. */
  skipped: number;
}

/** Runs `work` over `items` with at most `limit` in flight, so a slow channel holds up no more than its own slot. */
async function eachLimited<T>(items: readonly T[], limit: number, work: (item: T) => Promise<void>): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

/**
 * One scheduler tick: every subscription whose slot has come today is claimed in the ledger and
 * posted by whichever instance claims it first. Failures are recorded per subscription and never
 * stop the others; a crash leaves claims that go stale and are finished by a later tick.
 */
export async function runDue<T extends ScheduledPost>(options: {
  subscriptions: readonly T[];
  now: Date;
  ledger: PostLedger;
  instance: string;
  post: Post<T>;
  concurrency?: number;
}): Promise<TickReport> {
  const { subscriptions, now, ledger, instance, post } = options;
  const report: TickReport = { posted: [], failed: [], skipped: 0 };
  await eachLimited(subscriptions, options.concurrency ?? 16, async (subscription) => {
    const slot = dueToday(subscription.schedule, now.getTime());
    if (!slot) return;
    const claim = await ledger.claim(subscription.id, slot.date, instance, now);
    if (claim.kind !== "claimed") {
      report.skipped++;
      return;
    }
    try {
      const ref = await post(subscription, slot);
      await ledger.posted(subscription.id, slot.date, instance, ref, now);
      report.posted.push({ id: subscription.id, date: slot.date, catchUp: slot.catchUp });
    } catch (error) {
      const message = error instanceof Error ? error.message : String(error);
      await ledger.failed(subscription.id, slot.date, instance, message, now);
      report.failed.push({ id: subscription.id, date: slot.date, error: message });
    }
  });
  return report;
}
