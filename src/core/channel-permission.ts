import type { CommandContext } from "./command.ts";
import { UserError } from "./errors.ts";

/**
 * Throws unless the person may change this channel's schedule: the platform's channel managers
 * (Discord: Manage Channels; Slack: workspace admins and owners), or anyone when the team has
 * opened it up. Without channel managers (the console), the person may.
 */
export async function requireChannelManager(context: CommandContext, what: string): Promise<void> {
  const { channelManagers, schedule, who, lookup } = context;
  if (!channelManagers) return;
  const team = await schedule.teams.get(who.platform, who.teamId);
  if (team.dailyManagers === "anyone") return;
  if (await channelManagers.check()) return;
  throw new UserError(
    "permission.channel-managers",
    `Only ${channelManagers.description} can ${what}.`,
    `Ask one of them, or see \`${lookup.command("daily status")}\`. They can let anyone do it with \`${lookup.command("team daily-managers anyone")}\`.`,
  );
}

/**
 * Throws unless the bot can post in this channel, with the platform's words for what is wrong and
 * the fix, so nothing is turned on that could never post. Without channel access (the console),
 * nothing is checked.
 */
export async function requireChannelAccess(context: CommandContext): Promise<void> {
  const refused = await context.channelAccess?.check();
  if (refused) throw new UserError("daily.cannot-post", refused.problem, refused.fix);
}

/** The channel a command came from; daily topics need one (not a direct message). */
export function requireChannel(context: CommandContext): string {
  const { who, lookup } = context;
  if (!who.channelId || who.inDirectMessage) {
    throw new UserError(
      "daily.needs-channel",
      "Daily topics are posted to channels, and this is a direct message.",
      `Type it in the channel that should get them, or for a personal reminder type \`${lookup.command("remind on 09:00")}\`.`,
    );
  }
  return who.channelId;
}

/** The zone for a new schedule: the team's, else DEFAULT_TIMEZONE. */
export async function teamZone(context: CommandContext): Promise<string> {
  const team = await context.schedule.teams.get(context.who.platform, context.who.teamId);
  return team.zone ?? context.schedule.defaultZone;
}
