import { describe, expect, it } from "vitest";
import { commands } from "../src/core/commands/index.ts";
import { reply } from "../src/core/reply.ts";
import { commandHints } from "../src/platforms/discord/command-hints.ts";

const spell = commandHints(commands.map((command) => command.name));

describe("Discord hints: commands named under the slash command they are typed with", () => {
  it("GIVEN hints in text, context and fields THEN each command gets /roadmap or /roadmap-setup in front", () => {
    const spelled = spell(
      reply([
        { type: "header", text: "`daily on` stays a title" },
        { type: "text", text: "Type `stage 17` or `daily on 09:30`, then `team zone Europe/Berlin`." },
        { type: "context", text: "`remind off` stops them." },
        { type: "fields", fields: [{ label: "`next`", value: "See `next`" }] },
      ]),
    );
    expect(spelled.blocks).toEqual([
      { type: "header", text: "`daily on` stays a title" },
      {
        type: "text",
        text: "Type `/roadmap stage 17` or `/roadmap-setup daily on 09:30`, then `/roadmap-setup team zone Europe/Berlin`.",
      },
      { type: "context", text: "`/roadmap remind off` stops them." },
      { type: "fields", fields: [{ label: "`next`", value: "See `/roadmap next`" }] },
    ]);
  });

  it("GIVEN spans that are not commands THEN they stay: topic ids, another roadmap's id first, a spelled-out slash command, values", () => {
    const text = "`helm-templating` · `onboarding stages` · `/roadmap help` · `09:30` · `dailyish` · `Daily`";
    expect(spell(reply([{ type: "text", text }])).blocks).toEqual([{ type: "text", text }]);
  });

  it("GIVEN a reply that names no command THEN it is given back as it is", () => {
    const plain = reply([{ type: "text", text: "Nothing to type here, `helm-templating` aside." }]);
    expect(spell(plain)).toBe(plain);
  });

  it("GIVEN a reply THEN only its blocks change: privacy, share and outcome stay", () => {
    const original = reply([{ type: "text", text: "`stages`" }], { private: true, share: "stage 1" });
    expect(spell(original)).toEqual({ ...original, blocks: [{ type: "text", text: "`/roadmap stages`" }] });
  });
});
