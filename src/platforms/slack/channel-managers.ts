import type { WebClient } from "@slack/web-api";
import type { ChannelManagers } from "../../core/command.ts";
import type { Logger } from "../../logger.ts";

/** What channel-managers needs of a Web API client: users.info (scope users:read). */
export type UsersInfoClient = Pick<WebClient, "users">;

/**
 * Who may change what the bot does in a Slack channel: workspace admins and owners. Slack tells
 * a bot nothing about channel managers, so the workspace role (users.info) is the test. The call
 * is made only when a command asks, at most once per command; when Slack cannot answer (no
 * users:read scope, an outage) the answer is no, and the reason is logged.
 */
export function slackChannelManagers(client: UsersInfoClient, userId: string, logger: Logger): ChannelManagers {
  let answer: Promise<boolean> | undefined;
  return {
    description: "workspace admins and owners",
    check() {
      answer ??= client.users.info({ user: userId }).then(
        ({ user }) => Boolean(user?.is_admin || user?.is_owner || user?.is_primary_owner),
        (error: unknown) => {
          const code = (error as { data?: { error?: unknown } }).data?.error;
          logger.warn(
            { err: error, userId, code },
            code === "missing_scope"
              ? "users.info needs the users:read scope: add it to the Slack app and reinstall it; until then nobody may manage channels"
              : "users.info failed; treating the person as not a workspace admin",
          );
          return false;
        },
      );
      return answer;
    },
  };
}
