import type { Command } from "../command.ts";
import { markTopic, topicArgument } from "./mark.ts";

export default {
  name: "done",
  aliases: ["finished", "complete"],
  summary: "Mark a topic as done",
  argument: topicArgument("done"),
  run: (context) => markTopic(context, "done"),
} satisfies Command;
