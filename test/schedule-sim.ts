import type { Core } from "../src/core/core.ts";
import type { ReplyPicture } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import type { repositories } from "../src/repositories.ts";
import { DailyScheduler } from "../src/schedule/daily-scheduler.ts";
import type { Delivery, DeliveryError, OutgoingPost } from "../src/schedule/delivery.ts";
import { PostLedger } from "../src/schedule/post-ledger.ts";
import type { Subscription } from "../src/schedule/subscription.ts";
import { isoDate, localParts, nextDate, weekdayOf } from "../src/schedule/zoned-time.ts";
import type { Store } from "../src/store/store.ts";

export interface SentPost {
  kind: "channel" | "direct";
  target: string;
  key: string;
  title: string;
  text: string;
  /** The commands of the post's buttons, in order. */
  buttons: string[];
  pictures?: readonly ReplyPicture[];
}

/** A platform that records what it was asked to send; channels can be told to fail. */
export class RecordingDelivery implements Delivery {
  readonly sent: SentPost[] = [];
  readonly failing = new Map<string, DeliveryError>();

  constructor(readonly platform = "test") {}

  async postToChannel(target: { channelId: string }, post: OutgoingPost): Promise<string> {
    const failure = this.failing.get(target.channelId);
    if (failure) throw failure;
    return this.record("channel", target.channelId, post);
  }

  async sendDirect(target: { userId: string }, post: OutgoingPost): Promise<string> {
    const failure = this.failing.get(target.userId);
    if (failure) throw failure;
    return this.record("direct", target.userId, post);
  }

  private record(kind: SentPost["kind"], target: string, post: OutgoingPost): string {
    const header = post.reply.blocks.find((block) => block.type === "header");
    const text = post.reply.blocks.map((block) => ("text" in block ? block.text : "")).join("\n");
    const buttons = post.reply.blocks.flatMap((block) =>
      block.type === "actions" ? block.buttons.map((button) => button.command) : [],
    );
    this.sent.push({
      kind,
      target,
      key: post.key,
      title: header?.type === "header" ? header.text : "",
      text,
      buttons,
      ...(post.reply.pictures ? { pictures: post.reply.pictures } : {}),
    });
    return `msg-${this.sent.length}`;
  }
}

export function channelSubscription(fields: Partial<Subscription> & { id: string; channelId: string }): Subscription {
  return {
    kind: "channel",
    platform: "test",
    teamId: "T1",
    userId: "U-owner",
    roadmapId: "release-engineer",
    time: { hour: 9, minute: 0 },
    zone: "UTC",
    weekdays: [1, 2, 3, 4, 5],
    track: "all",
    createdAt: "2026-01-01T00:00:00.000Z",
    ...fields,
  };
}

/** The local dates from `from` to `to` (inclusive) that fall on one of the weekdays. */
export function scheduledDates(from: string, to: string, weekdays: readonly number[]): string[] {
  const [year, month, day] = from.split("-").map(Number) as [number, number, number];
  let date = { year, month, day };
  const dates: string[] = [];
  while (isoDate(date) <= to) {
    if (weekdays.includes(weekdayOf(date))) dates.push(isoDate(date));
    date = nextDate(date);
  }
  return dates;
}

/** The local date an instant falls on in a zone. */
export const localDate = (instant: number, zone: string): string => isoDate(localParts(instant, zone));

/** Ticks every `stepMinutes` from start to end (ms since the epoch). */
export function ticks(start: string, end: string, stepMinutes: number): Date[] {
  const out: Date[] = [];
  for (let at = Date.parse(start); at <= Date.parse(end); at += stepMinutes * 60_000) out.push(new Date(at));
  return out;
}

/** Post keys that occur more than once. */
export const duplicates = (keys: readonly string[]): string[] =>
  [...new Set(keys.filter((key, index) => keys.indexOf(key) !== index))].sort();

/**
 * A scheduler wired as main.ts wires it, over one store's repositories and a core, posting to one
 * (recording) delivery: what tests and benches that tick it by hand need.
 */
export function schedulerFor(options: {
  store: Store;
  wired: ReturnType<typeof repositories>;
  core: Core;
  delivery: Delivery;
  clock: () => Date;
  instance: string;
}): DailyScheduler {
  const { store, wired, core, delivery, clock, instance } = options;
  return new DailyScheduler({
    subscriptions: wired.schedule.subscriptions,
    ledger: new PostLedger(store, silentLogger),
    progress: wired.progress,
    standings: wired.standings,
    quizDeps: wired,
    roadmaps: core,
    deliveries: [delivery],
    logger: silentLogger,
    instance,
    clock,
  });
}
