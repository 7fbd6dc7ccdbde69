import type { ArgumentSpec } from "../command.ts";

/** The argument of every command that names one topic; only the example differs. */
export const topicArgument = (example: string): ArgumentSpec => ({
  name: "topic",
  description: "A topic name or id",
  required: true,
  kind: "topic",
  example,
});
