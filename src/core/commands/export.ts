import type { Command } from "../command.ts";
import { reply } from "../reply.ts";

export default {
  name: "export",
  summary: "Your data as a JSON file: progress, streak, leaderboard places, reminder",
  async run({ personalData, who, roadmaps, now, lookup }) {
    const data = await personalData.export(who, roadmaps, now);
    return reply(
      [
        {
          type: "text",
          text: `Here is everything I keep about you, as JSON. \`${lookup.command("forget-me")}\` deletes it.`,
        },
      ],
      {
        file: {
          name: `roadmap-bot-export-${now.toISOString().slice(0, 10)}.json`,
          content: `${JSON.stringify(data, null, 2)}\n`,
        },
      },
    );
  },
} satisfies Command;
