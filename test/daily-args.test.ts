import { describe, expect, it } from "vitest";
import { parseDailySettings } from "../src/schedule/daily-args.ts";

const parsed = (text: string) => {
  const result = parseDailySettings(text.split(" ").filter(Boolean), "UTC");
  return result.ok ? result.value : { error: result.error.id, message: `${result.error.message} ${result.error.hint}` };
};

describe("daily on arguments", () => {
  it("GIVEN nothing THEN 09:00, the default zone, Monday to Friday, all topics", () => {
    expect(parsed("")).toEqual({ time: { hour: 9, minute: 0 }, zone: "UTC", weekdays: [1, 2, 3, 4, 5], track: "all" });
  });

  it.each([
    ["09:30 Europe/Berlin", { time: { hour: 9, minute: 30 }, zone: "Europe/Berlin" }],
    ["europe/berlin 7", { time: { hour: 7, minute: 0 }, zone: "Europe/Berlin" }],
    ["daily 18:05", { time: { hour: 18, minute: 5 }, weekdays: [1, 2, 3, 4, 5, 6, 7] }],
    ["mon,wed,fri required", { weekdays: [1, 3, 5], track: "required" }],
    ["friday,monday", { weekdays: [1, 5] }],
    ["America/New_York weekdays all 0:00", { zone: "America/New_York", time: { hour: 0, minute: 0 }, track: "all" }],
  ])("GIVEN %j THEN %j", (text, expected) => {
    expect(parsed(text)).toMatchObject(expected);
  });

  it.each([
    [
      "25:00",
      "daily.bad-time",
      "“25:00” is not a time of day. Write the time as HH:MM on a 24-hour clock, e.g. `daily on 09:30 Europe/Berlin`.",
    ],
    [
      "9:75",
      "daily.bad-time",
      "“9:75” is not a time of day. Write the time as HH:MM on a 24-hour clock, e.g. `daily on 09:30 Europe/Berlin`.",
    ],
    [
      "Mars/Base",
      "daily.bad-zone",
      "“Mars/Base” is not a time zone I know. Use an IANA zone name such as `Europe/Berlin`, `America/New_York` or `UTC`.",
    ],
    [
      "mon,funday",
      "daily.bad-word",
      "I don't understand “mon,funday” here. Try `daily on 09:30 Europe/Berlin mon,wed,fri required` (every part optional).",
    ],
  ])("GIVEN %j THEN a clear error with a valid example", (text, id, message) => {
    expect(parsed(text)).toEqual({ error: id, message });
  });
});
