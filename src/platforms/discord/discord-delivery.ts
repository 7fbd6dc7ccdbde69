import { createHash } from "node:crypto";
import {
  type APIChannel,
  type APIMessage,
  DiscordAPIError,
  HTTPError,
  type RawFile,
  type REST,
  RESTJSONErrorCodes,
  type RESTPatchAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessageJSONBody,
  type RESTPostAPIChannelMessagesThreadsJSONBody,
  Routes,
  ThreadAutoArchiveDuration,
} from "discord.js";
import type { Reply } from "../../core/reply.ts";
import { truncate } from "../../core/text.ts";
import type { Logger } from "../../logger.ts";
import {
  type ChannelTarget,
  type Delivery,
  DeliveryError,
  type OutgoingPost,
  type PersonTarget,
} from "../../schedule/delivery.ts";
import { type DrawnPicture, drawReplyPictures, type PictureSource } from "../reply-picture.ts";
import type { HintSpelling } from "./command-hints.ts";
import { toDiscordMessage, wireMessage, withPictures } from "./messages.ts";

/** Discord's nonce is at most 25 characters. */
const nonceLength = 25;
const threadNameLength = 100;

/**
 * The nonce for one post in one channel: the same post key sent twice to the same channel gives
 * the same nonce, so with `enforce_nonce` Discord answers the repeat with the first message.
 * The channel is part of it so the same key can never fold two channels' posts into one.
 */
export function postNonce(channelId: string, key: string): string {
  return createHash("sha256").update(`${channelId}\n${key}`).digest("hex").slice(0, nonceLength);
}

/**
 * A scheduled post as Discord's create-message JSON: the command replies' embed and buttons, for
 * everyone to see (no ephemeral flag, no Share button), pinging no one, its drawn pictures
 * attached (as multipart files).
 */
export function postBody(
  reply: Reply,
  nonce: string,
  pictures: readonly DrawnPicture[] = [],
): { body: RESTPostAPIChannelMessageJSONBody; files?: RawFile[] } {
  const { body, files } = wireMessage(withPictures(toDiscordMessage({ ...reply, private: false }), pictures));
  const { flags: _neverEphemeral, ...shown } = body;
  return { body: { ...shown, nonce, enforce_nonce: true }, ...(files ? { files } : {}) };
}

/** A posted message's new content (an edit), as the REST API takes it; mentions stay off. */
export function editBody(reply: Reply): RESTPatchAPIChannelMessageJSONBody {
  const { content, embeds, components } = toDiscordMessage({ ...reply, private: false });
  return { content: content ?? "", embeds, components, allowed_mentions: { parse: [] } };
}

type Where = "channel" | "person";

/** What each refusal that retrying will not fix means, in plain words with the fix. */
const permanent: Record<number, Record<Where, string>> = {
  [RESTJSONErrorCodes.UnknownChannel]: {
    channel:
      "the channel no longer exists or the bot cannot see it: run `daily on` again in a channel where roadmap-bot is a member",
    person: "Discord no longer knows the direct-message channel with this person",
  },
  [RESTJSONErrorCodes.MissingAccess]: {
    channel:
      "the bot cannot see this channel: add roadmap-bot to the channel, or give it View Channel there (private channels need it explicitly)",
    person: "the bot cannot reach this person: they may have left every server roadmap-bot is in",
  },
  [RESTJSONErrorCodes.MissingPermissions]: {
    channel:
      "the bot lacks permission to send messages in this channel: give roadmap-bot View Channel, Send Messages and Embed Links here",
    person: "the bot lacks permission to send this direct message",
  },
  [RESTJSONErrorCodes.CannotSendMessagesToThisUser]: {
    channel: "Discord does not let the bot message this person",
    person:
      "Discord does not let the bot message this person: they need to allow direct messages from members of a server they share with roadmap-bot (Privacy Settings), or turn the reminder off",
  },
  [RESTJSONErrorCodes.UnknownUser]: {
    channel: "Discord does not know this user",
    person: "Discord does not know this user any more (the account may be deleted): turn the reminder off",
  },
  [RESTJSONErrorCodes.InvalidFormBodyOrContentType]: {
    channel: "Discord refused the message as malformed: this is a bug in roadmap-bot, please report it",
    person: "Discord refused the message as malformed: this is a bug in roadmap-bot, please report it",
  },
  [RESTJSONErrorCodes.CannotSendMessagesInNonTextChannel]: {
    channel: "this channel cannot hold messages (a voice or category channel): run `daily on` in a text channel",
    person: "the direct-message channel cannot hold messages",
  },
  [RESTJSONErrorCodes.CannotSendAMessageInAForumChannel]: {
    channel: "this is a forum channel, where the bot cannot post: run `daily on` in a text channel",
    person: "the direct-message channel cannot hold messages",
  },
};

/** A DeliveryError for whatever discord.js threw; permanent only for the refusals above. */
export function deliveryError(error: unknown, where: Where): DeliveryError {
  if (error instanceof DeliveryError) return error;
  if (error instanceof DiscordAPIError) {
    const code = typeof error.code === "number" && error.code !== 0 ? String(error.code) : `http_${error.status}`;
    const known = typeof error.code === "number" ? permanent[error.code] : undefined;
    if (known) return new DeliveryError(known[where], code, true);
    if (error.status === 401) {
      return new DeliveryError(
        "Discord rejected the bot's token: check DISCORD_TOKEN; the post will be tried again",
        code,
        false,
        // The token is the whole bot's: fixed once, so no channel is held responsible for it.
        true,
      );
    }
    return new DeliveryError(
      `Discord refused the message (${error.status}: ${error.message}); it will be tried again`,
      code,
      false,
    );
  }
  if (error instanceof HTTPError) {
    return new DeliveryError(
      `Discord had a server error (HTTP ${error.status}) even after retries; it will be tried again`,
      `http_${error.status}`,
      false,
    );
  }
  if (error instanceof Error && error.name === "AbortError") {
    return new DeliveryError("Discord did not answer in time; the post will be tried again", "timeout", false);
  }
  const detail = error instanceof Error ? error.message : String(error);
  return new DeliveryError(`Could not reach Discord (${detail}); the post will be tried again`, "network", false);
}

const apiCode = (error: unknown): number | undefined =>
  error instanceof DiscordAPIError && typeof error.code === "number" ? error.code : undefined;

export interface DiscordDeliveryOptions {
  /** How many people's DM channel ids to remember (each costs one request to learn). */
  dmCacheSize?: number;
  /** Draws posts' pictures (the weekly recap's); without it posts are text only. */
  pictures?: PictureSource;
  /** Spells the commands a post names as they are typed on Discord (`/roadmap remind off`). */
  hints?: HintSpelling;
}

/**
 * Scheduled posts through discord.js's REST client, so its per-route rate-limit buckets, its 429
 * handling (waits Retry-After, then retries) and its retries of 5xx apply. Channel posts carry a
 * nonce derived from the post key with `enforce_nonce`, so Discord shows a repeated post once.
 */
export class DiscordDelivery implements Delivery {
  readonly platform = "discord";
  private readonly dmChannels = new Map<string, string>();
  private readonly dmCacheSize: number;

  constructor(
    private readonly rest: REST,
    private readonly logger: Logger,
    private readonly options: DiscordDeliveryOptions = {},
  ) {
    this.dmCacheSize = Math.max(1, options.dmCacheSize ?? 5_000);
  }

  async postToChannel(target: ChannelTarget, post: OutgoingPost): Promise<string> {
    const message = await this.send(target.channelId, post).catch((error: unknown) => {
      throw deliveryError(error, "channel");
    });
    if (post.thread !== undefined) await this.openThread(target.channelId, message.id, post.thread);
    return message.id;
  }

  /** A DM: opens (or reuses) the DM channel, then posts there. DMs cannot have threads, so none is opened. */
  async sendDirect(target: PersonTarget, post: OutgoingPost): Promise<string> {
    try {
      const cached = this.dmChannels.get(target.userId);
      const channelId = cached ?? (await this.openDirectChannel(target.userId));
      try {
        return (await this.send(channelId, post)).id;
      } catch (error) {
        // A remembered DM channel that Discord no longer knows: forget it and open a fresh one once.
        if (cached === undefined || apiCode(error) !== RESTJSONErrorCodes.UnknownChannel) throw error;
        this.dmChannels.delete(target.userId);
        return (await this.send(await this.openDirectChannel(target.userId), post)).id;
      }
    } catch (error) {
      throw deliveryError(error, "person");
    }
  }

  private async send(channelId: string, post: OutgoingPost): Promise<APIMessage> {
    const pictures = await drawReplyPictures(post.reply, this.options.pictures, this.logger);
    const reply = this.options.hints ? this.options.hints(post.reply) : post.reply;
    const { body, files } = postBody(reply, postNonce(channelId, post.key), pictures);
    const message = (await this.rest.post(Routes.channelMessages(channelId), {
      body,
      ...(files ? { files } : {}),
    })) as APIMessage;
    if (typeof message?.id !== "string") throw new Error("Discord answered a message post without a message id");
    return message;
  }

  private async openDirectChannel(userId: string): Promise<string> {
    const channel = (await this.rest.post(Routes.userChannels(), { body: { recipient_id: userId } })) as APIChannel;
    if (typeof channel?.id !== "string") throw new Error("Discord answered a DM channel request without an id");
    // Oldest first in a Map: drop the oldest once full.
    if (this.dmChannels.size >= this.dmCacheSize) {
      const oldest = this.dmChannels.keys().next().value;
      if (oldest !== undefined) this.dmChannels.delete(oldest);
    }
    this.dmChannels.set(userId, channel.id);
    return channel.id;
  }

  /** A discussion thread under the post. The post is out either way: a refusal is logged, not a failure. */
  private async openThread(channelId: string, messageId: string, wanted: string): Promise<void> {
    const name = truncate(wanted.replace(/\s+/g, " ").trim(), threadNameLength);
    if (name === "") return;
    const body: RESTPostAPIChannelMessagesThreadsJSONBody = {
      name,
      auto_archive_duration: ThreadAutoArchiveDuration.OneDay,
    };
    try {
      await this.rest.post(Routes.threads(channelId, messageId), { body });
    } catch (error) {
      const code = apiCode(error);
      const details = { channelId, messageId, code, err: error };
      if (code === RESTJSONErrorCodes.ThreadAlreadyCreatedForMessage) {
        // The post was a repeat Discord folded into the first one, which already has its thread.
        this.logger.debug(details, "discord thread already exists for this post");
      } else {
        this.logger.info(
          details,
          "discord thread not opened under the daily post; give roadmap-bot Create Public Threads and Send Messages in Threads there",
        );
      }
    }
  }
}
