import { describe, expect, it } from "vitest";
import { isoDate, isTimeZone, localParts, nextDate, slotInstant, weekdayOf } from "../src/schedule/zoned-time.ts";

const at = (iso: string) => new Date(iso).getTime();
const slot = (date: string, time: string, zone: string) => {
  const [year, month, day] = date.split("-").map(Number) as [number, number, number];
  const [hour, minute] = time.split(":").map(Number) as [number, number];
  return new Date(slotInstant({ year, month, day }, { hour, minute }, zone)).toISOString();
};

describe("slot instants in a time zone", () => {
  it.each([
    ["an ordinary summer day in New York", "2026-06-01", "09:00", "America/New_York", "2026-06-01T13:00:00.000Z"],
    ["an ordinary winter day in Berlin", "2026-01-15", "09:00", "Europe/Berlin", "2026-01-15T08:00:00.000Z"],
    ["UTC", "2026-11-26", "23:59", "UTC", "2026-11-26T23:59:00.000Z"],
    ["a zone east of UTC whose local date is ahead", "2026-11-27", "07:00", "Asia/Tokyo", "2026-11-26T22:00:00.000Z"],
  ])("GIVEN %s THEN the slot is the wall-clock time there", (_, date, time, zone, expected) => {
    expect(slot(date, time, zone)).toBe(expected);
  });

  it.each([
    ["New York", "2026-03-08", "02:30", "America/New_York", "2026-03-08T07:00:00.000Z"], // 03:00 EDT
    ["Berlin", "2026-03-29", "02:30", "Europe/Berlin", "2026-03-29T01:00:00.000Z"], // 03:00 CEST
    ["Lord Howe (a 30-minute shift)", "2026-10-04", "02:15", "Australia/Lord_Howe", "2026-10-03T15:30:00.000Z"], // 02:30 +11
  ])(
    "GIVEN a time that does not exist on %s's spring-forward day THEN it posts at the first valid minute after",
    (_, date, time, zone, expected) => {
      expect(slot(date, time, zone)).toBe(expected);
    },
  );

  it.each([
    ["New York", "2026-11-01", "01:30", "America/New_York", "2026-11-01T05:30:00.000Z"], // 01:30 EDT, not EST
    ["Berlin", "2026-10-25", "02:30", "Europe/Berlin", "2026-10-25T00:30:00.000Z"], // 02:30 CEST, not CET
  ])(
    "GIVEN a time that happens twice on %s's fall-back day THEN it posts once, at the first occurrence",
    (_, date, time, zone, expected) => {
      expect(slot(date, time, zone)).toBe(expected);
    },
  );

  it("GIVEN the days around a DST change THEN 09:00 stays 09:00 local on each", () => {
    const days = ["2026-03-07", "2026-03-08", "2026-03-09"].map((date) => slot(date, "09:00", "America/New_York"));
    expect(days).toEqual(["2026-03-07T14:00:00.000Z", "2026-03-08T13:00:00.000Z", "2026-03-09T13:00:00.000Z"]);
    for (const iso of days) expect(localParts(at(iso), "America/New_York")).toMatchObject({ hour: 9, minute: 0 });
  });
});

describe("calendar helpers", () => {
  it("GIVEN dates THEN weekdays are ISO (Monday 1 … Sunday 7) and next dates roll over months and years", () => {
    expect(weekdayOf({ year: 2026, month: 11, day: 26 })).toBe(4);
    expect(weekdayOf({ year: 2026, month: 11, day: 29 })).toBe(7);
    expect(isoDate(nextDate({ year: 2026, month: 12, day: 31 }))).toBe("2027-01-01");
    expect(isoDate(nextDate({ year: 2028, month: 2, day: 28 }))).toBe("2028-02-29");
  });

  it("GIVEN zone names THEN only real IANA zones are accepted", () => {
    expect(isTimeZone("Europe/Berlin")).toBe(true);
    expect(isTimeZone("UTC")).toBe(true);
    expect(isTimeZone("Mars/Olympus_Mons")).toBe(false);
  });
});
