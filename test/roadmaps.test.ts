import { describe, expect, it } from "vitest";
import { parseRoadmap } from "../src/content/load.ts";
import type { Roadmap } from "../src/content/schema.ts";
import { Core } from "../src/core/core.ts";
import type { Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { repositories } from "../src/repositories.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { alice, ask, fixedNow, shippedRoadmaps, textOf } from "./helpers.ts";

/** A team's own roadmap beside the shipped one; it reuses the id dora-metrics on purpose. */
const onboardingYaml = `id: onboarding
title: Team onboarding
stages:
  - number: 1
    id: first-week
    title: First week
    summary: Get access and ship something small.
    topics:
      - id: dora-metrics
        title: Our DORA dashboard
        level: required
        description: Where our delivery metrics live.
      - id: deploy-pipeline
        title: Our deploy pipeline
        level: recommended
        description: How a change reaches production here.
`;

async function twoRoadmapCore() {
  const { roadmap } = parseRoadmap("onboarding.yaml", onboardingYaml);
  if (!roadmap) throw new Error("fixture does not parse");
  const store = openMemoryStore(silentLogger);
  const roadmaps: Roadmap[] = [roadmap, ...(await shippedRoadmaps())];
  const core = new Core({
    roadmaps,
    ...repositories(store, silentLogger, "UTC"),
    logger: silentLogger,
    clock: () => fixedNow,
  });
  return { core, store };
}

const commandsOf = (reply: Reply) =>
  reply.blocks.flatMap((block) => (block.type === "actions" ? block.buttons.map((button) => button.command) : []));

describe("a second roadmap", () => {
  it("GIVEN two roadmaps THEN release-engineer stays the default whatever the file order", async () => {
    const { core } = await twoRoadmapCore();
    expect(core.defaultRoadmap.id).toBe("release-engineer");
    expect(textOf(await ask(core, "stage 17"))).toContain("Stage 17 · ArgoCD");
  });

  it("GIVEN a topic of the second roadmap THEN its buttons carry the roadmap id", async () => {
    const { core } = await twoRoadmapCore();
    const reply = await ask(core, "onboarding topic dora-metrics");
    expect(textOf(reply)).toContain("Our DORA dashboard");
    expect(commandsOf(reply)).toEqual([
      "onboarding done dora-metrics",
      "onboarding start dora-metrics",
      "onboarding skip dora-metrics",
      "onboarding next",
    ]);
  });

  it("GIVEN a mark in the second roadmap THEN only that roadmap's progress changes", async () => {
    const { core, store } = await twoRoadmapCore();
    expect(textOf(await ask(core, "onboarding done dora-metrics"))).toContain(
      "Marked Our DORA dashboard as done. 1/2 done (50%).",
    );
    expect(await store.get(keys.progress("release-engineer", alice))).toBeUndefined();
    expect(textOf(await ask(core, "progress"))).toContain("0/112");
  });

  it("GIVEN a miss in the second roadmap THEN the hint repeats the roadmap id and the verb typed", async () => {
    const { core } = await twoRoadmapCore();
    expect(textOf(await ask(core, "onboarding done our"))).toContain(
      "Be more specific, e.g. `onboarding done dora-metrics`.",
    );
    expect(textOf(await ask(core, "onboarding stage 9"))).toContain("Try `onboarding stages` to list them");
  });

  it("GIVEN only a roadmap id THEN that roadmap's stages are shown", async () => {
    const { core } = await twoRoadmapCore();
    expect(textOf(await ask(core, "onboarding"))).toContain("1. First week");
  });
});
