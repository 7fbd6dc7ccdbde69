import type { Roadmap } from "../content/schema.ts";
import { periodRange } from "../core/commands/leaderboard.ts";
import { replyPicture, teamProgressMapView } from "../core/picture-views.ts";
import type { ReplyPicture } from "../core/reply.ts";
import type { WeeklyChartView } from "../pictures/views.ts";
import type { UserProgress } from "../progress/model.ts";
import { type PeriodId, periodDates, previousWeek } from "../progress/periods.ts";
import type { ProgressRepository } from "../progress/progress-repository.ts";
import type { Standings } from "../progress/standings.ts";
import { picturesOn } from "../teams/team-settings.ts";
import { type LocalDate, nextDate, slotInstant } from "./zoned-time.ts";

/**
 * How many people a recap's pictures read, the channel's best by all-time points: every one of
 * them is a document read, once a week. A larger channel's pictures count these people only.
 */
export const recapPictureReach = 5_000;

/** Documents read at once, so a large channel does not queue thousands of reads in one go. */
const readsAtOnce = 100;

const weekdayLabels = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"] as const;

export interface RecapScope {
  roadmap: Roadmap;
  platform: string;
  teamId: string;
  /** The channel's all-time board: everyone in it who has done anything, and is not hidden. */
  allTimeBoardId: string;
  /** The week the recap is about. */
  week: PeriodId;
  /** The team's zone, which its weeks and days follow. */
  zone: string;
}

/**
 * The weekly recap's pictures: topics done per day of the week by the channel (with the week
 * before's total), and the channel's progress map. Both come from the people on the channel's
 * all-time board, the ones who have done any topic there, read from their progress documents,
 * as the boards' points are: so the chart counts what the boards count, and a topic undone
 * since is not counted. None when the team turned pictures off or the channel has nobody.
 */
export async function recapPictures(
  standings: Standings,
  progress: ProgressRepository,
  scope: RecapScope,
): Promise<ReplyPicture[]> {
  if (!picturesOn(await standings.teams.get(scope.platform, scope.teamId))) return [];
  const { standings: members } = await standings.boards.top(scope.allTimeBoardId, recapPictureReach);
  const progresses: UserProgress[] = [];
  for (let start = 0; start < members.length; start += readsAtOnce) {
    const batch = members.slice(start, start + readsAtOnce);
    progresses.push(
      ...(await Promise.all(
        batch.map((member) => progress.load(scope.roadmap, { platform: scope.platform, userId: member.userId })),
      )),
    );
  }
  const map = teamProgressMapView(scope.roadmap, progresses, "This channel");
  if (!map) return [];
  const thisWeek = weekDays(scope.week);
  const weekBefore = weekDays(previousWeek(scope.week));
  const counts = doneByDay(progresses, scope.roadmap, [...weekBefore, ...thisWeek], scope.zone);
  const chart: WeeklyChartView = {
    kind: "weekly-chart",
    title: `This channel · ${periodRange(scope.week)}`,
    days: weekdayLabels.map((label, index) => ({ label, done: counts[7 + index] ?? 0 })),
    lastWeekTotal: counts.slice(0, 7).reduce((sum, count) => sum + count, 0),
  };
  return [replyPicture("weekly-chart.png", chart), replyPicture("team-progress.png", map)];
}

/** The seven local dates of a week period, Monday first. */
export function weekDays(week: PeriodId): LocalDate[] {
  const dates = periodDates(week);
  if (!dates || !week.startsWith("week-")) throw new Error(`not a week period: ${week}`);
  const [year, month, day] = dates.first.split("-").map(Number) as [number, number, number];
  const days: LocalDate[] = [{ year, month, day }];
  while (days.length < 7) days.push(nextDate(days.at(-1) as LocalDate));
  return days;
}

/**
 * Topics of the roadmap done on each of `days` (consecutive local dates) in `zone`, counted from
 * when each was marked done. Each day's bounds are found once, so a topic costs a comparison or
 * two rather than a time-zone conversion.
 */
export function doneByDay(
  progresses: readonly UserProgress[],
  roadmap: Roadmap,
  days: readonly LocalDate[],
  zone: string,
): number[] {
  const last = days.at(-1);
  if (!last) return [];
  const midnight = { hour: 0, minute: 0 };
  const bounds = [...days, nextDate(last)].map((date) => slotInstant(date, midnight, zone));
  const counts = days.map(() => 0);
  const first = bounds[0] as number;
  const end = bounds.at(-1) as number;
  for (const progress of progresses) {
    for (const topic of roadmap.topics) {
      const record = progress.topics.get(topic.id);
      if (record?.status !== "done") continue;
      const at = Date.parse(record.since);
      if (!(at >= first && at < end)) continue;
      const day = bounds.findIndex((bound, index) => at >= bound && at < (bounds[index + 1] ?? end));
      counts[day] = (counts[day] ?? 0) + 1;
    }
  }
  return counts;
}
