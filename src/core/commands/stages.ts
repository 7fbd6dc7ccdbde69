import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { stageBars } from "../views.ts";

export default {
  name: "stages",
  summary: "All stages with your progress in each",
  async run({ roadmap, progress, who }) {
    const mine = await progress.load(roadmap.id, who);
    return reply([
      { type: "header", text: roadmap.title },
      ...(roadmap.tagline ? [{ type: "text" as const, text: roadmap.tagline }] : []),
      ...stageBars(roadmap, mine),
      {
        type: "context",
        text: `${roadmap.stages.length} stages, ${roadmap.topics.length} topics · open one with \`stage 1\` or \`stage <name>\``,
      },
    ]);
  },
} satisfies Command;
