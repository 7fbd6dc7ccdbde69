import { describe, expect, it } from "vitest";
import { type DailySchedule, dueToday, nextSlot } from "../src/schedule/slots.ts";

const weekdays = new Set([1, 2, 3, 4, 5]);
const nineInBerlin: DailySchedule = { zone: "Europe/Berlin", time: { hour: 9, minute: 0 }, weekdays };
const at = (iso: string) => new Date(iso).getTime();

describe("dueToday", () => {
  it("GIVEN a weekday before 09:00 local THEN nothing is due", () => {
    expect(dueToday(nineInBerlin, at("2026-11-26T07:59:00Z"))).toBeUndefined(); // 08:59 CET
  });

  it("GIVEN the tick at the slot THEN today's post is due, on time", () => {
    expect(dueToday(nineInBerlin, at("2026-11-26T08:00:30Z"))).toEqual({
      date: "2026-11-26",
      at: at("2026-11-26T08:00:00Z"),
      catchUp: false,
    });
  });

  it("GIVEN the bot back later the same local day THEN it is due as a catch-up", () => {
    expect(dueToday(nineInBerlin, at("2026-11-26T15:00:00Z"))).toMatchObject({ date: "2026-11-26", catchUp: true });
  });

  it("GIVEN the next morning before the slot THEN yesterday is not flooded in", () => {
    expect(dueToday(nineInBerlin, at("2026-11-27T06:00:00Z"))).toBeUndefined();
  });

  it("GIVEN a weekend day THEN nothing is due on a weekdays schedule", () => {
    expect(dueToday(nineInBerlin, at("2026-11-28T12:00:00Z"))).toBeUndefined(); // Saturday
  });

  it("GIVEN a zone whose date is already tomorrow THEN the local date is the ledger date", () => {
    const tokyo: DailySchedule = { zone: "Asia/Tokyo", time: { hour: 7, minute: 0 }, weekdays: new Set([5]) };
    expect(dueToday(tokyo, at("2026-11-26T22:30:00Z"))).toMatchObject({ date: "2026-11-27", catchUp: true }); // Fri 07:30 JST
  });
});

describe("nextSlot", () => {
  it("GIVEN Friday after the slot THEN the next one is Monday's", () => {
    expect(nextSlot(nineInBerlin, at("2026-11-27T10:00:00Z"))).toEqual({
      date: "2026-11-30",
      at: at("2026-11-30T08:00:00Z"),
    });
  });

  it("GIVEN a schedule on no day THEN there is no next slot", () => {
    expect(nextSlot({ ...nineInBerlin, weekdays: new Set() }, at("2026-11-27T10:00:00Z"))).toBeUndefined();
  });
});
