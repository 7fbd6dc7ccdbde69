import type { Command } from "../command.ts";
import { markTopic } from "./mark.ts";
import { topicArgument } from "./topic-argument.ts";

export default {
  name: "done",
  aliases: ["finished", "complete"],
  summary: "Mark a topic as done",
  argument: topicArgument("done argocd-architecture"),
  run: (context) => markTopic(context, "done"),
} satisfies Command;
