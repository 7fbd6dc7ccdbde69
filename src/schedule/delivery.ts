import type { Reply } from "../core/reply.ts";

/** One scheduled message: the same neutral Reply every platform renders for commands. */
export interface OutgoingPost {
  reply: Reply;
  /**
   * Stable per subscription and local date. Where the platform can deduplicate (Discord's
   * `nonce` with `enforce_nonce`), the same key sent twice shows one message.
   */
  key: string;
  /** Open a discussion thread with this name under the post, where the platform and the bot's permissions allow. */
  thread?: string;
}

/** Where a channel post goes. */
export interface ChannelTarget {
  teamId?: string;
  channelId: string;
}

/** Who a direct message goes to. */
export interface PersonTarget {
  teamId?: string;
  userId: string;
}

/**
 * How the scheduler reaches a platform. Each resolves with a reference to the message that went
 * out (a Slack ts, a Discord message id) and rejects with DeliveryError when it did not go out.
 * Rate limits (429 with Retry-After) are waited out inside, per channel: they are not failures.
 */
export interface Delivery {
  /** "slack", "discord", "console": matches Who.platform of the people who subscribed. */
  readonly platform: string;
  postToChannel(target: ChannelTarget, post: OutgoingPost): Promise<string>;
  sendDirect(target: PersonTarget, post: OutgoingPost): Promise<string>;
}

/**
 * A post that did not go out. `permanent` means retrying today will not help (the bot was removed
 * from the channel, the channel is gone or archived, the bot lacks permission); `code` is the
 * platform's own ("not_in_channel", "50013") so status replies can name it.
 */
export class DeliveryError extends Error {
  override name = "DeliveryError";
  constructor(
    message: string,
    readonly code: string,
    readonly permanent: boolean,
    /**
     * The whole platform is unusable (a revoked token, a missing scope), not this one channel:
     * nothing is paused for it, since every subscription would be, for a fix made in one place.
     */
    readonly platformWide = false,
  ) {
    super(message);
  }
}
