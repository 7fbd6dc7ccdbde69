/**
 * Every bot scope the Slack app asks for, and what for. deploy/slack-app-manifest.yaml lists the
 * same, each with its reason (a test compares them and the Web API methods the code calls), and
 * the many-workspace install asks for exactly these.
 */
export const botScopes = {
  commands: "the /roadmap slash command and the buttons on its answers",
  "chat:write": "daily topics, recaps and quizzes in channels, reminders as direct messages, edits of posted quizzes",
  "chat:write.public": "daily topics in public channels without inviting the bot first",
  "users:read": "people's display names and time zones, and telling workspace admins from other members (users.info)",
  "groups:read": "checking, before `daily on`, that the bot was invited to a private channel (conversations.info)",
  "im:write": "opening your direct message with the app, where an export or a picture is uploaded (conversations.open)",
  "files:write": "uploading an export or a picture to your direct message, and a recap's pictures without PUBLIC_URL",
} as const;

export type BotScope = keyof typeof botScopes;

/**
 * The Web API methods the code calls and the scope each needs (null: none beyond the bot token).
 * conversations.info asks for groups:read only: a public channel, which that scope cannot read,
 * takes the bot's posts anyway (chat:write.public).
 */
export const methodScopes: Readonly<Record<string, BotScope | null>> = {
  "chat.postMessage": "chat:write",
  "chat.update": "chat:write",
  "conversations.info": "groups:read",
  "conversations.open": "im:write",
  "files.getUploadURLExternal": "files:write",
  "files.completeUploadExternal": "files:write",
  "users.info": "users:read",
  "views.publish": null,
  "views.open": null,
  "views.update": null,
  "auth.test": null,
  "oauth.v2.access": null,
  "apps.connections.open": null,
};
