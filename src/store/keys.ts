import type { Person } from "../progress/model.ts";

/**
 * Every key the bot writes is built here. Each id is URI-encoded, so no id can contain the ":"
 * separator and one tenant's ids can never spell another tenant's key. A lone surrogate (which
 * encodeURIComponent refuses) becomes U+FFFD first.
 */
const part = (id: string): string => encodeURIComponent(id.toWellFormed());

export const keys = {
  progress: (roadmapId: string, person: Person): string =>
    `progress:${part(roadmapId)}:${part(person.platform)}:${part(person.userId)}`,
  /** Whether a subscription's post for one local date went out: the source of truth for "once a day". */
  postLedger: (subscriptionId: string, localDate: string): string =>
    `posted:${part(subscriptionId)}:${part(localDate)}`,
  /** Every channel subscription and personal reminder, in one document the scheduler reads each tick. */
  subscriptions: (): string => "subscriptions",
  /** One subscription's position in the roadmap and its last post and error. */
  subscriptionState: (subscriptionId: string): string => `subscription-state:${part(subscriptionId)}`,
  /** A team's (Slack workspace's, Discord server's) settings. */
  teamSettings: (platform: string, teamId: string): string => `team:${part(platform)}:${part(teamId)}`,
  /** The hash of the Discord command data last registered, per application and guild ("global"). */
  discordCommandsHash: (applicationId: string, scope: string): string =>
    `discord-commands:${part(applicationId)}:${part(scope)}`,
};
