import { describe, expect, it } from "vitest";
import type { Button, Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { ProgressRepository } from "../src/progress/progress-repository.ts";
import { storedCardSchema, storedDeckSchema } from "../src/review/deck.ts";
import { newReviewsPerDay } from "../src/review/queue.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { alice, ask, bob, makeCore, textOf } from "./helpers.ts";

const dayMs = 86_400_000;

/** A core whose clock the test moves. */
async function clockedCore(start = "2026-03-02T10:00:00Z") {
  let now = new Date(start);
  const store = openMemoryStore(silentLogger);
  const { core } = await makeCore({ store, now: () => now });
  const at = (instant: string | number) => {
    now = new Date(instant);
  };
  return { core, store, at, now: () => now };
}

const buttons = (answer: Reply): Button[] =>
  answer.blocks.flatMap((block) => (block.type === "actions" ? block.buttons : []));

/** A stored card, validated; fails the test when there is none. */
const cardOf = async (store: ReturnType<typeof openMemoryStore>, topicId: string, who = alice) => {
  const value = (await deckOf(store, who))?.cards[topicId];
  if (value === undefined) throw new Error(`no review card for ${topicId}`);
  return storedCardSchema.parse(value);
};

const deckOf = async (store: ReturnType<typeof openMemoryStore>, who = alice) => {
  const value = await store.get(keys.review("release-engineer", who));
  return value === undefined ? undefined : storedDeckSchema.parse(value);
};

describe("spaced review", () => {
  it("GIVEN a topic marked done WHEN reviews are asked for THEN its card exists, due 3 days later as a first Good, and nothing is due yet", async () => {
    const { core, store } = await clockedCore();
    await ask(core, "done argocd-architecture");
    const card = await cardOf(store, "argocd-architecture");
    expect(card.reps).toBe(1);
    expect(Date.parse(card.due) - Date.parse("2026-03-02T10:00:00Z")).toBe(3 * dayMs);
    const answer = await ask(core, "review");
    expect(textOf(answer)).toContain("Nothing to review right now.");
    expect(textOf(answer)).toContain("ArgoCD Architecture, in 3 days");
  });

  it("GIVEN a card that is due WHEN `review` runs THEN it shows title and stage only, with Remembered, Fuzzy and Forgot", async () => {
    const { core, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    at("2026-03-05T10:00:00Z");
    const answer = await ask(core, "review");
    const text = textOf(answer);
    expect(text).toContain("Review: ArgoCD Architecture");
    expect(text).toContain("Stage 17 · ArgoCD");
    // The description is the check shown after answering, never before.
    expect(text).not.toContain("Application, AppProject");
    expect(buttons(answer).map((button) => button.label)).toEqual(["Remembered", "Fuzzy", "Forgot"]);
    expect(buttons(answer)[0]?.command).toBe("review argocd-architecture remembered 1");
  });

  it("GIVEN a due card WHEN answered with each grade THEN the check is the description and the intervals follow FSRS (Good 14 days, Again 1 day with a lapse)", async () => {
    const { core, store, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    await ask(core, "done helm-chart-structure", bob);
    at("2026-03-05T10:00:00Z");
    const good = await ask(core, "review argocd-architecture remembered 1");
    expect(textOf(good)).toContain("The check: Application, AppProject");
    expect(textOf(good)).toContain("it comes back in 14 days");
    const cardAfterGood = await cardOf(store, "argocd-architecture");
    expect(cardAfterGood.due).toBe("2026-03-19T10:00:00.000Z");

    const forgot = await ask(core, "review helm-chart-structure forgot", bob);
    expect(textOf(forgot)).toContain("it comes back tomorrow");
    const bobCard = await cardOf(store, "helm-chart-structure", bob);
    expect(bobCard.lapses).toBe(1);
    expect(bobCard.due).toBe("2026-03-06T10:00:00.000Z");
  });

  it("GIVEN a review answered by button WHEN the same button is clicked again THEN the reply says so and nothing is written", async () => {
    const { core, store, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    at("2026-03-05T10:00:00Z");
    const [remembered] = buttons(await ask(core, "review"));
    await ask(core, remembered?.command ?? "");
    const before = JSON.stringify(await deckOf(store));
    const again = await ask(core, remembered?.command ?? "");
    expect(textOf(again)).toContain("You already answered this review");
    expect(JSON.stringify(await deckOf(store))).toBe(before);
  });

  it("GIVEN two clicks of one review at the same moment THEN exactly one answer is recorded", async () => {
    const { core, store, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    at("2026-03-05T10:00:00Z");
    const [, fuzzy] = buttons(await ask(core, "review"));
    const answers = await Promise.all([ask(core, fuzzy?.command ?? ""), ask(core, fuzzy?.command ?? "")]);
    expect(answers.filter((answer) => textOf(answer).includes("You already answered")).length).toBe(1);
    expect((await deckOf(store))?.log.length).toBe(1);
  });

  it("GIVEN undo or skip of a done topic THEN its card is removed in the same write; done again starts a new card", async () => {
    const { core, store } = await clockedCore();
    await ask(core, "done argocd-architecture");
    await ask(core, "undo argocd-architecture");
    expect((await deckOf(store))?.cards).toEqual({});
    await ask(core, "done argocd-architecture");
    await ask(core, "skip argocd-architecture");
    expect((await deckOf(store))?.cards).toEqual({});
    await ask(core, "done argocd-architecture");
    expect(Object.keys((await deckOf(store))?.cards ?? {})).toEqual(["argocd-architecture"]);
  });

  it("GIVEN a topic not done WHEN it is answered THEN one clear reply says only done topics come back, and nothing is written", async () => {
    const { core, store } = await clockedCore();
    const answer = await ask(core, "review helm-chart-structure remembered");
    expect(answer.outcome).toBe("user-error");
    expect(textOf(answer)).toContain("only topics you marked done come back");
    expect(textOf(answer)).toContain("`done helm-chart-structure`");
    expect(await deckOf(store)).toBeUndefined();
  });

  it("GIVEN a bad grade THEN the reply names it and shows what to type", async () => {
    const { core } = await clockedCore();
    const answer = await ask(core, "review helm-chart-structure maybe");
    expect(answer.outcome).toBe("user-error");
    expect(textOf(answer)).toContain("“maybe” is not an answer to a review");
    expect(textOf(answer)).toContain("review argocd-architecture remembered");
  });

  it("GIVEN 40 topics done before reviews existed WHEN reviews are used day by day THEN at most 10 new ones are due each day, and looking writes nothing", async () => {
    const { core, store, at } = await clockedCore("2026-03-10T10:00:00Z");
    const roadmap = core.defaultRoadmap;
    // Written as an earlier version did: progress only, no review cards.
    const progress = new ProgressRepository(store, silentLogger);
    for (const [index, topic] of roadmap.topics.slice(0, 40).entries()) {
      await progress.setStatus(
        roadmap,
        alice,
        topic.id,
        "done",
        new Date(Date.parse("2026-01-01T00:00:00Z") + index * 3_600_000),
      );
    }
    const status = await ask(core, "review status");
    expect(textOf(status)).toContain(`Due now: ${newReviewsPerDay}`);
    expect(textOf(status)).toContain("Due this week: 40");
    expect(await deckOf(store)).toBeUndefined();

    // The oldest come first; each answered one gets its card, and the day's allowance shrinks.
    for (let answered = 0; answered < newReviewsPerDay; answered++) {
      const shown = await ask(core, "review");
      expect(textOf(shown)).toContain(`Review: ${roadmap.topics[answered]?.title}`);
      await ask(core, buttons(shown)[0]?.command ?? "");
    }
    expect(textOf(await ask(core, "review"))).toContain("Nothing to review right now.");
    expect(Object.keys((await deckOf(store))?.cards ?? {}).length).toBe(newReviewsPerDay);

    at("2026-03-11T10:00:00Z");
    expect(textOf(await ask(core, "review status"))).toContain(`Due now: ${newReviewsPerDay}`);
  });

  it("GIVEN reviews answered WHEN `review status` runs THEN it counts due now, this week and the last 30 days, and estimates recall overall and for the weakest stage", async () => {
    const { core, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    await ask(core, "done helm-chart-structure");
    at("2026-03-05T10:00:00Z");
    await ask(core, "review argocd-architecture remembered");
    await ask(core, "review helm-chart-structure forgot");
    at("2026-03-07T10:00:00Z");
    const text = textOf(await ask(core, "review status"));
    expect(text).toContain("Due now: 1");
    expect(text).toContain("Reviewed in 30 days: 2");
    expect(text).toMatch(/You likely still remember \d+% of what you reviewed; weakest: stage \d+ · Helm/);
  });

  it("GIVEN a review answered on a day with no topic done THEN that day counts for the streak", async () => {
    const { core, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    at("2026-03-03T10:00:00Z");
    expect(textOf(await ask(core, "streak"))).toContain("Current: 1 day");
    await ask(core, "review argocd-architecture fuzzy");
    expect(textOf(await ask(core, "streak"))).toContain("Current: 2 days");
  });

  it("GIVEN review cards and answers WHEN the person exports and then forgets THEN the export holds them and forget-me deletes them", async () => {
    const { core, store, at } = await clockedCore();
    await ask(core, "done argocd-architecture");
    at("2026-03-05T10:00:00Z");
    await ask(core, "review argocd-architecture remembered");
    const exported = await ask(core, "export");
    const document = JSON.parse(exported.file?.content ?? "{}") as { reviews: Record<string, { log: unknown[] }> };
    expect(document.reviews["release-engineer"]?.log).toHaveLength(1);
    await ask(core, "forget-me confirm");
    expect(await deckOf(store)).toBeUndefined();
  });

  it("GIVEN the clock fixed WHEN the same answers are given twice in fresh stores THEN the due dates are the same (fuzz is deterministic)", async () => {
    const dues: string[] = [];
    for (let run = 0; run < 2; run++) {
      const { core, store, at } = await clockedCore();
      await ask(core, "done argocd-architecture");
      at("2026-03-05T10:00:00Z");
      await ask(core, "review argocd-architecture remembered");
      at("2026-03-19T10:00:00Z");
      await ask(core, "review argocd-architecture remembered");
      dues.push((await cardOf(store, "argocd-architecture")).due);
    }
    expect(dues[0]).toBe(dues[1]);
    expect(Date.parse(dues[0] ?? "")).toBeGreaterThan(Date.parse("2026-04-10T00:00:00Z"));
  });
});
