import type { Command } from "../command.ts";
import { markTopic } from "./mark.ts";
import { topicArgument } from "./topic-argument.ts";

export default {
  name: "skip",
  aliases: ["skipped"],
  summary: "Skip a topic (it earns nothing and comes back last)",
  argument: topicArgument("skip argocd-architecture"),
  run: (context) => markTopic(context, "skipped"),
} satisfies Command;
