import { revealReply } from "../../quiz/channel-quiz-replies.ts";
import { revealChannelQuiz } from "../../quiz/channel-quizzes.ts";
import { parseDailySettings } from "../../schedule/daily-args.ts";
import { describeSchedule } from "../../schedule/describe.ts";
import { channelSubscriptionId } from "../../schedule/subscription.ts";
import { requireChannel, requireChannelAccess, requireChannelManager, teamZone } from "../channel-permission.ts";
import type { CommandContext } from "../command.ts";
import { quote, UserError } from "../errors.ts";
import { type Reply, reply } from "../reply.ts";
import { newSubscription } from "./new-subscription.ts";

/**
 * `daily quiz on|off|reveal` (channel managers): a quiz question with each daily slot, the last
 * one revealed first. With no daily topic, `daily quiz on [time] [zone] [days]` sets up a slot that
 * posts only the quiz.
 */
export async function dailyQuiz(context: CommandContext, words: string[]): Promise<Reply> {
  const { lookup } = context;
  const action = (words[0] ?? "").toLowerCase();
  if (action !== "on" && action !== "off" && action !== "reveal") {
    throw new UserError(
      "daily.quiz-choice",
      words[0] ? `\`daily quiz\` does not know ${quote(words[0], 20)}.` : "`daily quiz` needs on, off or reveal.",
      `Type \`${lookup.command("daily quiz on")}\`, \`${lookup.command("daily quiz off")}\` or \`${lookup.command("daily quiz reveal")}\`.`,
    );
  }
  const channelId = requireChannel(context);
  await requireChannelManager(context, "change this channel's quiz");
  const id = channelSubscriptionId(context.who.platform, context.who.teamId, channelId);
  if (action === "on") return turnOn(context, id, channelId, words.slice(1));
  if (action === "off") return turnOff(context, id);
  return reveal(context, id);
}

async function turnOn(context: CommandContext, id: string, channelId: string, words: string[]): Promise<Reply> {
  const { schedule } = context;
  // Even when it is already on: a quiz the bot cannot post is worth hearing about now.
  await requireChannelAccess(context);
  const before = await schedule.subscriptions.get(id);
  if (before?.quiz === "on") {
    return reply([{ type: "text", text: `This channel's quiz is already on: ${describeSchedule(before)}.` }]);
  }
  if (before) {
    const updated = await schedule.subscriptions.update(id, (subscription) => ({ ...subscription, quiz: "on" }));
    return reply(
      [
        {
          type: "text",
          text: `Channel quiz on: a question comes with each daily topic (${describeSchedule(updated ?? before)}), and the one before is revealed first. Everyone answers once with the buttons.`,
        },
      ],
      { private: false },
    );
  }
  const settings = parseDailySettings(words, await teamZone(context));
  if (!settings.ok) throw settings.error;
  const subscription = newSubscription(context, { id, kind: "channel", channelId }, settings.value, {
    quiz: "on",
    topics: "off",
  });
  await context.recordPerson();
  await schedule.subscriptions.put(subscription);
  return reply(
    [
      {
        type: "text",
        text: `Channel quiz on: a question ${describeSchedule(subscription)}, with no daily topic; each one reveals the one before. Everyone answers once with the buttons.`,
      },
    ],
    { private: false },
  );
}

async function turnOff(context: CommandContext, id: string): Promise<Reply> {
  const { schedule, lookup } = context;
  const before = await schedule.subscriptions.get(id);
  if (before?.quiz !== "on") {
    return reply([{ type: "text", text: "This channel has no quiz, so there was nothing to turn off." }]);
  }
  if (before.topics === "off") await schedule.subscriptions.remove(id);
  else await schedule.subscriptions.update(id, ({ quiz: _quiz, ...subscription }) => subscription);
  return reply(
    [
      {
        type: "text",
        text: `Channel quiz off. A question still waiting is revealed with \`${lookup.command("daily quiz reveal")}\`.`,
      },
    ],
    { private: false },
  );
}

async function reveal(context: CommandContext, id: string): Promise<Reply> {
  const { schedule, lookup, roadmaps, now } = context;
  const quizId = (await schedule.subscriptions.state(id)).quizId;
  const revealed = quizId ? await revealChannelQuiz(context, roadmaps, quizId, now) : undefined;
  if (!quizId || !revealed) {
    throw new UserError(
      "daily.quiz-nothing-to-reveal",
      "This channel has no quiz waiting for its answer.",
      `\`${lookup.command("daily quiz on")}\` posts one with each daily slot.`,
    );
  }
  await schedule.subscriptions.updateState(id, ({ quizId: _revealed, ...state }) => state);
  return revealReply(roadmaps.find((one) => one.id === revealed.quiz.roadmapId) ?? context.roadmap, revealed);
}
