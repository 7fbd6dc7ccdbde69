import { countDone } from "../../progress/summary.ts";
import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { stageName, topicLine } from "../views.ts";

export default {
  name: "stage",
  summary: "One stage: its topics and your status in each",
  argument: {
    name: "stage",
    description: "A stage number or name",
    required: true,
    kind: "stage",
    example: "stage 17",
  },
  async run({ roadmap, lookup, progress, who, arg }) {
    const stage = lookup.stage(arg);
    const mine = await progress.load(roadmap, who);
    const next = roadmap.stages[stage.number];
    return reply(
      [
        { type: "header", text: stageName(stage) },
        { type: "text", text: stage.summary },
        { type: "progress", label: "Your progress", ...countDone(mine, stage.topics) },
        { type: "topics", topics: stage.topics.map((topic) => topicLine(lookup, topic, mine)) },
        {
          type: "actions",
          buttons: [
            { label: "Next topic", command: lookup.command("next"), style: "primary" },
            ...(next ? [{ label: `Stage ${next.number} ›`, command: lookup.command(`stage ${next.number}`) }] : []),
          ],
        },
        {
          type: "context",
          text: `${roadmap.title} · stage ${stage.number} of ${roadmap.stages.length} · open a topic with \`${lookup.command("topic <name>")}\``,
        },
      ],
      { share: lookup.command(`stage ${stage.number}`) },
    );
  },
} satisfies Command;
