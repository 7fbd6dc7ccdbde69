import { parseDailySettings } from "../../schedule/daily-args.ts";
import { describeSchedule, localAndUtc, scheduleOf } from "../../schedule/describe.ts";
import { nextSlot } from "../../schedule/slots.ts";
import { reminderId } from "../../schedule/subscription.ts";
import { teamZone } from "../channel-permission.ts";
import type { Command, CommandContext } from "../command.ts";
import { runMode } from "../modes.ts";
import { type Reply, reply } from "../reply.ts";
import { newSubscription } from "./new-subscription.ts";

async function turnOn(context: CommandContext, words: string[]): Promise<Reply> {
  const { who, roadmap, schedule, now, lookup } = context;
  const existing = await schedule.subscriptions.get(reminderId(who.platform, who.userId));
  // A new reminder follows the person's own zone where the platform tells it; one they set keeps theirs.
  const settings = parseDailySettings(words, existing?.zone ?? who.zone ?? (await teamZone(context)));
  if (!settings.ok) throw settings.error;
  const { zone } = settings.value;
  // A reminder follows the person's own next topic, so it has no track of its own to choose.
  const subscription = newSubscription(
    context,
    { id: reminderId(who.platform, who.userId), kind: "reminder" },
    { ...settings.value, track: "all" },
    existing ? { createdAt: existing.createdAt } : {},
  );
  await context.recordPerson();
  await schedule.subscriptions.updateState(subscription.id, (state) => ({ ...state, failedDays: 0 }));
  await schedule.subscriptions.put(subscription);
  const next = nextSlot(scheduleOf(subscription), now.getTime());
  return reply([
    { type: "header", text: "Study reminder on" },
    {
      type: "text",
      text: `I will send you your next topic of ${roadmap.title} in a direct message at ${describeSchedule(subscription)}; at most once a day.`,
    },
    { type: "fields", fields: [{ label: "First reminder", value: next ? localAndUtc(next.at, zone) : "none" }] },
    { type: "context", text: `\`${lookup.command("remind off")}\` stops them.` },
  ]);
}

async function turnOff({ who, schedule, lookup }: CommandContext): Promise<Reply> {
  const removed = await schedule.subscriptions.remove(reminderId(who.platform, who.userId));
  return reply([
    {
      type: "text",
      text: removed
        ? `Study reminders off. \`${lookup.command("remind on 09:00")}\` turns them on again.`
        : "You had no study reminder, so there was nothing to turn off.",
    },
  ]);
}

async function status({ who, schedule, now, lookup }: CommandContext): Promise<Reply> {
  const subscription = await schedule.subscriptions.get(reminderId(who.platform, who.userId));
  if (!subscription) {
    return reply([
      {
        type: "text",
        text: `You have no study reminder. \`${lookup.command("remind on 09:00 Europe/Berlin")}\` sends you your next topic every weekday at 09:00.`,
      },
    ]);
  }
  const next = nextSlot(scheduleOf(subscription), now.getTime());
  const state = await schedule.subscriptions.state(subscription.id);
  return reply([
    { type: "header", text: subscription.paused ? "Study reminder: paused" : "Study reminder" },
    { type: "text", text: describeSchedule(subscription) },
    {
      type: "fields",
      fields: [
        {
          label: "Next reminder",
          value: subscription.paused
            ? `paused: ${subscription.paused.reason}`
            : next
              ? localAndUtc(next.at, subscription.zone)
              : "none",
        },
        { label: "Last reminder", value: state.lastPost?.date ?? "none yet" },
        {
          label: "Last error",
          value: state.lastError ? `${state.lastError.date}: ${state.lastError.message}` : "none",
        },
      ],
    },
  ]);
}

export default {
  name: "remind",
  summary: "Your next topic by direct message: remind on [HH:MM] [zone] [days], remind off",
  argument: {
    name: "on|off|status",
    description: "What to do with your study reminder",
    required: false,
    kind: "text",
    example: "remind on 08:30 Europe/Berlin weekdays",
  },
  modes: [
    {
      name: "on",
      summary: "Send me my next topic by direct message",
      options: [
        { name: "time", description: "Local time, 24-hour HH:MM (default 09:00)", example: "08:30" },
        { name: "zone", description: "IANA time zone (default: the team's)", example: "Europe/Berlin" },
        { name: "days", description: "weekdays, daily, or days such as mon,wed,fri", example: "daily" },
      ],
    },
    { name: "off", summary: "Stop my study reminders" },
    { name: "status", summary: "When my next reminder comes" },
  ],
  run: (context) => runMode(context, { on: turnOn, off: turnOff, status }, "status", "remind on 08:30 Europe/Berlin"),
} satisfies Command;
