import { OAuth2Scopes, PermissionFlagsBits, PermissionsBitField } from "discord.js";

/**
 * What the bot asks for when invited, each for a reason: slash commands need the
 * applications.commands scope; the bot scope and these permissions let it post in channels
 * (the daily topic): see them, send, embed the topic card, and open and write in its thread.
 */
export const invitePermissions = new PermissionsBitField([
  PermissionFlagsBits.ViewChannel,
  PermissionFlagsBits.SendMessages,
  PermissionFlagsBits.EmbedLinks,
  PermissionFlagsBits.CreatePublicThreads,
  PermissionFlagsBits.SendMessagesInThreads,
]);

export function inviteUrl(applicationId: string): string {
  const query = new URLSearchParams({
    client_id: applicationId,
    scope: [OAuth2Scopes.Bot, OAuth2Scopes.ApplicationsCommands].join(" "),
    permissions: invitePermissions.bitfield.toString(),
  });
  return `https://discord.com/oauth2/authorize?${query}`;
}
