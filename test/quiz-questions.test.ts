import { beforeAll, describe, expect, it } from "vitest";
import type { Level, Roadmap, Stage, Topic } from "../src/content/schema.ts";
import {
  MASK,
  maskTitleWords,
  newSeed,
  type Question,
  type QuestionKind,
  questionAbout,
  questionFor,
} from "../src/quiz/questions.ts";
import { shippedRoadmaps } from "./helpers.ts";

let roadmap: Roadmap;
beforeAll(async () => {
  const roadmaps = await shippedRoadmaps();
  const found = roadmaps.find((r) => r.id === "release-engineer") ?? roadmaps[0];
  if (!found) throw new Error("no roadmap shipped");
  roadmap = found;
});

const kinds: QuestionKind[] = ["topic", "stage"];
const seeds = ["a", "b", "c", "seed-4", "0123456789abcdef"];
const manySeeds = Array.from({ length: 200 }, (_, i) => `try-${i}`);

/** The test's own reading of "title word": written apart from the module so a shared mistake cannot hide. */
function wordsOf(title: string): string[] {
  return title
    .toLowerCase()
    .split(/[^\p{L}\p{N}]+/u)
    .filter((w) => w.length >= 3);
}
const hasWholeWord = (text: string, word: string) =>
  new RegExp(`(?<![\\p{L}\\p{N}])${word}(?![\\p{L}\\p{N}])`, "iu").test(text);

function topicOf(map: Roadmap, id: string | undefined): Topic {
  const topic = id === undefined ? undefined : map.topicsById.get(id);
  if (!topic) throw new Error(`no topic ${id}`);
  return topic;
}

/** What is wrong with a question about `topic`; empty when it is sound. */
function problemsWith(map: Roadmap, topic: Topic, kind: QuestionKind, q: Question): string[] {
  const problems: string[] = [];
  const where = `${topic.id}/${kind}/${q.seed}`;
  if (q.kind !== kind || q.topicId !== topic.id || q.choices.length !== 4) problems.push(`${where}: shape`);
  if (!Number.isInteger(q.answer) || q.answer < 0 || q.answer > 3) problems.push(`${where}: answer ${q.answer}`);
  if (new Set(q.choices.map((c) => c.label)).size !== q.choices.length) problems.push(`${where}: repeated label`);

  const isRight = (c: Question["choices"][number]) =>
    kind === "topic" ? c.topicId === topic.id : c.stageNumber === topic.stageNumber;
  const right = q.choices.flatMap((c, i) => (isRight(c) ? [i] : []));
  if (right.length !== 1 || right[0] !== q.answer) problems.push(`${where}: right choices at ${right}`);

  if (kind === "topic") {
    if (q.prompt !== "Which topic is this?") problems.push(`${where}: prompt ${q.prompt}`);
    const ids = q.choices.map((c) => c.topicId);
    if (new Set(ids).size !== 4) problems.push(`${where}: repeated topic`);
    for (const c of q.choices) {
      if (map.topicsById.get(c.topicId ?? "")?.title !== c.label) problems.push(`${where}: label ${c.label}`);
    }
    const clue = q.clue ?? "";
    if (clue.trim() === "") problems.push(`${where}: empty clue`);
    for (const word of wordsOf(topic.title).flatMap((w) => [w, `${w}s`, `${w}'s`, `${w}’s`])) {
      if (hasWholeWord(clue, word)) problems.push(`${where}: clue shows "${word}": ${clue}`);
    }
  } else {
    if (q.prompt !== `Which stage does ${topic.title} belong to?`) problems.push(`${where}: prompt ${q.prompt}`);
    const numbers = q.choices.map((c) => c.stageNumber);
    if (new Set(numbers).size !== 4) problems.push(`${where}: repeated stage`);
    for (const c of q.choices) {
      const stage = map.stages.find((s) => s.number === c.stageNumber);
      if (!stage || c.label !== `Stage ${stage.number} · ${stage.title}`) problems.push(`${where}: label ${c.label}`);
    }
  }
  return problems;
}

const distractorsOf = (q: Question) => q.choices.filter((_, i) => i !== q.answer);

/** A hand-built roadmap; each stage lists its topics as "title" or "title:level". */
function syntheticRoadmap(stageTopics: string[][]): Roadmap {
  let order = 0;
  const stages: Stage[] = stageTopics.map((titles, s) => ({
    number: s + 1,
    id: `stage-${s + 1}`,
    title: `Stage Title ${s + 1}`,
    summary: "A stage.",
    topics: titles.map((spec, i): Topic => {
      const [title = spec, level = "required"] = spec.split(":");
      return {
        id: title.toLowerCase().replace(/[^a-z0-9]+/g, "-"),
        title,
        level: level as Level,
        description: `All about ${title} and why it matters.`,
        stageNumber: s + 1,
        indexInStage: i + 1,
        order: order++,
      };
    }),
  }));
  const topics = stages.flatMap((s) => s.topics);
  return {
    id: "synthetic",
    title: "Synthetic",
    tagline: undefined,
    description: undefined,
    stages,
    topics,
    topicsById: new Map(topics.map((t) => [t.id, t])),
    topicAliases: new Map(),
    file: "synthetic.yaml",
  };
}

describe("every shipped topic makes a sound question", () => {
  it("GIVEN the shipped roadmap THEN it has the 112 topics these checks are meant to cover", () => {
    expect(roadmap.topics).toHaveLength(112);
  });

  it.each(kinds)("GIVEN every topic and several seeds WHEN asking a %s question THEN it is sound", (kind) => {
    const problems = roadmap.topics.flatMap((topic) =>
      seeds.flatMap((seed) => problemsWith(roadmap, topic, kind, questionAbout(roadmap, topic.id, kind, seed))),
    );
    expect(problems).toEqual([]);
  });

  it("GIVEN many seeds WHEN questionFor picks THEN every question is sound", () => {
    const problems = manySeeds.flatMap((seed) => {
      const q = questionFor(roadmap, seed);
      return problemsWith(roadmap, topicOf(roadmap, q.topicId), q.kind, q);
    });
    expect(problems).toEqual([]);
  });
});

describe("masking the clue", () => {
  it.each([
    [
      "ArgoCD RBAC & SSO",
      "ArgoCD's RBAC ties into SSO; argocd roles map to rbac policies via ArgoCD’s config.",
      `${MASK} ${MASK} ties into ${MASK}; ${MASK} roles map to ${MASK} policies via ${MASK} config.`,
    ],
    [
      "Rolling Deployments",
      "Each deployment rolls pods; rolling deployments keep capacity.",
      `Each ${MASK} rolls pods; ${MASK} ${MASK} keep capacity.`,
    ],
    ["Sync Policies", "A policy per app, synced by syncs.", `A ${MASK} per app, synced by ${MASK}.`],
    ["Push vs Pull", "The CI pushes while the agent pulls.", `The CI ${MASK} while the agent ${MASK}.`],
    [
      "Git Tags",
      "GitHub and GitLab tag releases: git tag v1.",
      `GitHub and GitLab ${MASK} releases: ${MASK} ${MASK} v1.`,
    ],
    ["CI/CD in AWS", "Run CI in AWS.", `Run CI in ${MASK}.`],
    ["Multi-Stage Builds", "A multi-stage build (multi_stage).", `A ${MASK}-${MASK} ${MASK} (${MASK}_${MASK}).`],
  ])(
    "GIVEN title %j WHEN masking %j THEN title words and their forms are hidden, nothing else",
    (title, text, want) => {
      expect(maskTitleWords(text, title)).toBe(want);
    },
  );
});

describe("questions are deterministic from their seed", () => {
  it("GIVEN the same seed THEN the same question, for questionFor and questionAbout", () => {
    for (const seed of manySeeds.slice(0, 50)) {
      expect(questionFor(roadmap, seed)).toEqual(questionFor(roadmap, seed));
      const q = questionFor(roadmap, seed);
      expect(questionAbout(roadmap, q.topicId, q.kind, seed)).toEqual(q);
    }
  });

  it("GIVEN 200 different seeds THEN many topics, both kinds at about 2:1, and every answer position", () => {
    const questions = manySeeds.map((seed) => questionFor(roadmap, seed));
    expect(new Set(questions.map((q) => q.topicId)).size).toBeGreaterThan(60);
    const topicKind = questions.filter((q) => q.kind === "topic").length;
    expect(topicKind).toBeGreaterThan(100);
    expect(topicKind).toBeLessThan(170);
    expect(new Set(questions.map((q) => q.answer))).toEqual(new Set([0, 1, 2, 3]));
  });

  it("GIVEN newSeed THEN fresh hex seeds", () => {
    const a = newSeed();
    expect(a).toMatch(/^[0-9a-f]{16}$/);
    expect(newSeed()).not.toBe(a);
  });
});

describe("topic distractors prefer the closest topics", () => {
  it("GIVEN a topic in a stage of 4+ topics THEN all three distractors come from its stage, varying with the seed", () => {
    const big = roadmap.stages.filter((s) => s.topics.length >= 4);
    expect(big.length).toBeGreaterThan(0);
    for (const stage of big) {
      for (const topic of stage.topics) {
        const sets = new Set<string>();
        for (const seed of seeds) {
          const others = distractorsOf(questionAbout(roadmap, topic.id, "topic", seed));
          expect(others.map((c) => topicOf(roadmap, c.topicId).stageNumber)).toEqual([
            stage.number,
            stage.number,
            stage.number,
          ]);
          sets.add(
            others
              .map((c) => c.topicId)
              .sort()
              .join(),
          );
        }
        if (stage.topics.length >= 5) expect(sets.size).toBeGreaterThan(1);
      }
    }
  });

  it("GIVEN a shipped stage of 3 topics THEN both stage mates plus one topic of the same level from elsewhere", () => {
    const small = roadmap.stages.filter((s) => s.topics.length === 3);
    expect(small.length).toBeGreaterThan(0);
    for (const stage of small) {
      for (const topic of stage.topics) {
        for (const seed of seeds) {
          const others = distractorsOf(questionAbout(roadmap, topic.id, "topic", seed)).map((c) =>
            topicOf(roadmap, c.topicId),
          );
          const mates = others.filter((t) => t.stageNumber === stage.number);
          const outside = others.filter((t) => t.stageNumber !== stage.number);
          expect(mates).toHaveLength(2);
          expect(outside.map((t) => t.level)).toEqual([topic.level]);
        }
      }
    }
  });

  it("GIVEN a stage of 2 topics THEN the other one is a choice, then same-level topics from other stages", () => {
    const map = syntheticRoadmap([
      ["Alpha:optional", "Beta"],
      ["Gamma", "Delta", "Epsilon:optional"],
      ["Zeta:optional", "Eta"],
      ["Theta", "Iota"],
    ]);
    for (const seed of seeds) {
      const q = questionAbout(map, "alpha", "topic", seed);
      expect(problemsWith(map, topicOf(map, "alpha"), "topic", q)).toEqual([]);
      expect(q.choices.map((c) => c.topicId).sort()).toEqual(["alpha", "beta", "epsilon", "zeta"]);
    }
  });

  it("GIVEN no stage mates and no topic of the same level THEN the nearest stages' topics, random among equals", () => {
    const map = syntheticRoadmap([["One"], ["Two"], ["Three:optional"], ["Four"], ["Five"]]);
    const thirds = new Set<string>();
    for (const seed of manySeeds.slice(0, 40)) {
      const ids = distractorsOf(questionAbout(map, "three", "topic", seed)).map((c) => c.topicId ?? "");
      expect(ids).toContain("two");
      expect(ids).toContain("four");
      const third = ids.find((id) => id !== "two" && id !== "four") ?? "";
      expect(["one", "five"]).toContain(third);
      thirds.add(third);
    }
    expect(thirds).toEqual(new Set(["one", "five"]));
  });
});

describe("stage distractors are neighbouring stages", () => {
  it("GIVEN every topic THEN the other three stages are distinct, not its own, and within 3 of it", () => {
    for (const topic of roadmap.topics) {
      for (const seed of seeds) {
        const numbers = distractorsOf(questionAbout(roadmap, topic.id, "stage", seed)).map((c) => c.stageNumber ?? 0);
        expect(new Set(numbers).size).toBe(3);
        expect(numbers).not.toContain(topic.stageNumber);
        for (const n of numbers) expect(Math.abs(n - topic.stageNumber)).toBeLessThanOrEqual(3);
      }
    }
  });

  it("GIVEN a middle stage THEN the right stage is not always in the middle of the four", () => {
    const topic = roadmap.stages.find((s) => s.number === 12)?.topics[0];
    if (!topic) throw new Error("no stage 12");
    const ranks = new Set<number>();
    for (const seed of manySeeds.slice(0, 60)) {
      const numbers = questionAbout(roadmap, topic.id, "stage", seed).choices.map((c) => c.stageNumber ?? 0);
      ranks.add(numbers.sort((a, b) => a - b).indexOf(12));
    }
    expect(ranks).toEqual(new Set([0, 1, 2, 3]));
  });
});

describe("roadmaps too small for a quiz", () => {
  it("GIVEN 3 topics WHEN asking THEN a clear error", () => {
    const map = syntheticRoadmap([["Alpha", "Beta"], ["Gamma"]]);
    expect(() => questionFor(map, "x")).toThrow('A quiz needs at least 4 topics, but roadmap "synthetic" has 3.');
    expect(() => questionAbout(map, "alpha", "topic", "x")).toThrow(/at least 4 topics/);
  });

  it("GIVEN 4+ topics in 3 stages THEN questionFor only asks topic questions and a stage question is refused", () => {
    const map = syntheticRoadmap([["Alpha", "Beta"], ["Gamma", "Delta"], ["Epsilon"]]);
    for (const seed of manySeeds) {
      const q = questionFor(map, seed);
      expect(q.kind).toBe("topic");
      expect(problemsWith(map, topicOf(map, q.topicId), "topic", q)).toEqual([]);
    }
    expect(() => questionAbout(map, "alpha", "stage", "x")).toThrow(
      'A stage question needs at least 4 stages, but roadmap "synthetic" has 3.',
    );
  });

  it("GIVEN an unknown topic id THEN a clear error", () => {
    expect(() => questionAbout(roadmap, "no-such-topic", "topic", "x")).toThrow(/has no topic "no-such-topic"/);
  });
});
