/**
 * A person's id as the bot keeps it. Installed to one workspace, Slack's own user id. Installed to
 * many, the workspace's id and theirs ("T123:U456"): nothing of one workspace may be visible from
 * another, even where two of them know the same user id (an Enterprise Grid org's members keep
 * one id across its workspaces; their progress is kept per workspace). Slack ids hold no ":".
 */
export const qualifiedUserId = (teamId: string | undefined, userId: string): string =>
  teamId ? `${teamId}:${userId}` : userId;

/** The user id Slack's Web API knows, from either form. */
export const slackUserId = (userId: string): string => userId.slice(userId.lastIndexOf(":") + 1);
