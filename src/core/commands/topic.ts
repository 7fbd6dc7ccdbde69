import type { Command } from "../command.ts";
import { reply } from "../reply.ts";
import { topicCard } from "../views.ts";
import { topicArgument } from "./topic-argument.ts";

export default {
  name: "topic",
  summary: "One topic: what it covers, its level and your status",
  argument: topicArgument("topic helm templating"),
  async run({ roadmap, lookup, progress, who, arg }) {
    const topic = lookup.topic(arg);
    return reply(topicCard(lookup, topic, await progress.load(roadmap, who)), {
      share: lookup.command(`topic ${topic.id}`),
    });
  },
} satisfies Command;
