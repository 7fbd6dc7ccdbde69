import { z } from "zod";

export const topicStatuses = ["done", "learning", "skipped"] as const;
export type TopicStatus = (typeof topicStatuses)[number];
/** What a person sees for a topic: a stored status, or "todo" when nothing is stored. */
export type TopicState = TopicStatus | "todo";

/** Who is asking. Platform and user id together identify a person; ids are opaque strings. */
export interface Person {
  platform: string;
  userId: string;
}

/**
 * The person asking and where from; every platform fills this from its own payload. Here, beside
 * Person, so the stores and the core both use it without the stores importing the core.
 */
export interface Who extends Person {
  displayName?: string;
  teamId?: string;
  channelId?: string;
  /** The command came from a one-to-one conversation with the bot, not a channel. */
  inDirectMessage?: boolean;
  /** The person's own time zone, when the platform tells it (Slack does): reminders and streaks follow it. */
  zone?: string;
}

export const topicRecordSchema = z.object({
  status: z.enum(topicStatuses),
  /** When the status was last set (ISO 8601). */
  since: z.iso.datetime(),
});
export type TopicRecord = z.infer<typeof topicRecordSchema>;

/** Stored per person and roadmap. Entries are validated one by one so one bad entry costs only itself. */
export const storedProgressSchema = z.object({
  topics: z.record(z.string(), z.unknown()),
});

export interface UserProgress {
  readonly topics: ReadonlyMap<string, TopicRecord>;
}

export const emptyProgress: UserProgress = Object.freeze({ topics: new Map() });
