import type { Command, CommandContext } from "../command.ts";
import { runMode } from "../modes.ts";
import { type Reply, reply } from "../reply.ts";

function ask({ lookup }: CommandContext): Reply {
  return reply([
    { type: "header", text: "Delete everything about you?" },
    {
      type: "text",
      text: "This deletes your progress on every roadmap, your streak, your reminder, your name and your places on every leaderboard. It cannot be undone.",
    },
    {
      type: "context",
      text: `\`${lookup.command("export")}\` first if you want a copy. Daily topics you set up for a channel keep running, without your name.`,
    },
    { type: "actions", buttons: [{ label: "Delete my data", command: lookup.command("forget-me confirm") }] },
  ]);
}

async function confirm({ personalData, who, roadmaps, now }: CommandContext): Promise<Reply> {
  const { roadmaps: studied, boards } = await personalData.forget(who, roadmaps, now);
  return reply([
    {
      type: "text",
      text: `Done: I have deleted everything about you (progress on ${studied} ${studied === 1 ? "roadmap" : "roadmaps"}, ${boards} leaderboard ${boards === 1 ? "place" : "places"}, your reminder and your name). Using the bot again starts afresh.`,
    },
  ]);
}

export default {
  name: "forget-me",
  summary: "Delete everything the bot keeps about you (asks first)",
  argument: {
    name: "confirm",
    description: "Type confirm to delete without the question",
    required: false,
    kind: "text",
    example: "forget-me confirm",
  },
  run: (context) => runMode(context, { ask: async (modeContext) => ask(modeContext), confirm }, "ask", "forget-me"),
} satisfies Command;
