import type { DailySettings } from "../../schedule/daily-args.ts";
import type { Subscription } from "../../schedule/subscription.ts";
import type { CommandContext } from "../command.ts";

/**
 * A channel's subscription as set up by whoever runs the command here, on the command's roadmap
 * and with the parsed settings; `keep` carries what an earlier one had that the command does not
 * change (its weekly recap, its quiz, when it was first created).
 */
export function channelSubscription(
  context: Pick<CommandContext, "who" | "roadmap" | "now">,
  id: string,
  channelId: string,
  { time, zone, weekdays, track }: DailySettings,
  keep: Pick<Subscription, "recap" | "quiz" | "topics"> & { createdAt?: string } = {},
): Subscription {
  const { who, roadmap, now } = context;
  return {
    id,
    kind: "channel",
    platform: who.platform,
    ...(who.teamId ? { teamId: who.teamId } : {}),
    channelId,
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
