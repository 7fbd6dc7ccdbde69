import type { DailySchedule } from "./slots.ts";
import { localParts } from "./zoned-time.ts";

const dayNames = ["Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday"];
const shortDays = ["Mon", "Tue", "Wed", "Thu", "Fri", "Sat", "Sun"];

const pad = (value: number) => String(value).padStart(2, "0");

export const clockTime = (time: { hour: number; minute: number }): string => `${pad(time.hour)}:${pad(time.minute)}`;

/** "Monday to Friday", "every day", "Mon, Wed, Fri". */
export function describeDays(weekdays: readonly number[]): string {
  const days = [...new Set(weekdays)].sort();
  if (days.length === 7) return "every day";
  if (days.join() === "1,2,3,4,5") return "Monday to Friday";
  if (days.join() === "6,7") return "weekends";
  if (days.length === 1) return `${dayNames[(days[0] as number) - 1]}s`;
  return days.map((day) => shortDays[day - 1]).join(", ");
}

/** "09:30 Europe/Berlin, Monday to Friday". */
export const describeSchedule = (schedule: {
  time: { hour: number; minute: number };
  zone: string;
  weekdays: readonly number[];
}): string => `${clockTime(schedule.time)} ${schedule.zone}, ${describeDays(schedule.weekdays)}`;

/** "Tue 3 Mar 09:30 Europe/Berlin (08:30 UTC)": an instant as the channel reads it and in UTC. */
export function localAndUtc(instant: number, zone: string): string {
  const local = localParts(instant, zone);
  const utc = localParts(instant, "UTC");
  const month = new Date(Date.UTC(local.year, local.month - 1, 1)).toLocaleString("en-US", {
    month: "short",
    timeZone: "UTC",
  });
  const localText = `${shortDays[local.weekday - 1]} ${local.day} ${month} ${clockTime(local)} ${zone}`;
  return zone === "UTC" ? localText : `${localText} (${clockTime(utc)} UTC)`;
}

/** The schedule a subscription's fields describe, as the slot functions take it. */
export const scheduleOf = (subscription: {
  time: { hour: number; minute: number };
  zone: string;
  weekdays: readonly number[];
}): DailySchedule => ({ zone: subscription.zone, time: subscription.time, weekdays: new Set(subscription.weekdays) });
