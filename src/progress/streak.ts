import { isoDate, localParts } from "../schedule/zoned-time.ts";
import type { UserProgress } from "./model.ts";

/** Study before this local hour counts for the day before: a late night still belongs to that day. */
export const dayStartsAtHour = 4;

const previousDay = (date: string): string => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
};

/**
 * The study day an instant belongs to, in a zone ("2026-03-02"). Read from the local clock, not
 * by shifting the instant 4 hours back: on a night the clocks change, those differ by an hour.
 */
export function studyDay(instant: number, zone: string): string {
  const local = localParts(instant, zone);
  return local.hour < dayStartsAtHour ? previousDay(isoDate(local)) : isoDate(local);
}

export interface Streak {
  /** Study days in a row, ending today or yesterday (0 when neither was a study day). */
  current: number;
  /** The most study days in a row ever. */
  longest: number;
  studiedToday: boolean;
  /** The last study day ("2026-03-02"), if any. */
  lastDay?: string;
}

/**
 * Days with at least one topic marked done, from the dates the topics were marked, across every
 * roadmap, or with a review answered (`reviewed`, the answers' instants). A topic counts on the
 * day it was last marked done; undoing it takes that day back. Derived from what is stored about
 * the person alone, so a streak is exact whenever that is, and forgetting them forgets the streak.
 */
export function streakOf(
  progress: UserProgress | readonly UserProgress[],
  zone: string,
  now: Date,
  reviewed: readonly number[] = [],
): Streak {
  const days = new Set<string>(reviewed.map((instant) => studyDay(instant, zone)));
  for (const one of Array.isArray(progress) ? progress : [progress]) {
    for (const record of (one as UserProgress).topics.values()) {
      if (record.status === "done") days.add(studyDay(Date.parse(record.since), zone));
    }
  }
  const today = studyDay(now.getTime(), zone);
  const studiedToday = days.has(today);
  let day = studiedToday ? today : previousDay(today);
  let current = 0;
  while (days.has(day)) {
    current++;
    day = previousDay(day);
  }
  const sorted = [...days].sort();
  let longest = 0;
  let run = 0;
  for (const [index, date] of sorted.entries()) {
    run = index > 0 && previousDay(date) === sorted[index - 1] ? run + 1 : 1;
    longest = Math.max(longest, run);
  }
  const lastDay = sorted.at(-1);
  return { current, longest, studiedToday, ...(lastDay ? { lastDay } : {}) };
}
