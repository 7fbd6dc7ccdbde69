import { levels } from "../content/schema.ts";
import { countByLevel, countDone, currentStage, nextTopic } from "../progress/summary.ts";
import { isDue, reviewQueue } from "../review/queue.ts";
import type { CommandContext } from "./command.ts";
import { streakText } from "./commands/streak.ts";
import { picturesWanted, progressMapView, replyPicture } from "./picture-views.ts";
import { type Block, type Reply, reply } from "./reply.ts";
import { levelLabel, stageName, topicButtons, topicLine } from "./views.ts";

/** What the dashboard reads: the person's progress, reviews, streak and place on the team's week board. */
export type HomeContext = Pick<
  CommandContext,
  "who" | "roadmap" | "lookup" | "roadmaps" | "progress" | "standings" | "reviews" | "schedule" | "now"
>;

const ordinal = (n: number): string => {
  const tens = n % 100;
  const suffix = tens >= 11 && tens <= 13 ? "th" : (["th", "st", "nd", "rd"][n % 10] ?? "th");
  return `${n}${suffix}`;
};

/**
 * A person's dashboard (Slack's App Home): overall and per-level progress, the streak, their rank
 * in the team this week, reviews due with a Review button, the current stage's topics with their
 * buttons, the next topic with Done / Learning / Skip, and the progress map. Everything in it is
 * also a command's answer; it only reads. It shows no clock time, so an unchanged person gets an
 * identical dashboard and the platform can skip publishing it again.
 */
export async function homeReply(context: HomeContext): Promise<Reply> {
  const { roadmap, lookup, roadmaps, progress, standings, reviews, who, now } = context;
  const [mine, deck, zone, streak, board, pictures] = await Promise.all([
    progress.load(roadmap, who),
    reviews.load(roadmap.id, who),
    standings.personalZone(who),
    standings.streak(who, roadmaps, now),
    who.teamId ? standings.leaderboard({ roadmap, who, kind: "week", channel: false }, now, 1) : undefined,
    picturesWanted(context),
  ]);
  const byLevel = countByLevel(mine, roadmap);
  const due = reviewQueue(roadmap, mine, deck, zone, now).filter((review) => isDue(review, now)).length;
  const stage = currentStage(mine, roadmap);
  const next = nextTopic(mine, roadmap);
  // The board names the asker in its top rows, or below them as `mine`.
  const place = board?.top.find((line) => line.me) ?? board?.mine;
  const rank = place
    ? `${ordinal(place.rank)} of ${board?.members}`
    : board?.hidden
      ? "Hidden (privacy)"
      : "Not on it yet";
  const blocks: Block[] = [
    { type: "header", text: roadmap.title },
    { type: "progress", label: "Overall", ...countDone(mine, roadmap.topics) },
    ...levels.map((level): Block => ({ type: "progress", label: levelLabel[level], ...byLevel[level] })),
    {
      type: "fields",
      fields: [
        { label: "Streak", value: streakText(streak) },
        { label: "Team this week", value: rank },
        { label: "Reviews due", value: String(due) },
      ],
    },
  ];
  if (due > 0)
    blocks.push({
      type: "actions",
      buttons: [{ label: `Review (${due} due)`, command: lookup.command("review"), style: "primary" }],
    });
  if (next) {
    blocks.push(
      { type: "text", text: `Next up: ${next.title} · stage ${next.stageNumber}` },
      { type: "actions", buttons: topicButtons(lookup, next) },
    );
  }
  if (stage) {
    blocks.push(
      { type: "header", text: stageName(stage) },
      { type: "topics", topics: stage.topics.map((topic) => topicLine(lookup, topic, mine)) },
    );
  } else {
    blocks.push({ type: "text", text: `You have done all ${roadmap.topics.length} topics. Well done!` });
  }
  blocks.push({
    type: "context",
    text: `\`${lookup.command("help")}\` lists every command. This page follows what you do, wherever you do it.`,
  });
  return reply(
    blocks,
    pictures
      ? { pictures: [replyPicture("progress.png", progressMapView(roadmap, mine, who.displayName ?? "You"))] }
      : {},
  );
}
