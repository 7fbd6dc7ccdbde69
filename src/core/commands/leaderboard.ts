import { levels } from "../../content/schema.ts";
import { type PeriodKind, periodDates, periodKinds } from "../../progress/periods.ts";
import { levelPoints } from "../../progress/points.ts";
import type { Leaderboard } from "../../progress/standings.ts";
import type { Command, CommandContext } from "../command.ts";
import { quote, UserError } from "../errors.ts";
import { leaderboardCardView, picturesWanted, replyPicture } from "../picture-views.ts";
import { type Block, type Reply, reply } from "../reply.ts";
import { levelLabel } from "../views.ts";

// Made on first use, like text.ts's segmenter: commands are imported together at start-up.
let numbers: Intl.NumberFormat | undefined;
const count = (value: number): string => {
  numbers ??= new Intl.NumberFormat("en-US");
  return numbers.format(value);
};
export const pts = (points: number): string => `${count(points)} pts`;

const periodTitle: Record<PeriodKind, string> = { week: "This week", month: "This month", all: "All time" };

/** `leaderboard [quiz] [week|month|all] [channel]`, words in any order. */
function parseBoardWords(context: CommandContext): { kind: PeriodKind; channel: boolean; quiz: boolean } {
  let kind: PeriodKind = "week";
  let channel = false;
  let quiz = false;
  for (const word of context.arg.toLowerCase().split(" ").filter(Boolean)) {
    if ((periodKinds as readonly string[]).includes(word)) kind = word as PeriodKind;
    else if (word === "quiz") quiz = true;
    else if (word === "channel") channel = true;
    else if (word === "team") channel = false;
    else
      throw new UserError(
        "leaderboard.bad-word",
        `\`leaderboard\` does not know ${quote(word, 20)}.`,
        `Type \`${context.lookup.command("leaderboard week")}\`, \`${context.lookup.command("leaderboard month")}\`, \`${context.lookup.command("leaderboard all channel")}\` or \`${context.lookup.command("leaderboard quiz")}\`.`,
      );
  }
  return { kind, channel, quiz };
}

function requireTeamChannel(context: CommandContext, channel: boolean): void {
  const { who, lookup } = context;
  if (!who.teamId) {
    throw new UserError(
      "leaderboard.needs-team",
      "Leaderboards belong to a team (a workspace or server), and this conversation has none.",
      `Type \`${lookup.command("leaderboard")}\` in a channel of your team.`,
    );
  }
  if (channel && (!who.channelId || who.inDirectMessage)) {
    throw new UserError(
      "leaderboard.needs-channel",
      "A channel leaderboard needs a channel, and this is a direct message.",
      `Type \`${lookup.command("leaderboard")}\` here for the team's board, or ask in the channel.`,
    );
  }
}

/** The dates a period runs over, "Mon 2 Mar – Sun 8 Mar" ("" for all time): the board's and its picture's. */
export function periodRange(period: string): string {
  const dates = periodDates(period);
  if (!dates) return "";
  const format = (date: string) =>
    new Date(`${date}T00:00:00Z`).toLocaleDateString("en-GB", {
      weekday: "short",
      day: "numeric",
      month: "short",
      timeZone: "UTC",
    });
  return `${format(dates.first)} – ${format(dates.last)}`;
}

/** The leaderboard's lines; shared with the weekly recap post. */
export function boardBlocks(board: Leaderboard, title: string): Block[] {
  const lines = board.top.map((line) => `${line.rank}. ${line.name} · ${pts(line.points)}${line.me ? " (you)" : ""}`);
  return [
    { type: "header", text: title },
    {
      type: "text",
      text: lines.length > 0 ? lines.join("\n") : "Nobody has points here yet. Mark a topic done to be the first.",
    },
    {
      type: "context",
      text: `${count(board.members)} ${board.members === 1 ? "person" : "people"} · ${pts(board.total)} in total · times in ${board.zone}`,
    },
  ];
}

function myLine(context: CommandContext, board: Leaderboard): Block[] {
  const { lookup } = context;
  if (board.hidden)
    return [
      {
        type: "context",
        text: `You are hidden from leaderboards. \`${lookup.command("privacy public")}\` shows you again.`,
      },
    ];
  if (board.top.some((line) => line.me)) return [];
  if (board.mine) return [{ type: "text", text: `You: #${count(board.mine.rank)} · ${pts(board.mine.points)}` }];
  return [
    {
      type: "context",
      text: `You have no points on this board yet: \`${lookup.command("next")}\` shows what to study.`,
    },
  ];
}

export default {
  name: "leaderboard",
  aliases: ["leaders", "top"],
  summary: "The team's (or channel's) top 10 this week, this month or all time",
  argument: {
    name: "board",
    description: "week, month or all; add channel for this channel's board, quiz for the quiz board",
    required: false,
    kind: "text",
    example: "leaderboard month channel",
  },
  async run(context) {
    const { kind, channel, quiz } = parseBoardWords(context);
    requireTeamChannel(context, channel);
    const [board, pictures] = await Promise.all([
      context.standings.leaderboard({ roadmap: context.roadmap, who: context.who, kind, channel, quiz }, context.now),
      picturesWanted(context),
    ]);
    const scope = channel ? "this channel" : "the team";
    const words = (period: PeriodKind) => `leaderboard ${quiz ? "quiz " : ""}${period}${channel ? " channel" : ""}`;
    const range = periodRange(board.period);
    const title = `${quiz ? "Quiz board" : "Leaderboard"} · ${periodTitle[kind]}${range ? ` (${range})` : ""} · ${scope}`;
    const weights = quiz
      ? "1 point per right answer to a channel's quiz, counted at its reveal"
      : `Points per topic done: ${levels.map((level) => `${levelLabel[level]} ${levelPoints[level]}`).join(" · ")}`;
    const others = periodKinds
      .filter((other) => other !== kind)
      .map((other) => `\`${context.lookup.command(words(other))}\``);
    return reply(
      [
        ...boardBlocks(board, title),
        ...myLine(context, board),
        {
          type: "context",
          text: `${weights}; ties go to whoever got there first. Also ${others.join(", ")}.`,
        },
      ],
      {
        share: context.lookup.command(words(kind)),
        ...(pictures
          ? {
              pictures: [
                replyPicture(
                  "leaderboard.png",
                  leaderboardCardView(
                    board,
                    `${quiz ? "Quiz board" : "Leaderboard"} · ${periodTitle[kind]} · ${channel ? "this channel" : "team"}`,
                    range || undefined,
                    context.who.displayName ?? "You",
                  ),
                ),
              ],
            }
          : {}),
      },
    ) satisfies Reply;
  },
} satisfies Command;
