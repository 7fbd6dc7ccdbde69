import { beforeAll, describe, expect, it } from "vitest";
import { UserError } from "../src/core/errors.ts";
import { RoadmapLookup } from "../src/core/lookup.ts";
import { shippedRoadmaps } from "./helpers.ts";

let lookup: RoadmapLookup;
beforeAll(async () => {
  const [roadmap] = await shippedRoadmaps();
  if (!roadmap) throw new Error("no roadmap");
  lookup = new RoadmapLookup(roadmap);
});

const failure = (fn: () => unknown): UserError => {
  try {
    fn();
  } catch (error) {
    if (error instanceof UserError) return error;
    throw error;
  }
  throw new Error("expected a UserError");
};

describe("stages resolve by number, id or name", () => {
  it.each([
    ["17", 17],
    ["+3", 3],
    ["argo", 17],
    ["ArgoCD", 17],
    ["flux-cd", 18],
    ["helm", 15],
    ["terraform advanced", 11],
    ["devsecops", 9],
  ])("GIVEN %j THEN stage %i", (query, number) => {
    expect(lookup.stage(query).number).toBe(number);
  });

  it.each([
    ["99", "stage.out-of-range", "There is no stage “99”: stages are numbered 1 to 26."],
    ["0", "stage.out-of-range", "There is no stage “0”: stages are numbered 1 to 26."],
    ["-1", "stage.out-of-range", "There is no stage “-1”: stages are numbered 1 to 26."],
    [
      "terraform",
      "stage.ambiguous",
      "“terraform” matches 2 stages: 10 Terraform Fundamentals, 11 Terraform Advanced Patterns.",
    ],
  ])("GIVEN %j THEN %s", (query, id, message) => {
    const error = failure(() => lookup.stage(query));
    expect([error.id, error.message]).toEqual([id, message]);
  });

  it("GIVEN a name a typo away from a stage THEN that stage is suggested", () => {
    const error = failure(() => lookup.stage("ansibel"));
    expect(error.id).toBe("stage.not-found");
    expect(error.message).toBe("No stage matches “ansibel”.");
    expect(error.hint).toBe("Did you mean 13 Ansible for Configuration Management? Try `stage 13`.");
  });

  it("GIVEN a name far from every stage THEN no unrelated stage is suggested", () => {
    expect(failure(() => lookup.stage("abc")).hint).toBe("Try `stages`.");
    expect(failure(() => lookup.stage("0x11")).hint).toBe("Try `stages`.");
  });
});

describe("topics resolve by id, title, words or a typo", () => {
  it.each([
    ["argocd-architecture", "argocd-architecture"],
    ["ArgoCD Architecture", "argocd-architecture"],
    ["helm templating", "helm-templating"],
    ["argocd architcture", "argocd-architecture"],
    ["sbom", "software-bill-of-materials-sbom"],
    ["blue/green", "blue-green-deployments"],
  ])("GIVEN %j THEN %s", (query, id) => {
    expect(lookup.topic(query).id).toBe(id);
  });

  it("GIVEN a word in no title or id THEN no topic resolves by accident", () => {
    expect(failure(() => lookup.topic("semver")).id).toBe("topic.not-found");
  });

  it("GIVEN a word shared by several topics THEN every candidate is listed", () => {
    const error = failure(() => lookup.topic("helm"));
    expect(error.id).toBe("topic.ambiguous");
    expect(error.message).toContain("matches 6 topics");
    expect(error.message).toContain("Helm Templating (helm-templating)");
    expect(error.hint).toBe("Be more specific, e.g. `topic helm-chart-structure`.");
  });

  it("GIVEN a miss from `done` THEN the hint repeats `done`, not `topic`", () => {
    expect(failure(() => lookup.topic("argocd", "done")).hint).toBe(
      "Be more specific, e.g. `done argocd-architecture`.",
    );
  });

  it("GIVEN an unknown topic THEN the closest topics are suggested", () => {
    const error = failure(() => lookup.topic("canary deploy strategy"));
    expect(error.id).toBe("topic.not-found");
    expect(error.hint).toContain("Canary Deployments (canary-deployments)");
  });
});

describe("search", () => {
  it("GIVEN words in a title THEN that topic ranks first", () => {
    expect(lookup.search("canary", 10)[0]?.id).toBe("canary-deployments");
    expect(lookup.search("image signing", 10)[0]?.id).toBe("image-signing-provenance");
  });

  it("GIVEN a word only in descriptions THEN the topics that mention it are found", () => {
    const ids = lookup.search("cosign", 10).map((topic) => topic.id);
    expect(ids).toEqual(["image-signing-provenance"]);
  });

  it("GIVEN no matching word THEN nothing is found", () => {
    expect(lookup.search("zzzqqq", 10)).toEqual([]);
  });
});
