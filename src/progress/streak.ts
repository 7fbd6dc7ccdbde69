import { isoDate, localParts } from "../schedule/zoned-time.ts";
import type { UserProgress } from "./model.ts";

/** Study before this local hour counts for the day before: a late night still belongs to that day. */
export const dayStartsAtHour = 4;

/** The study day an instant belongs to, in a zone ("2026-03-02"). */
export function studyDay(instant: number, zone: string): string {
  const local = localParts(instant - dayStartsAtHour * 3_600_000, zone);
  return isoDate(local);
}

const previousDay = (date: string): string => {
  const day = new Date(`${date}T00:00:00Z`);
  day.setUTCDate(day.getUTCDate() - 1);
  return day.toISOString().slice(0, 10);
};

export interface Streak {
  /** Study days in a row, ending today or yesterday (0 when neither was a study day). */
  current: number;
  studiedToday: boolean;
}

/**
 * Days with at least one topic marked done, from the dates the topics were marked. A topic
 * counts on the day it was last marked done; undoing it takes that day back.
 */
export function streakOf(progress: UserProgress, zone: string, now: Date): Streak {
  const days = new Set<string>();
  for (const record of progress.topics.values()) {
    if (record.status === "done") days.add(studyDay(Date.parse(record.since), zone));
  }
  const today = studyDay(now.getTime(), zone);
  const studiedToday = days.has(today);
  let day = studiedToday ? today : previousDay(today);
  let current = 0;
  while (days.has(day)) {
    current++;
    day = previousDay(day);
  }
  return { current, studiedToday };
}
