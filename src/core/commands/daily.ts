import { parseDailySettings } from "../../schedule/daily-args.ts";
import { channelPostReply, planChannelPost } from "../../schedule/daily-posts.ts";
import { describeSchedule, localAndUtc, scheduleOf } from "../../schedule/describe.ts";
import { nextSlot } from "../../schedule/slots.ts";
import { channelSubscriptionId, type Subscription } from "../../schedule/subscription.ts";
import { requireChannel, requireChannelAccess, requireChannelManager, teamZone } from "../channel-permission.ts";
import type { Command, CommandContext } from "../command.ts";
import { UserError } from "../errors.ts";
import { runMode } from "../modes.ts";
import { type Block, type Reply, reply } from "../reply.ts";
import { stageName } from "../views.ts";
import { dailyQuiz } from "./daily-quiz.ts";
import { newSubscription } from "./new-subscription.ts";

const trackLabel = (track: Subscription["track"]) => (track === "required" ? "Required topics only" : "all topics");

/** "Tue 3 Mar 09:30 Europe/Berlin (08:30 UTC)", or why there is none. */
function nextPostText(subscription: Subscription, now: Date): string {
  if (subscription.paused) return `paused since ${subscription.paused.at.slice(0, 10)}: ${subscription.paused.reason}`;
  const next = nextSlot(scheduleOf(subscription), now.getTime());
  return next ? localAndUtc(next.at, subscription.zone) : "none scheduled";
}

async function turnOn(context: CommandContext, words: string[]): Promise<Reply> {
  const { who, roadmap, schedule, now, lookup } = context;
  const channelId = requireChannel(context);
  const settings = parseDailySettings(words, await teamZone(context));
  if (!settings.ok) throw settings.error;
  await requireChannelManager(context, "change this channel's daily topic");
  await requireChannelAccess(context);
  const id = channelSubscriptionId(who.platform, who.teamId, channelId);
  const before = await schedule.subscriptions.get(id);
  const { track } = settings.value;
  const subscription = newSubscription(context, { id, kind: "channel", channelId }, settings.value, {
    ...(before?.recap ? { recap: before.recap } : {}),
    ...(before?.quiz ? { quiz: before.quiz } : {}),
    ...(before ? { createdAt: before.createdAt } : {}),
  });
  await context.recordPerson();
  // Turning it on again clears a pause, and with it the count of failed days that caused it.
  const state = await schedule.subscriptions.updateState(id, (current) => ({ ...current, failedDays: 0 }));
  await schedule.subscriptions.put(subscription);
  const plan = planChannelPost(roadmap, track, state);
  const upNext = plan.kind === "topic" ? plan.topic.title : "a closing post, then the roadmap starts over";
  const verb = before?.paused ? "resumed" : before ? "updated" : "on";
  return reply(
    [
      { type: "header", text: `Daily topic ${verb} for this channel` },
      {
        type: "text",
        text: `${describeSchedule(subscription)}, ${trackLabel(track)} of ${roadmap.title}.`,
      },
      {
        type: "fields",
        fields: [
          { label: "Next post", value: nextPostText(subscription, now) },
          { label: "Up next", value: upNext },
        ],
      },
      {
        type: "context",
        text: `\`${lookup.command("daily preview")}\` shows the next post, \`${lookup.command("daily off")}\` stops them.`,
      },
    ],
    { private: false },
  );
}

async function turnOff(context: CommandContext): Promise<Reply> {
  const { who, schedule, lookup } = context;
  const channelId = requireChannel(context);
  await requireChannelManager(context, "change this channel's daily topic");
  const removed = await schedule.subscriptions.remove(channelSubscriptionId(who.platform, who.teamId, channelId));
  if (!removed) {
    return reply([{ type: "text", text: "This channel has no daily topic, so there was nothing to turn off." }]);
  }
  return reply(
    [
      {
        type: "text",
        text: `Daily topic off for this channel. \`${lookup.command("daily on")}\` starts it again where it stopped.`,
      },
    ],
    { private: false },
  );
}

/** `daily leaderboard weekly|off`: last week's channel leaderboard with the week's first daily post. */
async function recap(context: CommandContext, words: string[]): Promise<Reply> {
  const { who, schedule, lookup } = context;
  const channelId = requireChannel(context);
  const choice = words.join(" ").toLowerCase();
  if (choice !== "weekly" && choice !== "off") {
    throw new UserError(
      "daily.recap-choice",
      "`daily leaderboard` takes `weekly` or `off`.",
      `Type \`${lookup.command("daily leaderboard weekly")}\` or \`${lookup.command("daily leaderboard off")}\`.`,
    );
  }
  await requireChannelManager(context, "change this channel's weekly leaderboard");
  const id = channelSubscriptionId(who.platform, who.teamId, channelId);
  const updated = await schedule.subscriptions.update(id, ({ recap: _before, ...subscription }) =>
    choice === "weekly" ? { ...subscription, recap: "weekly" } : subscription,
  );
  if (!updated) {
    throw new UserError(
      "daily.recap-needs-daily",
      "The weekly leaderboard goes out with this channel's daily topic, and this channel has none.",
      `Start one with \`${lookup.command("daily on 09:00")}\`, then type \`${lookup.command("daily leaderboard weekly")}\`.`,
    );
  }
  const text =
    choice === "weekly"
      ? `Weekly leaderboard on: the week's first daily post (${describeSchedule(updated)}) is followed by last week's top 5 in this channel.`
      : "Weekly leaderboard off for this channel; the daily topic goes on as before.";
  return reply([{ type: "text", text }], { private: false });
}

async function status(context: CommandContext): Promise<Reply> {
  const { who, schedule, now, lookup } = context;
  const channelId = requireChannel(context);
  const id = channelSubscriptionId(who.platform, who.teamId, channelId);
  const subscription = await schedule.subscriptions.get(id);
  if (!subscription) {
    return reply([
      { type: "text", text: "This channel has no daily topic." },
      {
        type: "context",
        text: `Start one with \`${lookup.command("daily on 09:00 Europe/Berlin weekdays")}\` (every part optional).`,
      },
    ]);
  }
  const roadmap = context.roadmaps.find((candidate) => candidate.id === subscription.roadmapId) ?? context.roadmap;
  const state = await schedule.subscriptions.state(id);
  const plan = planChannelPost(roadmap, subscription.track, state);
  const stage = plan.kind === "topic" ? roadmap.stages[plan.topic.stageNumber - 1] : undefined;
  const position =
    plan.kind === "topic"
      ? `next: topic ${plan.position} of ${plan.total}, ${plan.topic.title}${stage ? ` (${stageName(stage)})` : ""}`
      : `all ${plan.total} topics posted; next comes the closing post`;
  const last = state.lastPost
    ? `${state.lastPost.date}: ${
        state.lastPost.kind === "closing"
          ? "the closing post"
          : (roadmap.topicsById.get(state.lastPost.topicId ?? "")?.title ?? "a topic no longer in the roadmap")
      }${state.lastPost.catchUp ? " (catch-up)" : ""}`
    : "none yet";
  const error = state.lastError
    ? `${state.lastError.date}: ${state.lastError.message} (${state.lastError.code})${state.failedDays > 0 ? ` · ${state.failedDays} failed day${state.failedDays === 1 ? "" : "s"} in a row` : ""}`
    : "none";
  const blocks: Block[] = [
    { type: "header", text: subscription.paused ? "Daily topic: paused" : "Daily topic" },
    { type: "text", text: `${describeSchedule(subscription)}, ${trackLabel(subscription.track)} of ${roadmap.title}.` },
    {
      type: "fields",
      fields: [
        { label: "Next post", value: nextPostText(subscription, now) },
        { label: "Position", value: position },
        { label: "Last post", value: last },
        { label: "Last error", value: error },
        { label: "Weekly leaderboard", value: subscription.recap === "weekly" ? "on" : "off" },
        {
          label: "Channel quiz",
          value:
            subscription.quiz === "on" ? (subscription.topics === "off" ? "on, without a daily topic" : "on") : "off",
        },
      ],
    },
  ];
  if (subscription.paused) {
    blocks.push({
      type: "context",
      text: `Fix the error above, then \`${lookup.command("daily on")}\` starts it again where it stopped.`,
    });
  }
  return reply(blocks);
}

async function preview(context: CommandContext): Promise<Reply> {
  const { who, schedule, now, lookup, roadmap } = context;
  const channelId = requireChannel(context);
  const id = channelSubscriptionId(who.platform, who.teamId, channelId);
  const subscription = await schedule.subscriptions.get(id);
  if (!subscription) {
    throw new UserError(
      "daily.not-subscribed",
      "This channel has no daily topic to preview.",
      `Start one with \`${lookup.command("daily on 09:00")}\`.`,
    );
  }
  if (subscription.roadmapId !== roadmap.id) {
    throw new UserError(
      "daily.other-roadmap",
      `This channel's daily topic follows the roadmap \`${subscription.roadmapId}\`.`,
      `Type \`${subscription.roadmapId} daily preview\`.`,
    );
  }
  const plan = planChannelPost(roadmap, subscription.track, await schedule.subscriptions.state(id));
  const next = nextSlot(scheduleOf(subscription), now.getTime());
  const post = channelPostReply(lookup, plan, subscription, { catchUp: false, at: next?.at ?? now.getTime() });
  return {
    ...post,
    private: true,
    blocks: [
      ...post.blocks,
      { type: "context", text: `Preview of the post due ${nextPostText(subscription, now)}: only you see this.` },
    ],
  };
}

export default {
  name: "daily",
  summary:
    "A topic a day in this channel: daily on [HH:MM] [zone] [days] [required|all], off, status, leaderboard weekly|off",
  argument: {
    name: "on|off|status|preview|leaderboard|quiz",
    description: "What to do with this channel's daily topic",
    required: false,
    kind: "text",
    example: "daily on 09:30 Europe/Berlin weekdays",
  },
  modes: [
    {
      name: "on",
      summary: "Post a topic a day in this channel (channel managers only)",
      options: [
        { name: "time", description: "Local time, 24-hour HH:MM (default 09:00)", example: "09:30" },
        { name: "zone", description: "IANA time zone (default: the team's)", example: "Europe/Berlin" },
        { name: "days", description: "weekdays, daily, or days such as mon,wed,fri", example: "mon,wed,fri" },
        { name: "track", description: "all topics, or required ones only", example: "required" },
      ],
    },
    { name: "off", summary: "Stop this channel's daily topic (channel managers only)" },
    { name: "status", summary: "When the next post comes, the last post and the last error" },
    { name: "preview", summary: "Show the next post, only to you" },
    {
      name: "leaderboard",
      summary: "weekly: post last week's channel top 5 with the week's first daily post; off: stop it",
    },
    {
      name: "quiz",
      summary: "on: a quiz question with each daily slot; off; reveal: the answer now (channel managers)",
      options: [
        { name: "action", description: "on, off or reveal", example: "on" },
        { name: "time", description: "Without a daily topic: local time, HH:MM (default 09:00)", example: "09:30" },
        { name: "zone", description: "Without a daily topic: IANA time zone", example: "Europe/Berlin" },
        { name: "days", description: "Without a daily topic: weekdays, daily, or mon,wed,fri", example: "weekdays" },
      ],
    },
  ],
  run: (context) =>
    runMode(
      context,
      { on: turnOn, off: turnOff, status, preview, leaderboard: recap, quiz: dailyQuiz },
      "status",
      "daily on 09:30 Europe/Berlin",
    ),
} satisfies Command;
