import type { WebClient } from "@slack/web-api";
import type { ChannelAccess } from "../../core/command.ts";
import type { Logger } from "../../logger.ts";

/** What channel-access needs of a Web API client: conversations.info (scope groups:read). */
export type ConversationsInfoClient = Pick<WebClient, "conversations">;

type Refusal = { problem: string; fix: string };

/** The Web API's own error code (`channel_not_found`, `missing_scope`) and the scopes it wanted, if any. */
function slackError(error: unknown): { code?: unknown; needed?: unknown } {
  const data = (error as { data?: { error?: unknown; needed?: unknown } }).data;
  return { code: data?.error, needed: data?.needed };
}

/**
 * Whether the bot can post the daily topic in a Slack channel. Public channels always take its
 * posts (chat:write.public); a private channel or group conversation only once it was invited,
 * and Slack hides such a channel from a bot that is not in it (`channel_not_found`). The app asks
 * for groups:read only, so a public channel answers `missing_scope` wanting channels:read: that
 * is a public channel, fine as it is. The call is made only when a command asks, at most once per
 * command. When Slack cannot say (groups:read missing, an outage) the command goes ahead and the
 * reason is logged: a failed post is still reported by `daily status`, while refusing would block
 * every channel for a setup problem.
 */
export function slackChannelAccess(
  client: ConversationsInfoClient,
  channelId: string,
  botName: string,
  logger: Logger,
): ChannelAccess {
  const notInvited: Refusal = {
    problem: `${botName} is not a member of this private channel.`,
    fix: `Invite it with \`/invite @${botName}\`, then run it again.`,
  };
  let answer: Promise<Refusal | undefined> | undefined;
  return {
    check() {
      answer ??= client.conversations.info({ channel: channelId }).then(
        ({ channel }) => {
          const closed = channel?.is_private || channel?.is_group || channel?.is_mpim;
          return closed && channel?.is_member === false ? notInvited : undefined;
        },
        (error: unknown) => {
          const { code, needed } = slackError(error);
          if (code === "channel_not_found") return notInvited;
          const scopes = typeof needed === "string" ? needed.split(",") : [];
          if (code === "missing_scope" && scopes.length > 0 && !scopes.includes("groups:read")) {
            logger.debug({ channelId, needed }, "conversations.info: a public channel, which the bot can post in");
            return undefined;
          }
          logger.warn(
            { err: error, channelId, code, needed },
            code === "missing_scope"
              ? "conversations.info needs the groups:read scope: add it to the Slack app and reinstall it; until then private channels are not checked before daily on"
              : "conversations.info failed; daily on goes ahead without checking the channel",
          );
          return undefined;
        },
      );
      return answer;
    },
  };
}
