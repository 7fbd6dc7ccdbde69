import type { Command } from "../command.ts";
import daily from "./daily.ts";
import done from "./done.ts";
import exportData from "./export.ts";
import forgetMe from "./forget-me.ts";
import help from "./help.ts";
import leaderboard from "./leaderboard.ts";
import next from "./next.ts";
import privacy from "./privacy.ts";
import progress from "./progress.ts";
import quiz from "./quiz.ts";
import remind from "./remind.ts";
import review from "./review.ts";
import search from "./search.ts";
import skip from "./skip.ts";
import stage from "./stage.ts";
import stages from "./stages.ts";
import start from "./start.ts";
import streak from "./streak.ts";
import team from "./team.ts";
import topic from "./topic.ts";
import undo from "./undo.ts";

/** Every command, in the order help lists them. A static list: nothing is discovered at runtime. */
export const commands: readonly Command[] = [
  help,
  stages,
  stage,
  topic,
  search,
  next,
  done,
  start,
  skip,
  undo,
  review,
  quiz,
  progress,
  streak,
  leaderboard,
  daily,
  remind,
  team,
  privacy,
  exportData,
  forgetMe,
];

/** Every word that starts a command: names and aliases. Roadmap ids must not be one of them. */
export const commandWords = (list: readonly Command[] = commands): string[] =>
  list.flatMap((command) => [command.name, ...(command.aliases ?? [])]);
