import { describe, expect, it } from "vitest";
import type { Reply } from "../src/core/reply.ts";
import { alice, ask, bob, makeCore, textOf } from "./helpers.ts";

const buttonsOf = (reply: Reply | undefined) =>
  (reply?.blocks ?? []).flatMap((block) => (block.type === "actions" ? block.buttons.map((b) => b.label) : []));

describe("the dashboard (Slack's App Home)", () => {
  it("GIVEN a new person THEN it shows nothing done, the first topic with Done / Learning / Skip, stage 1, no reviews and no rank yet, and writes nothing", async () => {
    const { core, store } = await makeCore();
    const written: string[] = [];
    const set = store.set.bind(store);
    store.set = async (key, value) => {
      written.push(key);
      return set(key, value);
    };
    const home = await core.home(alice);
    const text = textOf(home as Reply);
    expect(text).toContain("0/112");
    expect(text).toContain("Next up: What is Release Engineering? · stage 1");
    expect(text).toContain("Stage 1 · Release Engineering Foundations");
    expect(text).toContain("Not on it yet");
    expect(buttonsOf(home)).toEqual(expect.arrayContaining(["Done", "Learning", "Skip"]));
    expect(buttonsOf(home).some((label) => label.startsWith("Review"))).toBe(false);
    expect(home?.pictures?.[0]?.view).toMatchObject({ kind: "progress-map", subject: "Alice" });
    expect(written).toEqual([]);
  });

  it("GIVEN topics done days ago and a team mate ahead THEN reviews due bring a Review button and the rank reads 2nd of 2; hidden people see Hidden", async () => {
    let now = new Date("2026-03-02T10:00:00Z");
    const { core } = await makeCore({ now: () => now });
    for (const topic of ["what-is-release-engineering", "release-engineering-vs-devops-vs-sre"])
      await ask(core, `done ${topic}`);
    for (const topic of ["what-is-release-engineering", "release-engineering-vs-devops-vs-sre", "dora-metrics"])
      await ask(core, `done ${topic}`, bob);
    now = new Date("2026-03-06T10:00:00Z");
    const home = await core.home(alice);
    expect(textOf(home as Reply)).toContain("2nd of 2");
    expect(buttonsOf(home)).toContain("Review (2 due)");
    await ask(core, "privacy hidden");
    expect(textOf((await core.home(alice)) as Reply)).toContain("Hidden (privacy)");
  });
});
