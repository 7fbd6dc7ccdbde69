import { nextTopic } from "../../progress/summary.ts";
import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { topicCard } from "../views.ts";

export default {
  name: "next",
  summary: "Your next topic: Required first, then Recommended, then Optional",
  async run({ roadmap, lookup, progress, who }) {
    const mine = await progress.load(roadmap, who);
    const topic = nextTopic(mine, roadmap);
    if (!topic) {
      return reply([
        { type: "header", text: "Roadmap complete" },
        { type: "text", text: `You have done all ${roadmap.topics.length} topics of ${roadmap.title}. Well done!` },
      ]);
    }
    return reply(topicCard(lookup, topic, mine, `Next up: ${topic.title}`));
  },
} satisfies Command;
