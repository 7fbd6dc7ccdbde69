import type { DailySettings } from "../../schedule/daily-args.ts";
import type { Subscription } from "../../schedule/subscription.ts";
import type { CommandContext } from "../command.ts";

/**
 * A subscription as set up by whoever runs the command here, on the command's roadmap and with
 * the parsed settings: a channel's (`daily on`, `daily quiz on`) or the person's own reminder.
 * `keep` carries what an earlier one had that the command does not change (a channel's weekly
 * recap and quiz, when it was first created).
 */
export function newSubscription(
  context: Pick<CommandContext, "who" | "roadmap" | "now">,
  where: { id: string; kind: "reminder" } | { id: string; kind: "channel"; channelId: string },
  { time, zone, weekdays, track }: DailySettings,
  keep: Pick<Subscription, "recap" | "quiz" | "topics"> & { createdAt?: string } = {},
): Subscription {
  const { who, roadmap, now } = context;
  return {
    id: where.id,
    kind: where.kind,
    platform: who.platform,
    ...(who.teamId ? { teamId: who.teamId } : {}),
    ...(where.kind === "channel" ? { channelId: where.channelId } : {}),
    userId: who.userId,
    ...(who.displayName ? { userName: who.displayName } : {}),
    roadmapId: roadmap.id,
    time,
    zone,
    weekdays,
    track,
    ...(keep.recap ? { recap: keep.recap } : {}),
    ...(keep.quiz ? { quiz: keep.quiz } : {}),
    ...(keep.topics ? { topics: keep.topics } : {}),
    createdAt: keep.createdAt ?? now.toISOString(),
  };
}
