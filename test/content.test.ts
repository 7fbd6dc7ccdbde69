import { mkdir, readFile, writeFile } from "node:fs/promises";
import path from "node:path";
import { describe, expect, it } from "vitest";
import { formatProblem, loadContentDir, parseRoadmap } from "../src/content/load.ts";
import { contentDir, shippedRoadmaps, withTempDir } from "./helpers.ts";

/** Each stage's header line as printed in the roadmap's source text: title, topic count, levels. */
const sourceStageHeaders: [number, string, string][] = [
  [1, "Release Engineering Foundations", "4 topics · 4 required"],
  [2, "Version Control Mastery", "4 topics · 3 required · 1 recommended"],
  [3, "Artifact Management", "5 topics · 4 required · 1 recommended"],
  [4, "CI/CD Fundamentals", "4 topics · 3 required · 1 recommended"],
  [5, "GitHub Actions", "5 topics · 4 required · 1 recommended"],
  [6, "AWS CodePipeline & AWS Code Suite", "4 topics · 3 required · 1 optional"],
  [7, "Deployment Strategies", "5 topics · 4 required · 1 optional"],
  [8, "Testing in the Pipeline", "4 topics · 2 required · 2 recommended"],
  [9, "Security in the Pipeline (DevSecOps)", "5 topics · 4 required · 1 recommended"],
  [10, "Terraform Fundamentals", "5 topics · 5 required"],
  [11, "Terraform Advanced Patterns", "5 topics · 3 required · 2 recommended"],
  [12, "AWS CloudFormation & CDK", "5 topics · 2 required · 2 recommended · 1 optional"],
  [13, "Ansible for Configuration Management", "4 topics · 2 required · 2 recommended"],
  [14, "Container Build & Packaging", "4 topics · 3 required · 1 recommended"],
  [15, "Helm & Kubernetes Packaging", "5 topics · 2 required · 2 recommended · 1 optional"],
  [16, "GitOps Principles", "4 topics · 4 required"],
  [17, "ArgoCD", "5 topics · 3 required · 2 recommended"],
  [18, "Flux CD", "3 topics · 2 recommended · 1 optional"],
  [19, "Environment Promotion Workflows", "4 topics · 2 required · 1 recommended · 1 optional"],
  [20, "Cloud Automation with AWS Lambda & EventBridge", "4 topics · 4 required"],
  [21, "Release Observability", "4 topics · 3 required · 1 recommended"],
  [22, "Multi-Account & Multi-Region Delivery", "4 topics · 2 required · 2 recommended"],
  [23, "Compliance & Audit in Pipelines", "4 topics · 1 required · 2 recommended · 1 optional"],
  [24, "Cost Efficiency in Pipelines", "4 topics · 2 required · 2 recommended"],
  [25, "Release Engineering at Scale", "4 topics · 1 required · 3 recommended"],
  [26, "Advanced GitOps Patterns", "4 topics · 1 required · 2 recommended · 1 optional"],
];

const headerOf = (topics: { level: string }[]): string => {
  const parts = [`${topics.length} topics`];
  for (const level of ["required", "recommended", "optional"]) {
    const count = topics.filter((topic) => topic.level === level).length;
    if (count > 0) parts.push(`${count} ${level}`);
  }
  return parts.join(" · ");
};

describe("shipped content", () => {
  it("GIVEN content/ THEN the Release Engineer roadmap has 26 stages and 112 topics, 71/33/8 by level", async () => {
    const [roadmap, ...others] = await shippedRoadmaps();
    expect(others).toHaveLength(0);
    expect(roadmap?.id).toBe("release-engineer");
    expect(roadmap?.title).toBe("Release Engineer Beginner to Expert");
    expect(roadmap?.stages).toHaveLength(26);
    expect(roadmap?.topics).toHaveLength(112);
    const byLevel = (level: string) => roadmap?.topics.filter((topic) => topic.level === level).length;
    expect([byLevel("required"), byLevel("recommended"), byLevel("optional")]).toEqual([71, 33, 8]);
  });

  it("GIVEN each stage THEN its title, topic count and levels match the source's stage header", async () => {
    const [roadmap] = await shippedRoadmaps();
    const actual = roadmap?.stages.map((stage) => [stage.number, stage.title, headerOf(stage.topics)]);
    expect(actual).toEqual(sourceStageHeaders);
  });

  it("GIVEN stage 17 THEN it is ArgoCD with its five topics in order", async () => {
    const [roadmap] = await shippedRoadmaps();
    const argo = roadmap?.stages[16];
    expect(argo?.title).toBe("ArgoCD");
    expect(argo?.topics.map((topic) => topic.id)).toEqual([
      "argocd-architecture",
      "applicationsets",
      "sync-policies-waves",
      "argocd-rbac-sso",
      "argocd-image-updater",
    ]);
    expect(argo?.topics[0]?.description).toBe(
      "Application, AppProject, repo server, application controller, and the sync loop.",
    );
  });
});

const minimal = (body: string) => `id: onboarding
title: Team onboarding
stages:
${body}`;

const goodStage = (number: number, topicId = `topic-${number}`) => `  - number: ${number}
    id: stage-${number}
    title: Stage ${number}
    summary: What stage ${number} is about.
    topics:
      - id: ${topicId}
        title: Topic ${number}
        level: required
        description: Something to learn.
`;

describe("loader errors name the file, the stage and the field", () => {
  it("GIVEN a topic with an unknown level THEN the error names file, stage, topic and level", () => {
    const source = minimal(goodStage(1).replace("level: required", "level: mandatory"));
    const { roadmap, problems } = parseRoadmap("onboarding.yaml", source);
    expect(roadmap).toBeUndefined();
    expect(problems.map(formatProblem)).toEqual([
      "onboarding.yaml: stage 1 (Stage 1), topic 1 (topic-1), level: must be one of required, recommended, optional",
    ]);
  });

  it("GIVEN stages numbered 1 then 3 THEN the error says which number was expected", () => {
    const { problems } = parseRoadmap("x.yaml", minimal(goodStage(1) + goodStage(3)));
    expect(problems.map(formatProblem)).toEqual([
      "x.yaml: stage 3 (Stage 3), number: stages must be numbered 1, 2, 3… in order; expected 2, found 3",
    ]);
  });

  it("GIVEN one topic id in two stages THEN the second is reported with the first stage's number", () => {
    const { problems } = parseRoadmap("x.yaml", minimal(goodStage(1, "same") + goodStage(2, "same")));
    expect(problems.map(formatProblem)).toEqual([
      'x.yaml: stage 2 (Stage 2), topic 1 (same), id: topic id "same" is already used in stage 1; topic ids must be unique in a roadmap',
    ]);
  });

  it("GIVEN a missing title and a bad slug THEN both problems are reported", () => {
    const source = minimal(goodStage(1).replace("    title: Stage 1\n", "").replace("id: topic-1", "id: Topic One"));
    const messages = parseRoadmap("x.yaml", source).problems.map(formatProblem);
    expect(messages).toHaveLength(2);
    expect(messages.some((m) => m.startsWith("x.yaml: stage 1, title:"))).toBe(true);
    expect(messages).toContain(
      "x.yaml: stage 1, topic 1 (Topic One), id: must be a lowercase slug such as argocd-architecture",
    );
  });

  it("GIVEN broken YAML THEN the error names the line", () => {
    const { problems } = parseRoadmap("x.yaml", "id: a\nstages: [\n  - oops: : :\n");
    expect(problems[0]?.message).toMatch(/^not valid YAML/);
    expect(problems[0]?.where).toMatch(/^line \d+, column \d+$/);
    expect(problems[0]?.message).not.toContain("\n");
  });

  it("GIVEN an unknown field THEN it is rejected rather than silently ignored", () => {
    const { problems } = parseRoadmap(
      "x.yaml",
      minimal(goodStage(1).replace("level: required", "level: required\n        leve: optional")),
    );
    expect(problems.map(formatProblem).join("\n")).toContain("x.yaml: stage 1 (Stage 1), topic 1 (topic-1)");
  });
});

describe("a content folder", () => {
  it("GIVEN a second roadmap file THEN it is loaded beside the shipped one", async () => {
    await withTempDir(async (dir) => {
      await writeFile(
        path.join(dir, "release-engineer.yaml"),
        await readFile(path.join(contentDir, "release-engineer.yaml")),
      );
      await writeFile(path.join(dir, "onboarding.yaml"), minimal(goodStage(1) + goodStage(2)));
      const result = await loadContentDir(dir);
      expect(result.ok && result.roadmaps.map((r) => [r.id, r.stages.length])).toEqual([
        ["onboarding", 2],
        ["release-engineer", 26],
      ]);
    });
  });

  it("GIVEN two files with one roadmap id THEN the second is reported", async () => {
    await withTempDir(async (dir) => {
      await writeFile(path.join(dir, "a.yaml"), minimal(goodStage(1)));
      await writeFile(path.join(dir, "b.yaml"), minimal(goodStage(1)));
      const result = await loadContentDir(dir);
      expect(result.ok).toBe(false);
      expect(!result.ok && result.problems.map(formatProblem)).toEqual([
        `${path.join(dir, "b.yaml")}: id: roadmap id "onboarding" is already used by ${path.join(dir, "a.yaml")}`,
      ]);
    });
  });

  it("GIVEN a folder named like a roadmap file THEN it is reported as unreadable, not thrown", async () => {
    await withTempDir(async (dir) => {
      await mkdir(path.join(dir, "sub.yaml"));
      const result = await loadContentDir(dir);
      expect(!result.ok && result.problems.map(formatProblem)).toEqual([
        `${path.join(dir, "sub.yaml")}: cannot be read (EISDIR)`,
      ]);
    });
  });

  it("GIVEN a folder that does not exist THEN the problem says to set CONTENT_DIR", async () => {
    const result = await loadContentDir("/nonexistent/roadmaps");
    expect(!result.ok && result.problems[0]?.message).toBe(
      "folder not found; set CONTENT_DIR to the folder of roadmap files",
    );
  });
});
