import { describe, expect, it } from "vitest";
import type { Core } from "../src/core/core.ts";
import type { Button, Reply } from "../src/core/reply.ts";
import { silentLogger } from "../src/logger.ts";
import { questionFor } from "../src/quiz/questions.ts";
import { storedQuizzesSchema } from "../src/quiz/quiz-record.ts";
import { keys } from "../src/store/keys.ts";
import { openMemoryStore } from "../src/store/open-store.ts";
import { alice, ask, makeCore, textOf } from "./helpers.ts";

const buttons = (answer: Reply): Button[] =>
  answer.blocks.flatMap((block) => (block.type === "actions" ? block.buttons : []));

async function quizCore() {
  const store = openMemoryStore(silentLogger);
  const { core } = await makeCore({ store });
  const stored = async () => {
    const value = await store.get(keys.quizzes(alice));
    return value === undefined ? undefined : storedQuizzesSchema.parse(value);
  };
  return { core, store, stored };
}

/** Asks a question; returns its buttons, the seed they carry and the number of the right choice. */
async function askQuestion(core: Core) {
  const asked = await ask(core, "quiz");
  const choices = buttons(asked);
  const seed = /quiz answer \d ([0-9a-f]+)$/.exec(choices[0]?.command ?? "")?.[1] ?? "";
  const question = questionFor(core.defaultRoadmap, seed);
  return { asked, choices, seed, question, right: question.answer + 1, wrong: ((question.answer + 1) % 4) + 1 };
}

describe("personal quiz", () => {
  it("GIVEN `quiz` THEN a private question made from the content, its four choices numbered, each a button", async () => {
    const { core, stored } = await quizCore();
    const { asked, choices, seed, question } = await askQuestion(core);
    expect(asked.private).toBe(true);
    expect(seed).toMatch(/^[0-9a-f]{16}$/);
    expect(choices).toHaveLength(4);
    for (const [index, choice] of question.choices.entries()) {
      expect(textOf(asked)).toContain(`${index + 1}. ${choice.label}`);
      expect(choices[index]?.command).toBe(`quiz answer ${index + 1} ${seed}`);
    }
    expect((await stored())?.open).toMatchObject({ seed, roadmapId: "release-engineer" });
  });

  it("GIVEN the right choice THEN the answer says so and explains the topic, its stage and its description", async () => {
    const { core, stored } = await quizCore();
    const { choices, right, question } = await askQuestion(core);
    const answered = await ask(core, choices[right - 1]?.command ?? "");
    const topic = core.defaultRoadmap.topicsById.get(question.topicId);
    expect(textOf(answered)).toContain(`Right: ${right}.`);
    expect(textOf(answered)).toContain(`Stage ${topic?.stageNumber}`);
    expect(textOf(answered)).toContain(topic?.description ?? "?");
    const after = await stored();
    expect(after?.open).toBeUndefined();
    expect(after?.answers).toMatchObject([{ topicId: question.topicId, right: true }]);
  });

  it("GIVEN a wrong choice THEN the answer names the right one and the one chosen", async () => {
    const { core } = await quizCore();
    const { right, wrong, question } = await askQuestion(core);
    const answered = await ask(core, `quiz answer ${wrong}`);
    expect(textOf(answered)).toContain(
      `Not quite: the answer is ${right}. ${question.choices[right - 1]?.label} (you chose ${wrong})`,
    );
  });

  it("GIVEN an answered question WHEN its button is clicked again, or a typed answer follows THEN each gets a clear reply and nothing is written", async () => {
    const { core, stored } = await quizCore();
    const { choices } = await askQuestion(core);
    await ask(core, choices[0]?.command ?? "");
    const before = JSON.stringify(await stored());
    expect(textOf(await ask(core, choices[1]?.command ?? ""))).toContain("You already answered that question.");
    const typed = await ask(core, "quiz answer 2");
    expect(typed.outcome).toBe("user-error");
    expect(textOf(typed)).toContain("You have no open question.");
    expect(JSON.stringify(await stored())).toBe(before);
  });

  it("GIVEN two clicks on one question at the same moment THEN exactly one answer counts", async () => {
    const { core, stored } = await quizCore();
    const { choices } = await askQuestion(core);
    const answers = await Promise.all([ask(core, choices[0]?.command ?? ""), ask(core, choices[2]?.command ?? "")]);
    expect(answers.filter((answer) => textOf(answer).includes("You already answered")).length).toBe(1);
    expect((await stored())?.answers).toHaveLength(1);
  });

  it("GIVEN a newer question WHEN a button of the older one is clicked THEN it is no longer open and nothing changes", async () => {
    const { core, stored } = await quizCore();
    const older = await askQuestion(core);
    await askQuestion(core);
    const before = JSON.stringify(await stored());
    const stale = await ask(core, older.choices[0]?.command ?? "");
    expect(textOf(stale)).toContain("That question is no longer open");
    expect(JSON.stringify(await stored())).toBe(before);
  });

  it("GIVEN a choice out of range THEN one line says what was wrong and what to type", async () => {
    const { core } = await quizCore();
    await askQuestion(core);
    for (const text of ["quiz answer 7", "quiz 9", "quiz answer two"]) {
      const answer = await ask(core, text);
      expect(answer.outcome).toBe("user-error");
      expect(textOf(answer)).toContain("is not one of the choices 1 to 4");
      expect(textOf(answer)).toContain("`quiz answer 2`");
    }
  });

  it("GIVEN answers WHEN `quiz stats` runs THEN it counts them, the share right, and both by stage", async () => {
    const { core } = await quizCore();
    const first = await askQuestion(core);
    await ask(core, `quiz answer ${first.right}`);
    const second = await askQuestion(core);
    await ask(core, `quiz answer ${second.wrong}`);
    const text = textOf(await ask(core, "quiz stats"));
    expect(text).toContain("Answered: 2");
    expect(text).toContain("Right: 50%");
    const stageOf = (topicId: string) => core.defaultRoadmap.topicsById.get(topicId)?.stageNumber;
    expect(text).toContain(`Stage ${stageOf(first.question.topicId)} ·`);
    expect(text).toContain(`Stage ${stageOf(second.question.topicId)} ·`);
  });

  it("GIVEN quiz answers WHEN the person exports and forgets THEN the export holds them and forget-me deletes them", async () => {
    const { core, stored } = await quizCore();
    const { right } = await askQuestion(core);
    await ask(core, `quiz answer ${right}`);
    const exported = JSON.parse((await ask(core, "export")).file?.content ?? "{}") as {
      quizzes: { answers: unknown[] } | null;
    };
    expect(exported.quizzes?.answers).toHaveLength(1);
    await ask(core, "forget-me confirm");
    expect(await stored()).toBeUndefined();
  });
});
