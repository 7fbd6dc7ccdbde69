import type { Command } from "../command.ts";
import { markTopic } from "./mark.ts";
import { topicArgument } from "./topic-argument.ts";

export default {
  name: "undo",
  aliases: ["reset", "clear"],
  summary: "Clear a topic's status, back to not started",
  argument: topicArgument("undo argocd-architecture"),
  run: (context) => markTopic(context, null),
} satisfies Command;
