import type { Command } from "../command.ts";
import { markTopic, topicArgument } from "./mark.ts";

export default {
  name: "start",
  aliases: ["learning", "learn"],
  summary: "Mark a topic as being learned now",
  argument: topicArgument("start"),
  run: (context) => markTopic(context, "learning"),
} satisfies Command;
