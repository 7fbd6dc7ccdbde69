import type { WebClient } from "@slack/web-api";
import type { ChannelManagers, Who } from "../../core/command.ts";
import { UserError } from "../../core/errors.ts";
import type { SlackPeople } from "./slack-people.ts";

/** What channel-managers needs of a Web API client: users.info (scope users:read). */
export type UsersInfoClient = Pick<WebClient, "users">;

/**
 * Who may change what the bot does in a Slack channel: workspace admins and owners. Slack tells
 * a bot nothing about channel managers, so the workspace role (users.info) is the test, asked
 * only when a command needs it and shared with the lookup of the person's name. Without the
 * users:read scope the person is told that the app lacks it (not that they are no admin); when
 * Slack cannot answer otherwise (an outage), the answer is no.
 */
export function slackChannelManagers(client: UsersInfoClient, who: Who, people: SlackPeople): ChannelManagers {
  let answer: Promise<boolean> | undefined;
  return {
    description: "workspace admins and owners",
    check() {
      answer ??= people.roles(client, who).then((person) => {
        if (!("failed" in person)) return person.admin;
        if (person.failed === "missing_scope")
          throw new UserError(
            "permission.missing-scope",
            "I cannot tell who is a workspace admin: the Slack app lacks the users:read permission.",
            "Whoever manages the app can add users:read under OAuth & Permissions (deploy/slack-app-manifest.yaml lists it) and reinstall it; then run this again.",
          );
        return false;
      });
      return answer;
    },
  };
}
