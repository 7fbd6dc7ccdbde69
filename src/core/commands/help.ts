import type { Command } from "../command.ts";
import { reply } from "../reply.ts";

export default {
  name: "help",
  aliases: ["?", "commands"],
  summary: "List the commands",
  async run({ commands, roadmap, lookup, roadmaps }) {
    const lines = commands.map((command) => {
      const usage = command.modes
        ? `${command.name} ${command.modes.map((mode) => mode.name).join("|")}`
        : command.argument
          ? `${command.name} ${command.argument.required ? `<${command.argument.name}>` : `[${command.argument.name}]`}`
          : command.name;
      return `\`${lookup.command(usage)}\` ${command.summary}`;
    });
    const others = roadmaps.filter((other) => other.id !== roadmap.id);
    return reply([
      { type: "header", text: `${roadmap.title}: commands` },
      { type: "text", text: lines.join("\n") },
      ...(others.length > 0
        ? [
            {
              type: "context" as const,
              text: `Other roadmaps: ${others.map((other) => `\`${other.id}\` (${other.title})`).join(", ")}. Put the id first, e.g. \`${others[0]?.id} stages\`.`,
            },
          ]
        : [{ type: "context" as const, text: "Start with `stages`, `stage 1` or `next`." }]),
    ]);
  },
} satisfies Command;
