import { fail, ok, quote, type Result, UserError } from "../core/errors.ts";
import type { LocalTime } from "./zoned-time.ts";
import { isTimeZone } from "./zoned-time.ts";

/** What `daily on [HH:MM] [zone] [weekdays|daily|mon,wed,fri] [required|all]` asks for. */
export interface DailySettings {
  time: LocalTime;
  zone: string;
  /** ISO weekdays, 1 Monday … 7 Sunday. */
  weekdays: number[];
  track: "all" | "required";
}

const dayNames = ["mon", "tue", "wed", "thu", "fri", "sat", "sun"] as const;
const weekdaysOnly = [1, 2, 3, 4, 5];
const everyDay = [1, 2, 3, 4, 5, 6, 7];

/** "9:30", "09:30", "9" (o'clock), "21:05"; 24-hour clock. */
function parseTime(word: string): LocalTime | undefined {
  const match = /^(\d{1,2})(?::(\d{2}))?$/.exec(word);
  if (!match) return undefined;
  const hour = Number(match[1]);
  const minute = Number(match[2] ?? "0");
  return hour <= 23 && minute <= 59 ? { hour, minute } : undefined;
}

/** "mon,wed,fri" (also "monday,wednesday"); undefined when any part is not a day. */
function parseDays(word: string): number[] | undefined {
  const days = word
    .split(",")
    .map((part) => dayNames.findIndex((name) => part.length >= 3 && name === part.slice(0, 3)) + 1);
  return days.every((day) => day > 0) ? [...new Set(days)].sort() : undefined;
}

/** The zone as Intl spells it ("europe/berlin" -> "Europe/Berlin"), or undefined. */
export function canonicalZone(word: string): string | undefined {
  if (!word.includes("/") && word.toUpperCase() !== "UTC") return undefined;
  if (!isTimeZone(word)) return undefined;
  return new Intl.DateTimeFormat("en-US", { timeZone: word }).resolvedOptions().timeZone;
}

const timeHint = "Write the time as HH:MM on a 24-hour clock, e.g. `daily on 09:30 Europe/Berlin`.";

/**
 * Reads the words after `daily on` in any order. Defaults: 09:00, the given default zone, Monday
 * to Friday, all topics. Anything unrecognised is an error that names it and shows an example.
 */
export function parseDailySettings(words: readonly string[], defaultZone: string): Result<DailySettings> {
  const settings: DailySettings = {
    time: { hour: 9, minute: 0 },
    zone: defaultZone,
    weekdays: weekdaysOnly,
    track: "all",
  };
  for (const raw of words) {
    const word = raw.toLowerCase();
    if (/^\d/.test(word)) {
      const time = parseTime(word);
      if (!time) return fail(new UserError("daily.bad-time", `${quote(raw, 12)} is not a time of day.`, timeHint));
      settings.time = time;
    } else if (word === "weekdays") settings.weekdays = weekdaysOnly;
    else if (word === "daily" || word === "everyday") settings.weekdays = everyDay;
    else if (word === "required" || word === "all") settings.track = word;
    else if (raw.includes("/") || word === "utc") {
      const zone = canonicalZone(raw);
      if (!zone) {
        return fail(
          new UserError(
            "daily.bad-zone",
            `${quote(raw, 40)} is not a time zone I know.`,
            "Use an IANA zone name such as `Europe/Berlin`, `America/New_York` or `UTC`.",
          ),
        );
      }
      settings.zone = zone;
    } else {
      const days = parseDays(word);
      if (!days) {
        return fail(
          new UserError(
            "daily.bad-word",
            `I don't understand ${quote(raw, 24)} here.`,
            "Try `daily on 09:30 Europe/Berlin mon,wed,fri required` (every part optional).",
          ),
        );
      }
      settings.weekdays = days;
    }
  }
  return ok(settings);
}
