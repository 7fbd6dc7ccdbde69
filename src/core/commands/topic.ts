import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { topicCard } from "../views.ts";

export default {
  name: "topic",
  summary: "One topic: what it covers, its level and your status",
  argument: {
    name: "topic",
    description: "A topic name or id",
    required: true,
    kind: "topic",
    example: "topic helm templating",
  },
  async run({ roadmap, lookup, progress, who, arg }) {
    const topic = lookup.topic(arg);
    return reply(topicCard(roadmap, topic, await progress.load(roadmap.id, who)));
  },
} satisfies Command;
