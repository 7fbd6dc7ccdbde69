import { describe, expect, it } from "vitest";
import { alice, ask, makeCore, textOf } from "./helpers.ts";

describe("a person's own time zone", () => {
  it("GIVEN the platform tells the person's zone THEN their streak's days follow it; without it, the team's (UTC here)", async () => {
    let now = new Date("2026-03-02T20:00:00Z"); // 09:00 on Tuesday 3 March in Auckland, Monday evening in UTC
    const { core } = await makeCore({ now: () => now });
    const kiwi = { ...alice, zone: "Pacific/Auckland" };
    await ask(core, "done what-is-release-engineering", kiwi);
    now = new Date("2026-03-03T05:00:00Z"); // 18:00 the same Tuesday in Auckland; Tuesday morning in UTC
    const own = textOf(await ask(core, "streak", kiwi));
    expect(own).toContain("Today is counted");
    expect(own).toContain("04:00 to 04:00 in Pacific/Auckland");
    const team = textOf(await ask(core, "streak", alice));
    expect(team).toContain("Today is not counted yet");
    expect(team).toContain("04:00 to 04:00 in UTC");
  });
});
