import {
  ApplicationIntegrationType,
  type BaseInteraction,
  DiscordAPIError,
  InteractionContextType,
  PermissionFlagsBits,
  type REST,
  Routes,
} from "discord.js";
import type { ChannelAccess } from "../../core/command.ts";
import type { Logger } from "../../logger.ts";
import { inviteUrl } from "./invite.ts";

/**
 * What the bot needs in a channel for its daily posts, with the names Discord's settings show:
 * see the channel, post, show the topic card (an embed) and open the discussion thread under it
 * (src/platforms/discord/discord-delivery.ts; it only opens the thread, it writes nothing there).
 */
const postingPermissions = [
  [PermissionFlagsBits.ViewChannel, "View Channel"],
  [PermissionFlagsBits.SendMessages, "Send Messages"],
  [PermissionFlagsBits.EmbedLinks, "Embed Links"],
  [PermissionFlagsBits.CreatePublicThreads, "Create Public Threads"],
] as const;

const listFormat = new Intl.ListFormat("en-GB", { style: "long", type: "conjunction" });

/** The interaction fields that say where it came from, all from the payload (never the guild cache). */
type Origin = Pick<BaseInteraction, "context" | "authorizingIntegrationOwners">;

/**
 * True where the bot user itself is not present, so it can post nothing there: a DM or group DM
 * between people (a user-installed app), or a server that did not install the app, where only the
 * person's own install brought the command. Answers there are for the person alone.
 */
export function botIsAbsent(interaction: Origin): boolean {
  if (interaction.context === InteractionContextType.PrivateChannel) return true;
  return (
    interaction.context === InteractionContextType.Guild &&
    interaction.authorizingIntegrationOwners[ApplicationIntegrationType.GuildInstall] === undefined
  );
}

export interface DiscordChannelAccessDeps {
  rest: REST;
  /** The bot's name, which is also its role's name in a server. */
  botName: string;
  logger: Logger;
}

type Interaction = Origin &
  Pick<BaseInteraction, "guildId" | "channelId" | "appPermissions" | "applicationId" | "client">;

/**
 * Whether the bot can post in the channel of this interaction: it must be in the server (the app
 * installed there with its bot, which the person's own install does not bring), and have the
 * posting permissions the payload's `app_permissions` lists for it in this channel. Asked only
 * before channel posts are turned on, at most once per command.
 */
export function discordChannelAccess(interaction: Interaction, deps: DiscordChannelAccessDeps): ChannelAccess {
  let answer: Promise<{ problem: string; fix: string } | undefined> | undefined;
  return {
    check() {
      answer ??= refusal(interaction, deps);
      return answer;
    },
  };
}

async function refusal(interaction: Interaction, deps: DiscordChannelAccessDeps) {
  const { guildId } = interaction;
  // Outside a server the core refuses before asking: daily topics go to server channels.
  if (!guildId) return undefined;
  if (botIsAbsent(interaction) || !(await botIsMember(interaction, guildId, deps))) {
    return {
      problem: `${deps.botName} is not in this server, so it cannot post here.`,
      fix: `Someone with Manage Server can add it with <${inviteUrl(interaction.applicationId)}>, then run it again.`,
    };
  }
  const missing = postingPermissions.filter(([flag]) => !interaction.appPermissions.has(flag));
  if (missing.length === 0) return undefined;
  const names = listFormat.format(missing.map(([, name]) => name));
  return {
    problem: `${deps.botName} cannot post here: it lacks ${names} in this channel.`,
    fix: `Open this channel's settings → Permissions, add the ${deps.botName} role if it is not listed, allow ${names}, then run it again.`,
  };
}

/**
 * A server that installed the app for its commands only (no bot scope) still authorizes them, so
 * the payload cannot tell; Discord's answer about the bot's own membership can. When Discord
 * cannot answer, the bot is taken to be there: a post that then fails says why in `daily status`.
 */
async function botIsMember(interaction: Interaction, guildId: string, deps: DiscordChannelAccessDeps) {
  const botId = interaction.client.user?.id ?? interaction.applicationId;
  try {
    await deps.rest.get(Routes.guildMember(guildId, botId));
    return true;
  } catch (error) {
    // 403 Missing Access or 404 Unknown Member/Guild: the bot is not a member.
    if (error instanceof DiscordAPIError && (error.status === 403 || error.status === 404)) return false;
    deps.logger.warn(
      { err: error, guildId },
      "could not ask Discord whether the bot is in this server; assuming it is",
    );
    return true;
  }
}
