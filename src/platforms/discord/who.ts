import type { Interaction } from "discord.js";
import type { Who } from "../../core/command.ts";

/**
 * The member behind an interaction, from the payload alone: user-installed apps get interactions
 * from servers the bot never joined, so nothing here may come from the guild cache.
 */
export function whoFromInteraction(interaction: Interaction): Who {
  const member = interaction.member;
  const memberName = member && "nick" in member && typeof member.nick === "string" ? member.nick : undefined;
  const displayName = memberName ?? interaction.user.globalName ?? interaction.user.username;
  return {
    platform: "discord",
    userId: interaction.user.id,
    displayName,
    // No server: the bot's DM, or a user-installed app in a DM or group DM; no channel to post to.
    ...(interaction.guildId ? { teamId: interaction.guildId } : { inDirectMessage: true }),
    ...(interaction.channelId ? { channelId: interaction.channelId } : {}),
  };
}
