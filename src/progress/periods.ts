import { isoDate, type LocalDate, localParts, weekdayOf } from "../schedule/zoned-time.ts";

/** Which points a leaderboard counts: the current ISO week, the current month, or everything. */
export const periodKinds = ["week", "month", "all"] as const;
export type PeriodKind = (typeof periodKinds)[number];

/**
 * One concrete period, named so it can be part of a key: "all", "week-2026-W48", "month-2026-11".
 * Weeks and months follow the local calendar of a zone (the team's), midnight to midnight.
 */
export type PeriodId = string;

const utcDate = (date: LocalDate): Date => new Date(Date.UTC(date.year, date.month - 1, date.day));

/** ISO 8601 week-numbering: the week belongs to the year that holds its Thursday. */
export function isoWeek(date: LocalDate): { year: number; week: number } {
  const thursday = utcDate(date);
  thursday.setUTCDate(thursday.getUTCDate() + 4 - weekdayOf(date));
  const year = thursday.getUTCFullYear();
  const week = Math.floor((thursday.getTime() - Date.UTC(year, 0, 1)) / 86_400_000 / 7) + 1;
  return { year, week };
}

/** The period of a kind that a local calendar date belongs to. */
export function periodOfDate(kind: PeriodKind, date: LocalDate): PeriodId {
  if (kind === "all") return "all";
  if (kind === "month") return `month-${date.year}-${String(date.month).padStart(2, "0")}`;
  const { year, week } = isoWeek(date);
  return `week-${year}-W${String(week).padStart(2, "0")}`;
}

export const periodOf = (kind: PeriodKind, instant: number, zone: string): PeriodId =>
  kind === "all" ? "all" : periodOfDate(kind, localParts(instant, zone));

export const kindOfPeriod = (period: PeriodId): PeriodKind =>
  period === "all" ? "all" : period.startsWith("week-") ? "week" : "month";

/** The local dates a period runs from and to (inclusive), for headers: "Mon 23 Nov – Sun 29 Nov". */
export function periodDates(period: PeriodId): { first: string; last: string } | undefined {
  const week = /^week-(\d{4})-W(\d{2})$/.exec(period);
  if (week) {
    const jan4 = new Date(Date.UTC(Number(week[1]), 0, 4));
    const monday = new Date(jan4);
    monday.setUTCDate(jan4.getUTCDate() - ((jan4.getUTCDay() + 6) % 7) + (Number(week[2]) - 1) * 7);
    const sunday = new Date(monday);
    sunday.setUTCDate(monday.getUTCDate() + 6);
    return { first: monday.toISOString().slice(0, 10), last: sunday.toISOString().slice(0, 10) };
  }
  const month = /^month-(\d{4})-(\d{2})$/.exec(period);
  if (month) {
    const first = { year: Number(month[1]), month: Number(month[2]), day: 1 };
    const last = new Date(Date.UTC(first.year, first.month, 0));
    return { first: isoDate(first), last: last.toISOString().slice(0, 10) };
  }
  return undefined;
}

/** The week before a week period ("week-2026-W01" → the last week of 2025), for the weekly recap. */
export function previousWeek(period: PeriodId): PeriodId {
  const dates = periodDates(period);
  if (!dates || !period.startsWith("week-")) throw new Error(`not a week period: ${period}`);
  const day = new Date(`${dates.first}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 7);
  return periodOfDate("week", { year: day.getUTCFullYear(), month: day.getUTCMonth() + 1, day: day.getUTCDate() });
}
