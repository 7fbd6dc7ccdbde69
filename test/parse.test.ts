import { describe, expect, it } from "vitest";
import { commands } from "../src/core/commands/index.ts";
import { cleanInput, maxInputLength, parse } from "../src/core/parse.ts";

const grammar = { commands, roadmapIds: ["release-engineer", "onboarding"] };

const parsed = (text: string) => {
  const result = parse(text, grammar);
  return result.ok
    ? { name: result.value.command.name, arg: result.value.arg, roadmapId: result.value.roadmapId }
    : { error: result.error.id };
};

describe("parse", () => {
  it.each([
    ["stage 17", { name: "stage", arg: "17", roadmapId: undefined }],
    ["/roadmap stage 17", { name: "stage", arg: "17", roadmapId: undefined }],
    ["/ROADMAP   Stage   argo ", { name: "stage", arg: "argo", roadmapId: undefined }],
    ["topic helm templating", { name: "topic", arg: "helm templating", roadmapId: undefined }],
    ["done argocd-architecture", { name: "done", arg: "argocd-architecture", roadmapId: undefined }],
    ["learning helm-templating", { name: "start", arg: "helm-templating", roadmapId: undefined }],
    ["onboarding stages", { name: "stages", arg: "", roadmapId: "onboarding" }],
    ["stage\u0000 17\u0007", { name: "stage", arg: "17", roadmapId: undefined }],
  ])("GIVEN %j THEN it is the command %j", (text, expected) => {
    expect(parsed(text)).toEqual(expected);
  });

  it.each([
    ["", "input.empty"],
    ["/roadmap", "input.empty"],
    ["   \u0000\t", "input.empty"],
    ["frobnicate", "command.unknown"],
    ["stage", "argument.missing"],
    ["done", "argument.missing"],
    ["next please", "argument.unexpected"],
    [`topic ${"x".repeat(10_000)}`, "input.too-long"],
  ])("GIVEN %j THEN it is the user error %s", (text, id) => {
    expect(parsed(text)).toEqual({ error: id });
  });

  it("GIVEN a typo in a command THEN the error suggests the command meant", () => {
    const result = parse("stgae 17", grammar);
    expect(!result.ok && result.error.hint).toBe("Did you mean `stage`? Type `help` for the list.");
  });

  it("GIVEN a 10,000-character argument THEN the message is short and does not echo it", () => {
    const result = parse(`done ${"a".repeat(10_000)}`, grammar);
    expect(result.ok).toBe(false);
    const shown = !result.ok ? `${result.error.message} ${result.error.hint}` : "";
    expect(shown.length).toBeLessThan(200);
    expect(shown).toContain(`at most ${maxInputLength}`);
  });

  it("GIVEN control and zero-width characters THEN cleanInput turns them into single spaces", () => {
    expect(cleanInput("topic\u200bhelm\r\n\ttemplating")).toBe("topic helm templating");
  });
});
