import { isoDate, type LocalDate, type LocalTime, localParts, nextDate, slotInstant, weekdayOf } from "./zoned-time.ts";

/** When something recurs: a local time in a zone, on some ISO weekdays (1 Monday … 7 Sunday). */
export interface DailySchedule {
  zone: string;
  time: LocalTime;
  weekdays: ReadonlySet<number>;
}

export interface DueSlot {
  /** The local date the slot belongs to ("2026-03-08"): the ledger key that makes it happen once. */
  date: string;
  /** When it was due (ms since the epoch). */
  at: number;
  /** Due more than the grace period ago: the bot was down at the slot and catches up today. */
  catchUp: boolean;
}

/** A tick this late after the slot still counts as on time. */
export const onTimeGraceMs = 5 * 60_000;

const todayIn = (now: number, zone: string): LocalDate => {
  const { year, month, day } = localParts(now, zone);
  return { year, month, day };
};

/**
 * Today's slot if it has come (on time or as a catch-up later the same local day), else nothing.
 * Earlier days are never returned: a day missed entirely is not posted afterwards.
 */
export function dueToday(schedule: DailySchedule, now: number): DueSlot | undefined {
  const today = todayIn(now, schedule.zone);
  if (!schedule.weekdays.has(weekdayOf(today))) return undefined;
  const at = slotInstant(today, schedule.time, schedule.zone);
  if (at > now) return undefined;
  return { date: isoDate(today), at, catchUp: now - at > onTimeGraceMs };
}

/** The next slot strictly after `now`, for "next post" in status replies. */
export function nextSlot(schedule: DailySchedule, now: number): { date: string; at: number } | undefined {
  if (schedule.weekdays.size === 0) return undefined;
  let date = todayIn(now, schedule.zone);
  for (let day = 0; day < 8; day++) {
    if (schedule.weekdays.has(weekdayOf(date))) {
      const at = slotInstant(date, schedule.time, schedule.zone);
      if (at > now) return { date: isoDate(date), at };
    }
    date = nextDate(date);
  }
  return undefined;
}
