import type { Who } from "../../core/command.ts";

/** A one-to-one conversation with the bot: Slack names it "directmessage" and its id starts with D. */
export const isDirectMessage = (channel: { id?: string | undefined; name?: string | undefined }): boolean =>
  channel.name === "directmessage" || (channel.id?.startsWith("D") ?? false);

/**
 * The person behind a Slack payload. Identity always comes from the payload Slack signed, never
 * from a button's value, so a click acts for whoever clicked.
 */
export function whoFromCommand(command: {
  user_id: string;
  user_name?: string;
  team_id?: string;
  channel_id?: string;
  channel_name?: string;
}): Who {
  return {
    platform: "slack",
    userId: command.user_id,
    ...(command.user_name ? { displayName: command.user_name } : {}),
    ...(command.team_id ? { teamId: command.team_id } : {}),
    ...(command.channel_id ? { channelId: command.channel_id } : {}),
    ...(isDirectMessage({ id: command.channel_id, name: command.channel_name }) ? { inDirectMessage: true } : {}),
  };
}

interface ActionBody {
  user: { id: string; name?: string; username?: string; team_id?: string };
  team?: { id: string } | null;
  channel?: { id: string; name?: string };
}

export function whoFromAction(body: ActionBody): Who {
  const displayName = body.user.name ?? body.user.username;
  const teamId = body.team?.id ?? body.user.team_id;
  return {
    platform: "slack",
    userId: body.user.id,
    ...(displayName ? { displayName } : {}),
    ...(teamId ? { teamId } : {}),
    ...(body.channel?.id ? { channelId: body.channel.id } : {}),
    ...(body.channel && isDirectMessage(body.channel) ? { inDirectMessage: true } : {}),
  };
}
