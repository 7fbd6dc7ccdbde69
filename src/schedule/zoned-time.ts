/**
 * Wall-clock time in an IANA zone, with the two DST rules the daily post promises: a local time
 * that does not exist (spring forward) happens at the first valid minute after it; a local time
 * that happens twice (fall back) happens at its first occurrence. Built on Intl only.
 */

export interface LocalDate {
  year: number;
  month: number; // 1-12
  day: number;
}

export interface LocalTime {
  hour: number;
  minute: number;
}

const formatters = new Map<string, Intl.DateTimeFormat>();
function formatter(zone: string): Intl.DateTimeFormat {
  let format = formatters.get(zone);
  if (!format) {
    format = new Intl.DateTimeFormat("en-US", {
      timeZone: zone,
      hourCycle: "h23",
      year: "numeric",
      month: "numeric",
      day: "numeric",
      hour: "numeric",
      minute: "numeric",
      second: "numeric",
    });
    formatters.set(zone, format);
  }
  return format;
}

let canonicalZones: Set<string> | undefined;

/** Whether Intl knows the zone ("Europe/Berlin" yes, "Mars/Base" no). */
export function isTimeZone(zone: string): boolean {
  // Config checks its zone at every start: looking it up in Intl's list of canonical zones takes
  // about 1 ms where a first formatter takes about 9 (ICU's date patterns), which a one-shot `ask`
  // would pay for nothing. "UTC" (which ECMA-402 requires every engine to accept) and aliases such
  // as "US/Eastern" are not in that list, so anything else still goes to a formatter.
  canonicalZones ??= new Set(Intl.supportedValuesOf("timeZone"));
  if (zone === "UTC" || canonicalZones.has(zone)) return true;
  try {
    formatter(zone);
    return true;
  } catch {
    return false;
  }
}

/** The wall-clock fields of an instant in a zone. */
export function localParts(instant: number, zone: string): LocalDate & LocalTime & { second: number; weekday: number } {
  const parts = Object.fromEntries(
    formatter(zone)
      .formatToParts(instant)
      .map((part) => [part.type, part.value]),
  );
  const fields = {
    year: Number(parts.year),
    month: Number(parts.month),
    day: Number(parts.day),
    hour: Number(parts.hour),
    minute: Number(parts.minute),
    second: Number(parts.second),
  };
  // ISO weekday of the local date: 1 Monday … 7 Sunday.
  const weekday = ((new Date(Date.UTC(fields.year, fields.month - 1, fields.day)).getUTCDay() + 6) % 7) + 1;
  return { ...fields, weekday };
}

/** The zone's offset from UTC at an instant, in ms (Berlin in summer: +7,200,000). */
function offsetAt(instant: number, zone: string): number {
  const local = localParts(instant, zone);
  const asUtc = Date.UTC(local.year, local.month - 1, local.day, local.hour, local.minute, local.second);
  return asUtc - Math.floor(instant / 1000) * 1000;
}

/** Every instant whose wall clock in the zone reads exactly this date and time (0, 1 or 2 of them). */
function exactInstants(date: LocalDate, time: LocalTime, zone: string): number[] {
  const naive = Date.UTC(date.year, date.month - 1, date.day, time.hour, time.minute);
  const offsets = new Set([
    offsetAt(naive - 86_400_000, zone),
    offsetAt(naive, zone),
    offsetAt(naive + 86_400_000, zone),
  ]);
  return [...offsets]
    .map((offset) => naive - offset)
    .filter((instant) => {
      const local = localParts(instant, zone);
      return (
        local.year === date.year &&
        local.month === date.month &&
        local.day === date.day &&
        local.hour === time.hour &&
        local.minute === time.minute
      );
    })
    .sort((a, b) => a - b);
}

/**
 * The instant a daily post for this local date and time happens: the first occurrence when the
 * time happens twice, the first valid minute after it when the time does not exist that day.
 */
export function slotInstant(date: LocalDate, time: LocalTime, zone: string): number {
  const [first] = exactInstants(date, time, zone);
  if (first !== undefined) return first;
  // A gap: walk forward minute by minute (gaps last an hour, rarely more) to the first valid one.
  for (let step = 1; step <= 24 * 60; step++) {
    const total = time.hour * 60 + time.minute + step;
    const later = { hour: Math.floor(total / 60), minute: total % 60 };
    if (later.hour > 23) break;
    const [valid] = exactInstants(date, later, zone);
    if (valid !== undefined) return valid;
  }
  throw new Error(
    `No valid time on ${date.year}-${date.month}-${date.day} at or after ${time.hour}:${time.minute} in ${zone}`,
  );
}

/** The local calendar date one day after `date`. */
export function nextDate(date: LocalDate): LocalDate {
  const next = new Date(Date.UTC(date.year, date.month - 1, date.day + 1));
  return { year: next.getUTCFullYear(), month: next.getUTCMonth() + 1, day: next.getUTCDate() };
}

export const isoDate = (date: LocalDate): string =>
  `${date.year}-${String(date.month).padStart(2, "0")}-${String(date.day).padStart(2, "0")}`;

/** The ISO weekday (1 Monday … 7 Sunday) of a calendar date. */
export const weekdayOf = (date: LocalDate): number =>
  ((new Date(Date.UTC(date.year, date.month - 1, date.day)).getUTCDay() + 6) % 7) + 1;
