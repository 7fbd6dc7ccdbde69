import type { Streak } from "../../progress/streak.ts";
import type { Command } from "../command.ts";
import { reply } from "../reply.ts";

const days = (n: number): string => `${n} ${n === 1 ? "day" : "days"}`;

/** "5 days (today counted)": the line `streak`, `progress` and reminders share. */
export const streakText = (streak: Streak): string =>
  `${days(streak.current)}${streak.current > 0 ? (streak.studiedToday ? ", today counted" : ", today not yet") : ""}`;

export default {
  name: "streak",
  summary: "Your study streak: days in a row with a topic marked done",
  async run({ standings, who, roadmaps, now, lookup }) {
    const streak = await standings.streak(who, roadmaps, now);
    const today = streak.studiedToday
      ? "Today is counted. See you tomorrow!"
      : streak.current > 0
        ? `Today is not counted yet: mark a topic done before 04:00 to keep the streak. \`${lookup.command("next")}\` shows one.`
        : `Mark a topic done today to start one. \`${lookup.command("next")}\` shows what to study.`;
    return reply([
      { type: "header", text: "Your study streak" },
      {
        type: "fields",
        fields: [
          { label: "Current", value: days(streak.current) },
          { label: "Longest", value: days(streak.longest) },
          { label: "Today", value: streak.studiedToday ? "counted" : "not yet" },
        ],
      },
      { type: "text", text: today },
      {
        type: "context",
        text: `A day counts when you mark at least one topic done or answer a review; days run 04:00 to 04:00 in ${streak.zone}.`,
      },
    ]);
  },
} satisfies Command;
