import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { stageBars } from "../views.ts";

export default {
  name: "stages",
  summary: "All stages with your progress in each",
  async run({ roadmap, lookup, progress, who }) {
    const mine = await progress.load(roadmap, who);
    return reply([
      { type: "header", text: roadmap.title },
      ...(roadmap.tagline ? [{ type: "text" as const, text: roadmap.tagline }] : []),
      ...stageBars(roadmap, mine),
      {
        type: "context",
        text: `${roadmap.stages.length} stages, ${roadmap.topics.length} topics · open one with \`${lookup.command("stage 1")}\` or \`${lookup.command("stage <name>")}\``,
      },
    ]);
  },
} satisfies Command;
