import type { Command } from "../command.ts";
import { markTopic, topicArgument } from "./mark.ts";

export default {
  name: "undo",
  aliases: ["reset", "clear"],
  summary: "Clear a topic's status, back to not started",
  argument: topicArgument("undo"),
  run: (context) => markTopic(context, null),
} satisfies Command;
