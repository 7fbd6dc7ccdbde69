import { z } from "zod";
import { isTimeZone } from "./zoned-time.ts";

/**
 * A recurring post: a channel's daily topic ("channel") or a person's own reminder ("reminder").
 * Kept together in one index so one scheduler tick sees both.
 */
export const subscriptionSchema = z.object({
  id: z.string().min(1),
  kind: z.enum(["channel", "reminder"]),
  platform: z.string().min(1),
  teamId: z.string().optional(),
  /** The channel posted to (channel subscriptions only). */
  channelId: z.string().optional(),
  /**
   * Who set it up (channel) or who is reminded (reminder): the person told when it pauses. A
   * channel's is removed when that person asks the bot to forget them.
   */
  userId: z.string().min(1).optional(),
  userName: z.string().optional(),
  roadmapId: z.string().min(1),
  time: z.object({ hour: z.number().int().min(0).max(23), minute: z.number().int().min(0).max(59) }),
  zone: z.string().refine(isTimeZone, { message: "unknown time zone" }),
  /** ISO weekdays, 1 Monday … 7 Sunday. */
  weekdays: z.array(z.number().int().min(1).max(7)).min(1),
  track: z.enum(["all", "required"]),
  createdAt: z.iso.datetime(),
  /** Channels only: "weekly" also posts last week's channel leaderboard with the week's first post. */
  recap: z.enum(["weekly"]).optional(),
  /** Channels only: "on" adds a quiz question to each daily slot and reveals the last one first. */
  quiz: z.enum(["on"]).optional(),
  /** Channels only: "off" when the slot posts only the quiz (`daily quiz on` with no daily topic). */
  topics: z.enum(["off"]).optional(),
  /** Set after three failed days in a row; nothing is posted until someone turns it on again. */
  paused: z.object({ at: z.iso.datetime(), reason: z.string() }).optional(),
});
export type Subscription = z.infer<typeof subscriptionSchema>;

/** What a subscription has done so far: where it is in the roadmap and how its last posts went. */
export const subscriptionStateSchema = z.object({
  /** The last topic posted; the next post is the one after it on the subscription's track. */
  lastTopicId: z.string().optional(),
  /** How many times the channel has gone through the whole track. */
  rounds: z.number().int().min(0).default(0),
  lastPost: z
    .object({
      date: z.string(),
      at: z.iso.datetime(),
      ref: z.string(),
      kind: z.enum(["topic", "closing", "reminder"]),
      topicId: z.string().optional(),
      catchUp: z.boolean(),
    })
    .optional(),
  lastError: z
    .object({
      date: z.string(),
      at: z.iso.datetime(),
      code: z.string(),
      message: z.string(),
      permanent: z.boolean(),
    })
    .optional(),
  /** The channel's last quiz, until it is revealed. */
  quizId: z.string().optional(),
  /** Scheduled days in a row whose post failed; three pause the subscription. */
  failedDays: z.number().int().min(0).default(0),
});
export type SubscriptionState = z.infer<typeof subscriptionStateSchema>;

export const emptyState: SubscriptionState = Object.freeze({ rounds: 0, failedDays: 0 });

/** One subscription per channel; one reminder per person (per platform). */
export const channelSubscriptionId = (platform: string, teamId: string | undefined, channelId: string): string =>
  `channel/${platform}/${teamId ?? "-"}/${channelId}`;
export const reminderId = (platform: string, userId: string): string => `reminder/${platform}/${userId}`;
