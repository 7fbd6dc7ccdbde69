import { boardBlocks } from "../core/commands/leaderboard.ts";
import type { RoadmapLookup } from "../core/lookup.ts";
import { type Reply, reply } from "../core/reply.ts";
import { namedTop } from "../progress/board-view.ts";
import { periodOfDate, previousWeek } from "../progress/periods.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { Standings } from "../progress/standings.ts";
import { boardId } from "../store/keys.ts";
import { recapPictures } from "./recap-pictures.ts";
import type { Subscription } from "./subscription.ts";
import { weekdayOf } from "./zoned-time.ts";

/** How many people a recap names. */
const recapSize = 5;

/**
 * Whether a channel's post on `date` ("2026-03-09") is its first of that ISO week: the recap rides
 * on it, so it goes out once a week on whichever days the channel posts, under the same claim.
 */
export function isFirstPostOfWeek(date: string, weekdays: readonly number[]): boolean {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const weekday = weekdayOf({ year, month, day });
  return weekdays.includes(weekday) && !weekdays.some((other) => other < weekday);
}

/**
 * Last week's leaderboard for the channel of a subscription, or undefined when it has nobody on it
 * (a recap of nobody is noise). The ISO week before the post's local date; the team's boards
 * count weeks in the team's zone, which the footer names. Its pictures: the week's topics per
 * day and the channel's progress map (recap-pictures.ts).
 */
export async function weeklyRecapReply(
  standings: Standings,
  progress: ProgressRepository,
  lookup: RoadmapLookup,
  subscription: Subscription,
  date: string,
): Promise<Reply | undefined> {
  if (!subscription.teamId || !subscription.channelId) return undefined;
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const period = previousWeek(periodOfDate("week", { year, month, day }));
  const channel = {
    roadmapId: subscription.roadmapId,
    platform: subscription.platform,
    teamId: subscription.teamId,
    channelId: subscription.channelId,
  };
  const id = boardId({ ...channel, period });
  const board = await namedTop(standings.boards, standings.people, subscription.platform, id, recapSize);
  if (board.members === 0) return undefined;
  const top = board.top.map((line) => ({ ...line, me: false }));
  const zone = await standings.teamZone(subscription.platform, subscription.teamId);
  const pictures = await recapPictures(standings, progress, {
    roadmap: lookup.roadmap,
    platform: subscription.platform,
    teamId: subscription.teamId,
    allTimeBoardId: boardId({ ...channel, period: "all" }),
    week: period,
    zone,
  });
  return reply(
    [
      ...boardBlocks(
        { period, zone, top, hidden: false, total: board.total, members: board.members },
        "Last week's leaderboard in this channel",
      ),
      {
        type: "context",
        text: `\`${lookup.command("leaderboard channel")}\` shows this week so far; \`${lookup.command("privacy hidden")}\` keeps you off leaderboards.`,
      },
    ],
    { private: false, pictures },
  );
}
