import type { Command } from "../command.ts";
import { markTopic } from "./mark.ts";
import { topicArgument } from "./topic-argument.ts";

export default {
  name: "start",
  aliases: ["learning", "learn"],
  summary: "Mark a topic as being learned now",
  argument: topicArgument("start argocd-architecture"),
  run: (context) => markTopic(context, "learning"),
} satisfies Command;
