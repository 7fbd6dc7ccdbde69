import { restoreQuizPlaces } from "../../quiz/channel-quizzes.ts";
import type { Command, CommandContext } from "../command.ts";
import { runMode } from "../modes.ts";
import { type Reply, reply } from "../reply.ts";

async function show({ standings, who, lookup }: CommandContext): Promise<Reply> {
  const profile = await standings.people.get(who);
  const hidden = profile?.visibility === "hidden";
  return reply([
    {
      type: "text",
      text: hidden
        ? `You are hidden: leaderboards leave you out, and your own progress works as before. \`${lookup.command("privacy public")}\` shows you again.`
        : `You are public: leaderboards show your name and points. \`${lookup.command("privacy hidden")}\` takes you off every leaderboard.`,
    },
  ]);
}

async function set(context: CommandContext, visibility: "public" | "hidden"): Promise<Reply> {
  const { standings, who, roadmaps, now, lookup } = context;
  const stored = (await standings.people.get(who))?.visibility ?? "public";
  // Asking for what is already so changes nothing, so it writes nothing either.
  if (stored !== visibility) await context.recordPerson();
  const { before } =
    stored === visibility ? { before: stored } : await standings.setVisibility(who, visibility, roadmaps, now);
  if (visibility === "public" && before === "hidden") await restoreQuizPlaces(context, who, roadmaps, now);
  const text =
    visibility === "hidden"
      ? `${before === "hidden" ? "You were already hidden." : "Done: you are off every leaderboard."} Your progress, streak and reminders work as before. \`${lookup.command("privacy public")}\` undoes it.`
      : `${before === "public" ? "You were already public." : "Done: leaderboards show you again, with all your points."} \`${lookup.command("privacy hidden")}\` hides you.`;
  return reply([{ type: "text", text }]);
}

export default {
  name: "privacy",
  summary: "Show or hide yourself on leaderboards",
  argument: {
    name: "choice",
    description: "public or hidden",
    required: false,
    kind: "text",
    example: "privacy hidden",
  },
  modes: [
    { name: "status", summary: "Whether leaderboards show you" },
    { name: "hidden", summary: "Leave every leaderboard (your progress stays)" },
    { name: "public", summary: "Appear on leaderboards again" },
  ],
  run: (context) =>
    runMode(
      context,
      {
        status: show,
        hidden: (modeContext) => set(modeContext, "hidden"),
        public: (modeContext) => set(modeContext, "public"),
      },
      "status",
      "privacy hidden",
    ),
} satisfies Command;
