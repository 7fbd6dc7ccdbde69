import { DeliveryError } from "./delivery.ts";
import type { PostLedger } from "./post-ledger.ts";
import { type DailySchedule, type DueSlot, dueToday } from "./slots.ts";

/** A channel's daily topic subscription, as far as the scheduler needs it. */
export interface ScheduledPost {
  id: string;
  schedule: DailySchedule;
}

/** Sends one post; resolves with where it landed (a message id), rejects when it did not go out. */
export type Post<T extends ScheduledPost> = (subscription: T, slot: DueSlot) => Promise<string>;

export interface Failure {
  error: string;
  code: string;
  permanent: boolean;
  /** The platform as a whole failed (a revoked token): not held against the subscription. */
  platformWide: boolean;
}

export interface TickReport {
  posted: { id: string; date: string; catchUp: boolean }[];
  failed: { id: string; date: string; error: string; permanent: boolean }[];
  /** Due but already posted, being posted by another instance, or waiting to retry. */
  skipped: number;
}

/**
 * Slots this process knows are finished for their date (posted, or given up), so later ticks the
 * same day skip them without asking the store. Cleared as dates move on.
 */
export class SettledSlots {
  private readonly slots = new Set<string>();
  private readonly limit: number;
  constructor(limit = 200_000) {
    this.limit = limit;
  }
  has(id: string, date: string): boolean {
    return this.slots.has(`${date} ${id}`);
  }
  add(id: string, date: string): void {
    // Yesterday's entries are never asked for again; dropping everything now and then is enough.
    if (this.slots.size >= this.limit) this.slots.clear();
    this.slots.add(`${date} ${id}`);
  }
}

/** Runs `work` over `items` with at most `limit` in flight, so a slow channel holds up no more than its own slot. */
export async function eachLimited<T>(
  items: readonly T[],
  limit: number,
  work: (item: T) => Promise<void>,
): Promise<void> {
  let next = 0;
  const worker = async () => {
    while (next < items.length) {
      const item = items[next++] as T;
      await work(item);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
}

export const describeFailure = (error: unknown): Failure =>
  error instanceof DeliveryError
    ? { error: error.message, code: error.code, permanent: error.permanent, platformWide: error.platformWide }
    : {
        error: error instanceof Error ? error.message : String(error),
        code: "internal",
        permanent: false,
        platformWide: false,
      };

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
  /** Told about each failed try, after the ledger has recorded it. */
  onFailure?: (subscription: T, slot: DueSlot, failure: Failure) => Promise<void>;
  settled?: SettledSlots;
  concurrency?: number;
}): Promise<TickReport> {
  const { subscriptions, now, ledger, instance, post, settled } = options;
  const report: TickReport = { posted: [], failed: [], skipped: 0 };
  await eachLimited(subscriptions, options.concurrency ?? 16, async (subscription) => {
    const slot = dueToday(subscription.schedule, now.getTime());
    if (!slot || settled?.has(subscription.id, slot.date)) return;
    const claim = await ledger.claim(subscription.id, slot.date, instance, now);
    if (claim.kind !== "claimed") {
      if (claim.kind === "already-posted" || claim.kind === "given-up") settled?.add(subscription.id, slot.date);
      report.skipped++;
      return;
    }
    let ref: string;
    try {
      ref = await post(subscription, slot);
    } catch (error) {
      const failure = describeFailure(error);
      await ledger.failed(subscription.id, slot.date, instance, failure, now);
      report.failed.push({ id: subscription.id, date: slot.date, error: failure.error, permanent: failure.permanent });
      await options.onFailure?.(subscription, slot, failure);
      return;
    }
    await ledger.posted(subscription.id, slot.date, instance, ref, now);
    settled?.add(subscription.id, slot.date);
    report.posted.push({ id: subscription.id, date: slot.date, catchUp: slot.catchUp });
  });
  return report;
}
