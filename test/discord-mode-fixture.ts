import type { Command, CommandContext } from "../src/core/command.ts";
import { reply } from "../src/core/reply.ts";

/**
 * A test-only command shaped like `daily`: modes on/off/status/preview, `on` with options in the
 * order its text grammar reads them. Its name is one no real command uses, so it can sit beside
 * the shipped commands. Every run is recorded in `runs`.
 */
export function modeFixture(name = "practice"): Command & { runs: CommandContext[] } {
  const runs: CommandContext[] = [];
  return {
    name,
    summary: "Post a topic to this channel on a schedule (test fixture)",
    argument: {
      name: "settings",
      description: "on|off|status|preview, then the settings",
      required: false,
      kind: "text",
      example: "on 09:30",
    },
    modes: [
      {
        name: "on",
        summary: "Post a topic here at a time you choose",
        options: [
          { name: "time", description: "When to post, HH:MM on a 24-hour clock (default 09:00)", example: "09:30" },
          { name: "zone", description: "An IANA time zone such as Europe/Berlin", example: "Europe/Berlin" },
          {
            name: "days",
            description: `Which days: weekdays, daily, or a list such as mon,wed,fri ${"and more words ".repeat(8)}`,
            example: "mon,wed,fri",
          },
          { name: "track", description: "required for required topics only, all for every topic", example: "required" },
        ],
      },
      { name: "off", summary: "Stop posting here" },
      { name: "status", summary: "Show what is set up here and whether the last post went out" },
      { name: "preview", summary: "Show the next post, only to you" },
    ],
    runs,
    async run(context) {
      runs.push(context);
      return reply([{ type: "text", text: `ran ${context.arg}` }]);
    },
  };
}
