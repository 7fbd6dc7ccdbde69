import { levels } from "../../content/schema.ts";
import { countByLevel, countDone, currentStage, percent } from "../../progress/summary.ts";
import type { Command } from "../command.ts";
import { picturesWanted, progressMapView, replyPicture } from "../picture-views.ts";
import { reply } from "../reply.ts";
import { levelLabel, stageBars, stageName } from "../views.ts";
import { streakText } from "./streak.ts";

export default {
  name: "progress",
  aliases: ["me", "status"],
  summary: "Your progress: overall, per level, per stage",
  async run(context) {
    const { roadmap, roadmaps, progress, who, standings, now } = context;
    const [mine, streak, pictures] = await Promise.all([
      progress.load(roadmap, who),
      standings.streak(who, roadmaps, now),
      picturesWanted(context),
    ]);
    const overall = countDone(mine, roadmap.topics);
    const byLevel = countByLevel(mine, roadmap);
    const current = currentStage(mine, roadmap);
    // Only topics still in the roadmap count; ids from removed topics are ignored.
    const statuses = roadmap.topics.map((topic) => mine.topics.get(topic.id)?.status);
    const learning = statuses.filter((status) => status === "learning").length;
    const skipped = statuses.filter((status) => status === "skipped").length;
    return reply(
      [
        { type: "header", text: `Your progress · ${roadmap.title}` },
        { type: "progress", label: "Overall", ...overall },
        {
          type: "fields",
          fields: [
            ...levels.map((level) => ({
              label: levelLabel[level],
              value: `${byLevel[level].done}/${byLevel[level].total} (${percent(byLevel[level].done, byLevel[level].total)}%)`,
            })),
            { label: "Current stage", value: current ? stageName(current) : "All done" },
            { label: "Learning / skipped", value: `${learning} / ${skipped}` },
            { label: "Streak", value: streakText(streak) },
          ],
        },
        ...stageBars(roadmap, mine),
        { type: "context", text: "`next` shows what to study now · `stage <n>` shows one stage" },
      ],
      pictures
        ? { pictures: [replyPicture("progress.png", progressMapView(roadmap, mine, who.displayName ?? "You"))] }
        : {},
    );
  },
} satisfies Command;
