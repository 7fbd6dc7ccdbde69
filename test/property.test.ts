import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { commands } from "../src/core/commands/index.ts";
import { parse } from "../src/core/parse.ts";
import { renderText } from "../src/platforms/console/render-text.ts";
import { ask, makeCore } from "./helpers.ts";

const commandWords = commands.flatMap((command) => [command.name, ...(command.aliases ?? [])]);

/** Strings shaped like real input: a command word (or junk) followed by arbitrary text. */
const commandLike = fc
  .tuple(
    fc.oneof(fc.constantFrom(...commandWords, "/roadmap", "release-engineer"), fc.string()),
    fc.string({ unit: "grapheme-composite" }),
  )
  .map(([head, tail]) => `${head} ${tail}`);
const anyText = fc.oneof(fc.string({ unit: "binary", maxLength: 400 }), commandLike, fc.string({ maxLength: 2_000 }));

describe("no input can break the bot", () => {
  it("GIVEN any string THEN parse returns a result and never throws", () => {
    fc.assert(
      fc.property(anyText, (text) => {
        const result = parse(text, { commands, roadmapIds: ["release-engineer"] });
        expect(typeof result.ok).toBe("boolean");
        if (!result.ok) expect(result.error.message.length).toBeGreaterThan(0);
      }),
      { numRuns: 2_000 },
    );
  });

  it("GIVEN any string THEN the core answers with a reply that is ok or a user error, never internal", async () => {
    const { core } = await makeCore();
    await fc.assert(
      fc.asyncProperty(anyText, async (text) => {
        const reply = await ask(core, text);
        expect(["ok", "user-error"]).toContain(reply.outcome);
        expect(renderText(reply).length).toBeGreaterThan(0);
        if (reply.outcome === "user-error") expect(renderText(reply)).not.toContain("\n");
      }),
      { numRuns: 1_500 },
    );
  });
});
