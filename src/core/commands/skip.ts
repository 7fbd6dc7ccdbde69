import type { Command } from "../command.ts";
import { markTopic, topicArgument } from "./mark.ts";

export default {
  name: "skip",
  aliases: ["skipped"],
  summary: "Skip a topic (it earns nothing and comes back last)",
  argument: topicArgument("skip"),
  run: (context) => markTopic(context, "skipped"),
} satisfies Command;
